"""Private calendar feed links. A user has at most one live link per workspace: making a new one revokes the
old, so a leaked URL is dealt with by one click and every copy of it stops working at once."""

from django.db import transaction
from django.utils import timezone

from calendar_app.models import CalendarFeedToken, Workspace
from calendar_app.services.audit import audit_record
from calendar_app.services.permissions import membership_get


@transaction.atomic
def feed_token_create(*, user, workspace: Workspace) -> CalendarFeedToken:
    membership_get(user=user, workspace=workspace)
    _revoke_active(user=user, workspace=workspace)
    token = CalendarFeedToken(user=user, workspace=workspace)
    token.full_clean()
    token.save()
    audit_record(workspace=workspace, actor=user, action="feed_token_create")
    return token


@transaction.atomic
def feed_token_revoke(*, user, workspace: Workspace) -> int:
    membership_get(user=user, workspace=workspace)
    revoked = _revoke_active(user=user, workspace=workspace)
    if revoked:
        audit_record(workspace=workspace, actor=user, action="feed_token_revoke")
    return revoked


def _revoke_active(*, user, workspace: Workspace) -> int:
    return CalendarFeedToken.objects.filter(user=user, workspace=workspace, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
