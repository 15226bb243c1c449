"""Live checks for the editor: style-guide findings with spans to underline and one-click fixes, and the
length of each text as its network counts it. The browser counts too (instantly); this answer is the
authoritative one, computed by the same code the pre-flight uses."""

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendar_app.errors import PautaError
from calendar_app.models import Role
from calendar_app.services.permissions import role_require
from calendar_app.services.style import text_lint
from calendar_app.text.counting import NETWORK_LIMITS, network_length, overflow_start
from calendar_app.views.helpers import workspace_view
from scheduler.models import Network

MAX_ITEMS = 12
MAX_TEXT = 20_000
FIXABLE_KINDS = {"substitution", "capitalization"}


def _utf16(text: str, index: int | None) -> int | None:
    """Python indexes code points, JavaScript UTF-16 units: an emoji is 1 here and 2 there."""
    if index is None:
        return None
    return len(text[:index].encode("utf-16-le")) // 2


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": "invalid", "message": message, "details": {}}, status=status)


def _parse(request) -> tuple[list[dict], list[dict]] | None:
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("items", []), list):
        return None
    items, media = [], payload.get("media") or []
    if not isinstance(media, list):
        return None
    for item in payload.get("items", [])[:MAX_ITEMS]:
        if not isinstance(item, dict) or not isinstance(item.get("text", ""), str):
            return None
        network = item.get("network") or None
        if network is not None and network not in Network.values:
            return None
        items.append(
            {
                "key": str(item.get("key", len(items))),
                "text": item.get("text", "")[:MAX_TEXT],
                "network": network,
            }
        )
    alt_texts = [{"alt_text": str(m.get("alt_text", ""))} for m in media[:MAX_ITEMS] if isinstance(m, dict)]
    return items, alt_texts


def _finding(text: str, finding: dict) -> dict:
    fix = (
        finding.get("suggestion")
        if finding.get("kind") in FIXABLE_KINDS and finding.get("start") is not None
        else None
    )
    return {
        **finding,
        "start16": _utf16(text, finding.get("start")),
        "end16": _utf16(text, finding.get("end")),
        "fix": fix,
    }


@require_POST
@workspace_view
def post_lint_preview(request):
    try:
        role_require(user=request.user, workspace=request.workspace, role=Role.AUTHOR)
    except PautaError as error:
        return JsonResponse(
            {"error": error.code, "message": error.message, "details": {}}, status=error.http_status
        )
    parsed = _parse(request)
    if parsed is None:
        return _error(_('Send JSON like {"items": [{"key": "body", "text": "…", "network": "mastodon"}]}.'))
    items, media = parsed
    results = {}
    for item in items:
        text, network = item["text"], item["network"]
        limit = NETWORK_LIMITS.get(network) if network else None
        findings = text_lint(workspace=request.workspace, text=text, network=network, media=media)
        results[item["key"]] = {
            "network": network,
            "length": network_length(text, network),
            "limit": limit,
            "overflow_start16": _utf16(text, overflow_start(text, network, limit)) if limit else None,
            "findings": [_finding(text, finding) for finding in findings],
        }
    return JsonResponse({"items": results})
