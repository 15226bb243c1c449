from django.conf import settings

from calendar_app.selectors.workspaces import membership_roles_for_user, workspace_list_for_user
from calendar_app.services.notifications import notification_unread_count


def pauta(request) -> dict:
    """What the base template needs on every page: version, the user's workspaces and unread notifications."""
    context = {"pauta_version": settings.PAUTA_VERSION}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        workspace = getattr(request, "workspace", None)
        roles = membership_roles_for_user(user=user)
        context.update(
            nav_workspaces=workspace_list_for_user(user=user),
            nav_roles=roles,
            current_role=roles.get(workspace.pk) if workspace else None,
            nav_unread_count=notification_unread_count(user=user),
            current_workspace=workspace,
        )
    return context
