"""Mastodon: an instance URL and a user access token (scopes read + write).

API pages followed (docs.joinmastodon.org): methods/accounts#verify_credentials, methods/media
(POST /api/v2/media answers 200 when the file is ready or 202 while it is processed; GET
/api/v1/media/:id answers 206 until processing ends, then 200), methods/statuses#create (the
`Idempotency-Key` header makes a repeat within an hour return the first status) and
methods/accounts#statuses. Errors are JSON `{"error": "..."}`; the rate limiter answers 429 with an
`X-RateLimit-Reset` time rather than Retry-After (api/rate-limits).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import requests

from scheduler.links.i18n import gettext as _
from scheduler.links.result import format_seconds

from .base import (
    Adapter,
    Identity,
    MediaItem,
    PublishRequest,
    PublishResult,
    Recorder,
    TransientError,
    network_time,
)
from .http import DEFAULT_TIMEOUT, HttpCaller, json_object, require_safe_url
from .text import normalized_text, plain_text_from_html

READ_BACK_PAGES = 3
PAGE_SIZE = 40


class MastodonAdapter(Adapter):
    network = "mastodon"

    def __init__(
        self,
        *,
        instance_url: str,
        access_token: str,
        recorder: Recorder | None = None,
        allow_hosts: Iterable[str] = (),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        visibility: str = "public",
        language: str = "",
        media_poll_interval: float = 1.0,
        media_poll_attempts: int = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        require_safe_url(instance_url, allow_hosts=allow_hosts, network="Mastodon")
        self.base_url = instance_url.rstrip("/")
        self.visibility = visibility
        self.language = language
        self.media_poll_interval = media_poll_interval
        self.media_poll_attempts = media_poll_attempts
        self._sleep = sleep
        self._http = HttpCaller(
            network="Mastodon",
            recorder=recorder,
            secrets=[access_token],
            timeout=timeout,
            allow_hosts=allow_hosts,
        )
        self._http.session.headers["Authorization"] = f"Bearer {access_token}"
        self._account_id: str | None = None

    def verify_identity(self) -> Identity:
        response = self._call("GET", "/api/v1/accounts/verify_credentials", what=_("the identity check"))
        account = response.json()
        self._account_id = str(account["id"])
        username = account.get("acct") or account.get("username", "")
        return Identity(
            account_id=self._account_id,
            handle=f"@{username}",
            display_name=account.get("display_name") or username,
        )

    def publish(self, req: PublishRequest) -> PublishResult:
        media_ids = [self._upload(item) for item in req.media]
        form: list[tuple[str, str]] = [("status", req.text), ("visibility", self.visibility)]
        if self.language:
            form.append(("language", self.language))
        form += [("media_ids[]", media_id) for media_id in media_ids]
        response = self._call(
            "POST",
            "/api/v1/statuses",
            what=_("the post"),
            unsafe=True,
            data=form,
            headers={"Idempotency-Key": req.idempotency_key},
        )
        return self._result(response.json(), self._http.summarize(response))

    def find_published(
        self, idempotency_key: str, *, since: datetime | None = None, text: str = ""
    ) -> PublishResult | None:
        """Mastodon keeps idempotency keys private, so the recent posts are matched on their text."""
        if not text:
            raise ValueError("Mastodon reconciliation needs the text that was sent")
        if self._account_id is None:
            self.verify_identity()
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        wanted = normalized_text(text)
        params: dict[str, Any] = {"limit": PAGE_SIZE, "exclude_reblogs": "true"}
        for _page in range(READ_BACK_PAGES):
            response = self._call(
                "GET",
                f"/api/v1/accounts/{self._account_id}/statuses",
                what=_("the recent posts"),
                params=params,
            )
            statuses = response.json()
            for status in statuses:
                created_at = network_time(status.get("created_at"))
                if since is not None and created_at is not None and created_at < since:
                    return None
                if normalized_text(plain_text_from_html(status.get("content", ""))) == wanted:
                    return self._result(status, _("found among the account's recent posts"))
            if len(statuses) < PAGE_SIZE:
                return None
            params["max_id"] = statuses[-1]["id"]
        return None

    def _upload(self, item: MediaItem) -> str:
        what = _("the image %(name)s") % {"name": item.filename}
        response = self._call(
            "POST",
            "/api/v2/media",
            what=what,
            files={"file": (item.filename, item.data, item.mime_type)},
            data={"description": item.alt_text},
        )
        media_id = str(response.json()["id"])
        if response.status_code == 200:
            return media_id
        for _attempt in range(self.media_poll_attempts):
            self._sleep(self.media_poll_interval)
            polled = self._call("GET", f"/api/v1/media/{media_id}", what=what)
            if polled.status_code == 200:
                return media_id
        waited = format_seconds(self.media_poll_interval * self.media_poll_attempts)
        raise TransientError(
            _("Mastodon was still processing %(what)s after %(seconds)s s")
            % {"what": what, "seconds": waited}
        )

    def _call(
        self, method: str, path: str, *, what: str, unsafe: bool = False, **kwargs: Any
    ) -> requests.Response:
        response = self._http.call(method, self.base_url + path, unsafe=unsafe, **kwargs)
        self._http.raise_for_status(
            response, subject=_("the access token"), what=what, detail=_error_detail(response)
        )
        return response

    def _result(self, status: dict[str, Any], summary: str) -> PublishResult:
        return PublishResult(
            remote_id=str(status["id"]),
            url=status.get("url") or status.get("uri", ""),
            raw_summary=summary,
            created_at=network_time(status.get("created_at")),
        )


def _error_detail(response: requests.Response) -> str:
    body = json_object(response)
    return " ".join(str(body[key]) for key in ("error", "error_description") if body.get(key))
