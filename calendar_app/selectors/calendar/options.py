"""What a calendar page needs besides the posts: the viewer's role and time-zone choice, and the
workspace's channels, members, campaigns and tags for the filter bar (one query each)."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from calendar_app.models import Campaign, Membership, Tag, UserPreference, Workspace
from scheduler.models import Channel


@dataclass(frozen=True)
class CalendarOptions:
    role: str | None
    preference: UserPreference | None
    members: list
    channels: dict[int, Channel]
    campaigns: dict[int, Campaign]
    tags: dict[int, Tag]


def calendar_options(*, workspace: Workspace, user) -> CalendarOptions:
    """The viewer's own preference rides along the members query (a left join), saving a round trip."""
    memberships = list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user", "user__preference")
        .order_by("user__username")
    )
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    preference = None
    if mine is not None:
        try:
            preference = mine.user.preference
        except ObjectDoesNotExist:
            preference = None
    return CalendarOptions(
        role=mine.role if mine else None,
        preference=preference,
        members=[m.user for m in memberships],
        channels={c.pk: c for c in Channel.objects.filter(workspace=workspace)},
        campaigns={c.pk: c for c in Campaign.objects.filter(workspace=workspace)},
        tags={t.pk: t for t in Tag.objects.filter(workspace=workspace)},
    )
