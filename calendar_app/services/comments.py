"""Internal discussion on a post. Anyone who can write posts in the workspace can comment; only the writer
of a comment may change or delete it, so nobody can put words in someone else's mouth."""

from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from calendar_app.models import Comment, Post, Role
from calendar_app.services.permissions import membership_get, role_require

MAX_COMMENT = 5000


def _clean_body(body: str | None) -> str:
    cleaned = (body or "").strip()
    if not cleaned:
        raise InvalidInputError(_("Write something before sending the comment."), details={"field": "body"})
    if len(cleaned) > MAX_COMMENT:
        raise InvalidInputError(
            _("A comment can be at most %(count)d characters.") % {"count": MAX_COMMENT},
            details={"field": "body"},
        )
    return cleaned


def comment_create(*, post: Post, user, body: str) -> Comment:
    role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
    comment = Comment(post=post, author=user, body=_clean_body(body))
    comment.full_clean()
    comment.save()
    return comment


def comment_get(*, post: Post, user, comment_id) -> Comment:
    membership_get(user=user, workspace=post.workspace)
    try:
        return post.comments.select_related("author").get(pk=int(comment_id))
    except (Comment.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError() from exc


def comment_check_writer(*, comment: Comment, user) -> None:
    role_require(user=user, workspace=comment.post.workspace, role=Role.AUTHOR)
    if comment.author_id != user.pk:
        raise PermissionDeniedError(_("Only the person who wrote a comment can change or delete it."))


def comment_update(*, comment: Comment, user, body: str) -> Comment:
    comment_check_writer(comment=comment, user=user)
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment: Comment, user) -> None:
    comment_check_writer(comment=comment, user=user)
    comment.delete()
