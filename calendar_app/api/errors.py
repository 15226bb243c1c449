"""Every API error is JSON `{"error": code, "message": text, "details": {...}}` with a 4xx status."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from calendar_app.errors import PautaError


def error_response(code: str, message: str, http_status: int, details: dict | None = None) -> Response:
    return Response({"error": code, "message": message, "details": details or {}}, status=http_status)


def api_exception_handler(exc, context):
    if isinstance(exc, PautaError):
        return error_response(exc.code, exc.message, exc.http_status, exc.details)
    if isinstance(exc, ValidationError):
        details = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return error_response("invalid", " ".join(exc.messages), status.HTTP_400_BAD_REQUEST, details)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            "invalid", _first_message(exc.detail), response.status_code, {"fields": exc.detail}
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    return error_response(code, str(detail), response.status_code)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)
