"""Role checks, enforced in the service layer so the UI, the API and the admin behave identically."""

from django.utils.translation import gettext as _

from calendar_app.errors import NotFoundError, PermissionDeniedError
from calendar_app.models import Membership, Role, Workspace


def membership_get(*, user, workspace: Workspace) -> Membership:
    """The user's membership, or NotFound: a non-member must not learn that the workspace exists."""
    if not user.is_authenticated:
        raise NotFoundError()
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    if membership is None:
        raise NotFoundError()
    return membership


def role_require(*, user, workspace: Workspace, role: str) -> Membership:
    membership = membership_get(user=user, workspace=workspace)
    if not membership.has_role(role):
        raise PermissionDeniedError(
            _("This needs the %(role)s role; you are %(current)s in %(workspace)s.")
            % {"role": Role(role).label, "current": Role(membership.role).label, "workspace": workspace.name}
        )
    return membership


def role_has(*, user, workspace: Workspace, role: str) -> bool:
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    return membership is not None and membership.has_role(role)
