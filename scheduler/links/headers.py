"""How long a server asks us to wait, read from the headers servers actually send.

`Retry-After` is standard (seconds or an HTTP date). Mastodon's rate limiter sends
`X-RateLimit-Reset` (an ISO 8601 time) instead, and Bluesky sends `ratelimit-reset` (epoch seconds),
so the network adapters read those too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    now = time.time() if now is None else now
    value = headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.replace(".", "", 1).isdigit():
            return max(0.0, float(value))
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return None
    reset = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset")
    if reset:
        return _seconds_until(reset.strip(), now)
    return None


def _seconds_until(reset: str, now: float) -> float | None:
    if reset.isdigit():
        moment = float(reset)
    else:
        try:
            moment = datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return max(0.0, moment - now)
