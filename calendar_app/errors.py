"""Typed errors the services raise. The UI turns them into messages; the API into JSON 4xx answers."""

from django.utils.translation import gettext_lazy as _


class PautaError(Exception):
    """Base for expected refusals: `code` is stable for clients, `message` is for people."""

    code = "error"
    http_status = 400

    def __init__(self, message=None, *, details: dict | None = None):
        self.message = str(message or self.default_message())
        self.details = details or {}
        super().__init__(self.message)

    def default_message(self) -> str:
        return str(_("The request could not be completed."))


class NotFoundError(PautaError):
    """Also used for objects of workspaces the user does not belong to, so their existence does not leak."""

    code = "not_found"
    http_status = 404

    def default_message(self) -> str:
        return str(_("Not found."))


class PermissionDeniedError(PautaError):
    code = "permission_denied"
    http_status = 403

    def default_message(self) -> str:
        return str(_("You do not have permission to do that in this workspace."))


class InvalidInputError(PautaError):
    code = "invalid"
    http_status = 400


class TransitionError(PautaError):
    """An illegal move in the post's life cycle (answered with 409 by the API)."""

    code = "illegal_transition"
    http_status = 409
