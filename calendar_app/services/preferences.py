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
