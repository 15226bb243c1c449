"""Small pieces shared by the HTML views: resolving the workspace in the URL and turning service errors
into messages instead of 500s."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from calendar_app.errors import NotFoundError, PautaError
from calendar_app.selectors.workspaces import workspace_get_for_user
from calendar_app.services.permissions import role_require


def workspace_view(view):
    """Login required; `slug` in the URL becomes `request.workspace`, 404 for workspaces the user is not in."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            request.workspace = workspace_get_for_user(user=request.user, slug=slug)
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return wrapper


def refuse_with_message(request, error: PautaError, fallback_url: str):
    """Expected refusals (permissions, illegal transitions, bad input) become a message and a redirect."""
    if isinstance(error, NotFoundError):
        raise Http404(error.message)
    messages.error(request, error.message)
    return redirect(fallback_url)


def role_refusal(request, role: str, fallback_url: str):
    """Pages only some roles may open: a redirect with the reason when the user lacks `role` in the
    workspace, None when they have it (`if refusal := role_refusal(...): return refusal`)."""
    try:
        role_require(user=request.user, workspace=request.workspace, role=role)
    except PautaError as error:
        return refuse_with_message(request, error, fallback_url)
    return None
