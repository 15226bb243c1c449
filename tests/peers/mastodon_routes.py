"""The endpoints of the Mastodon peer (see mastodon_server.py for the documentation pages followed)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
IDEMPOTENCY_WINDOW = timedelta(hours=1)
MAX_CHARACTERS = 500
_URL = re.compile(r"https?://[^\s<]+")
_NOT_FOUND = 404, {"error": "Record not found"}


def status_html(text: str) -> str:
    """Mastodon's rendering of plain text: paragraphs, <br />, links split into spans."""

    def link(match: re.Match) -> str:
        url = match.group(0)
        scheme, rest = url.split("://", 1)
        return (
            f'<a href="{url}" rel="nofollow noopener" target="_blank">'
            f'<span class="invisible">{scheme}://</span><span class="">{rest}</span></a>'
        )

    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        escaped = html.escape(paragraph, quote=False)
        paragraphs.append("<p>" + _URL.sub(link, escaped).replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)


def route(peer, request, query):
    path, method = request.path, request.method
    if method == "GET" and path == "/api/v1/accounts/verify_credentials":
        return 200, _account(peer)
    if method == "POST" and path == "/api/v2/media":
        return _media_create(peer, request)
    if method == "GET" and path.startswith("/api/v1/media/"):
        return _media_show(peer, path.rsplit("/", 1)[1])
    if method == "POST" and path == "/api/v1/statuses":
        return _status_create(peer, request)
    match = re.fullmatch(r"/api/v1/accounts/([^/]+)/statuses", path)
    if method == "GET" and match:
        return _account_statuses(peer, match.group(1), query)
    match = re.fullmatch(r"/api/v1/statuses/([^/]+)", path)
    if method == "GET" and match:
        found = [s for s in peer.statuses if s["id"] == match.group(1)]
        return (200, found[0]) if found else _NOT_FOUND
    return _NOT_FOUND


def _account(peer):
    return {
        **peer.account,
        "url": f"{peer.base_url}/@{peer.account['username']}",
        "created_at": "2024-01-01T00:00:00.000Z",
        "locked": False,
        "bot": False,
    }


def _media_create(peer, request):
    upload = request.files.get("file")
    if upload is None:
        return 422, {"error": "Validation failed: File can't be blank"}
    filename, content_type, data = upload
    if content_type not in IMAGE_TYPES:
        return 422, {"error": "Validation failed: File content type is invalid, File is invalid"}
    media_id = peer._new_id()
    attachment = {
        "id": media_id,
        "type": "image",
        "url": f"{peer.base_url}/system/media_attachments/{media_id}/original/{filename}",
        "preview_url": f"{peer.base_url}/system/media_attachments/{media_id}/small/{filename}",
        "remote_url": None,
        "description": (request.form.get("description") or [None])[0],
        "meta": {"original": {"size": len(data)}},
        "blurhash": None,
    }
    peer.media[media_id] = attachment
    if peer.media_processing_polls:
        peer._polls_left[media_id] = peer.media_processing_polls
        return 202, {**attachment, "url": None}
    return 200, attachment


def _media_show(peer, media_id):
    attachment = peer.media.get(media_id)
    if attachment is None:
        return _NOT_FOUND
    with peer._lock:
        if peer._polls_left.get(media_id, 0) > 0:
            peer._polls_left[media_id] -= 1
            return 206, ""
    return 200, attachment


def _status_create(peer, request):
    key = request.headers.get("Idempotency-Key")
    now = datetime.now(UTC)
    with peer._lock:
        if key and (peer.account["id"], key) in peer._idempotency:
            created, status_id = peer._idempotency[(peer.account["id"], key)]
            if now - created < IDEMPOTENCY_WINDOW:
                return 200, next(s for s in peer.statuses if s["id"] == status_id)
    text = (request.form.get("status") or [""])[0]
    media_ids = request.form.get("media_ids[]", [])
    if not text.strip() and not media_ids:
        return 422, {"error": "Validation failed: Text can't be blank"}
    if len(text) > MAX_CHARACTERS:
        return 422, {"error": f"Validation failed: Text character limit of {MAX_CHARACTERS} exceeded"}
    attachments = [peer.media[m] for m in media_ids if m in peer.media]
    if any(peer._polls_left.get(m, 0) > 0 for m in media_ids):
        return 422, {"error": "Cannot attach files that have not finished processing. Try again in a moment!"}
    status_id = peer._new_id()
    username = peer.account["username"]
    status = {
        "id": status_id,
        "created_at": (now + peer.clock_offset).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "visibility": (request.form.get("visibility") or ["public"])[0],
        "language": (request.form.get("language") or ["en"])[0],
        "uri": f"{peer.base_url}/users/{username}/statuses/{status_id}",
        "url": f"{peer.base_url}/@{username}/{status_id}",
        "content": status_html(text),
        "reblog": None,
        "application": {"name": "Pauta", "website": None},
        "account": _account(peer),
        "media_attachments": attachments,
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    with peer._lock:
        peer.statuses.append(status)
        if key:
            peer._idempotency[(peer.account["id"], key)] = (now, status_id)
    return 200, status


def _account_statuses(peer, account_id, query):
    if account_id != peer.account["id"]:
        return _NOT_FOUND
    limit = min(int((query.get("limit") or ["20"])[0]), 40)
    newest_first = sorted(peer.statuses, key=lambda s: int(s["id"]), reverse=True)
    if query.get("max_id"):
        bound = int(query["max_id"][0])
        newest_first = [s for s in newest_first if int(s["id"]) < bound]
    return 200, newest_first[:limit]
