"""Webhook: a JSON POST signed with HMAC-SHA256, for Slack, Discord, Teams or any receiver.

The receiver checks `X-Pauta-Signature: sha256=<hex HMAC of the raw body>` with the shared secret
and drops repeats by `X-Pauta-Delivery` (the idempotency key): that is what makes a retry safe,
since nothing can be read back from a webhook. Webhook URLs often carry their own secret in the
path (Slack, Discord), so records and errors show only the scheme and host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scheduler.links.i18n import gettext as _

from .base import Adapter, Identity, PublishRequest, PublishResult, Recorder
from .http import DEFAULT_TIMEOUT, HttpCaller, require_safe_url

BODY_FORMATS = ("pauta", "slack", "discord")


def signature_for(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shown_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/…"


class WebhookAdapter(Adapter):
    network = "webhook"

    def __init__(
        self,
        *,
        url: str,
        secret: str,
        body_format: str = "pauta",
        recorder: Recorder | None = None,
        allow_hosts: Iterable[str] = (),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        if body_format not in BODY_FORMATS:
            raise ValueError(f"body_format must be one of {BODY_FORMATS}")
        require_safe_url(url, allow_hosts=allow_hosts, network=_("webhook"))
        self.url = url
        self.body_format = body_format
        self._secret = secret
        self._http = HttpCaller(
            network=urlsplit(url).hostname or url,
            recorder=recorder,
            secrets=[secret, urlsplit(url).path, urlsplit(url).query],
            timeout=timeout,
            allow_hosts=allow_hosts,
        )

    def verify_identity(self) -> Identity:
        """A webhook has no account: its identity is the URL it was registered with (no call)."""
        return Identity(account_id=self.url, handle=shown_url(self.url), display_name=shown_url(self.url))

    def publish(self, req: PublishRequest) -> PublishResult:
        body = json.dumps(self._payload(req), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Pauta-Signature": signature_for(self._secret, body),
            "X-Pauta-Delivery": req.idempotency_key,
        }
        response = self._http.call(
            "POST", self.url, unsafe=True, record_url=shown_url(self.url), data=body, headers=headers
        )
        self._http.raise_for_status(
            response,
            subject=_("the delivery"),
            what=_("the post"),
            detail=" ".join(response.text.split())[:200],
        )
        return PublishResult(
            remote_id=req.idempotency_key, url="", raw_summary=self._http.summarize(response)
        )

    def find_published(
        self, idempotency_key: str, *, since: datetime | None = None, text: str = ""
    ) -> PublishResult | None:
        """Nothing can be read back; receivers drop repeated delivery ids, so resending is safe."""
        return None

    def _payload(self, req: PublishRequest) -> dict[str, Any]:
        if self.body_format == "slack":
            return {"text": _joined(req)}
        if self.body_format == "discord":
            return {"content": _joined(req)}
        return {
            "post": {
                "text": req.text,
                "links": list(req.links),
                "media": [
                    {"url": m.url, "alt_text": m.alt_text, "mime_type": m.mime_type, "filename": m.filename}
                    for m in req.media
                ],
            },
            "delivery_id": req.idempotency_key,
        }


def _joined(req: PublishRequest) -> str:
    """Chat services show one message: the text, then the media addresses (absolute ones: a bare path, with
    no public address configured, leads nowhere in a chat). The post's title is internal (it is not part of
    what a reviewer approves), so it never goes out."""
    parts = [req.text, *[m.url for m in req.media if urlsplit(m.url).scheme]]
    return "\n\n".join(part for part in parts if part)
