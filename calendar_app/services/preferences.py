from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError
from calendar_app.models import UserPreference, Workspace
from calendar_app.services.permissions import membership_get


def preference_get(*, user) -> UserPreference:
    preference, _created = UserPreference.objects.get_or_create(user=user)
    return preference


def preference_set_workspace(*, user, workspace: Workspace) -> UserPreference:
    membership_get(user=user, workspace=workspace)
    preference = preference_get(user=user)
    preference.current_workspace = workspace
    preference.save(update_fields=["current_workspace"])
    return preference


def preference_set_timezone(*, user, timezone: str, use_own_timezone: bool) -> UserPreference:
    """Showing "my time zone" without naming one would silently fall back to the workspace's zone,
    so it is refused rather than saved."""
    timezone = (timezone or "").strip()
    if use_own_timezone and not timezone:
        raise InvalidInputError(_("Choose your time zone first."), details={"field": "timezone"})
    preference = preference_get(user=user)
    preference.timezone = timezone
    preference.use_own_timezone = use_own_timezone
    try:
        preference.full_clean(exclude=["user", "current_workspace"])
    except ValidationError as exc:
        raise InvalidInputError(" ".join(exc.messages), details={"field": "timezone"}) from exc
    preference.save(update_fields=["timezone", "use_own_timezone"])
    return preference


def display_timezone(*, workspace: Workspace, preference: UserPreference | None) -> tuple[str, bool]:
    """The zone the calendar shows times in, and whether it is the user's own rather than the workspace's.
    A zone that tzdata no longer knows falls back to the workspace's instead of breaking the page."""
    if preference is not None and preference.use_own_timezone and preference.timezone:
        try:
            ZoneInfo(preference.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return workspace.timezone, False
        return preference.timezone, True
    return workspace.timezone, False
