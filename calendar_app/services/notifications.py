"""In-app notifications (the bell) and e-mail, sent once the transaction commits: a rollback sends nothing."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calendar_app.inputs import MAX_ID
from calendar_app.models import Membership, Notification, Role
from calendar_app.services.messages import is_message, message_render
from calendar_app.services.public_url import public_url


@dataclass(frozen=True)
class Notice:
    """One notification to some users; `message` is best a `calendar_app.services.messages.message(...)`,
    or a list of them read as one paragraph: the bell then shows it in each reader's language; the e-mail
    goes out in the workspace's language."""

    users: Iterable
    workspace: object
    kind: str
    message: str | dict | list[dict]
    post: object = None


def notification_send(
    *, users: Iterable, workspace, kind: str, message: str | dict | list[dict], post=None
) -> list[Notification]:
    return notifications_send(notices=[Notice(users, workspace, kind, message, post)])


def notifications_send(*, notices: Iterable[Notice]) -> list[Notification]:
    """Many notices with one INSERT (a publishing burst settles hundreds of posts at once)."""
    created = []
    for notice in notices:
        recipients = {user.pk: user for user in notice.users if user is not None}
        content = notice.message if is_message(notice.message) or isinstance(notice.message, list) else {}
        emails = [user.email for user in recipients.values() if user.email]
        with translation.override(notice.workspace.language):
            text = message_render(notice.message)
            body = (text + _email_post_link(notice)) if emails else ""
        created += [
            Notification(
                user=user,
                workspace=notice.workspace,
                post=notice.post,
                kind=notice.kind,
                message=text,
                content=content,
            )
            for user in recipients.values()
        ]
        if emails:
            subject = f"[Pauta · {notice.workspace.name}] {text[:80]}"
            transaction.on_commit(
                lambda subject=subject, body=body, emails=emails: send_mail(
                    subject, body, None, emails, fail_silently=True
                )
            )
    return Notification.objects.bulk_create(created)


def _email_post_link(notice: Notice) -> str:
    """The post's page, so an e-mail can be acted on; only with a public address (a bare path is no link)."""
    if notice.post is None:
        return ""
    path = reverse("calendar_app:post-detail", args=[notice.workspace.slug, notice.post.pk])
    url = public_url(path)
    if not url:
        return ""
    return "\n\n" + _("Open the post: %(url)s") % {"url": url}


def workspace_members_with_role(*, workspace, role: str):
    minimum = Role.rank(role)
    memberships = Membership.objects.filter(workspace=workspace).select_related("user")
    return [m.user for m in memberships if Role.rank(m.role) >= minimum]


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list_for_user(*, user):
    """The user's own notifications, of workspaces they still belong to; nobody can read anyone else's."""
    workspaces = Membership.objects.filter(user=user).values("workspace_id")
    return (
        Notification.objects.filter(user=user, workspace_id__in=workspaces)
        .select_related("workspace", "post")
        .order_by("-created_at", "-id")
    )


def notification_get_for_user(*, user, notification_id: int) -> Notification | None:
    if not 0 < notification_id <= MAX_ID:
        return None
    return notification_list_for_user(user=user).filter(pk=notification_id).first()
