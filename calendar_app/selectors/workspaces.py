"""Reads scoped to the workspaces a user belongs to: the only way views and the API find workspaces."""

from django.db.models import QuerySet

from calendar_app.errors import NotFoundError
from calendar_app.models import Membership, UserPreference, Workspace


def workspace_list_for_user(*, user) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def workspace_get_for_user(*, user, workspace_id=None, slug: str | None = None) -> Workspace:
    workspaces = workspace_list_for_user(user=user)
    lookup = {"slug": slug} if slug is not None else {"pk": workspace_id}
    try:
        return workspaces.get(**lookup)
    except (Workspace.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError() from exc


def workspace_current_for_user(*, user) -> Workspace | None:
    """The workspace last chosen in the switcher, else the first one the user belongs to."""
    preference = UserPreference.objects.filter(user=user).select_related("current_workspace").first()
    if preference and preference.current_workspace_id:
        if Membership.objects.filter(user=user, workspace_id=preference.current_workspace_id).exists():
            return preference.current_workspace
    return workspace_list_for_user(user=user).first()


def membership_roles_for_user(*, user) -> dict[int, str]:
    return dict(Membership.objects.filter(user=user).values_list("workspace_id", "role"))
