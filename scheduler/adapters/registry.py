"""One entry point from a channel's stored settings to a ready adapter.

`config` holds what is not secret (addresses, handle, options) and `credentials` what is (tokens,
passwords, webhook secrets), so callers can log or show the first and must decrypt the second.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .base import Adapter, Recorder
from .bluesky import BlueskyAdapter
from .http import DEFAULT_TIMEOUT
from .mastodon import MastodonAdapter
from .sessions import SessionStore
from .webhook import WebhookAdapter

NETWORKS = ("mastodon", "bluesky", "webhook")


def adapter_for(
    network: str,
    *,
    config: dict[str, Any],
    credentials: dict[str, Any],
    session_store: SessionStore | None = None,
    recorder: Recorder | None = None,
    allow_hosts: Iterable[str] = (),
) -> Adapter:
    timeout = config.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, list):  # stored as JSON
        timeout = tuple(timeout)
    if network == "mastodon":
        return MastodonAdapter(
            instance_url=_required(config, "instance_url", network),
            access_token=_required(credentials, "access_token", network),
            language=config.get("language", ""),
            visibility=config.get("visibility", "public"),
            recorder=recorder,
            allow_hosts=allow_hosts,
            timeout=timeout,
        )
    if network == "bluesky":
        return BlueskyAdapter(
            service_url=config.get("service_url", "https://bsky.social"),
            handle=_required(config, "handle", network),
            app_password=_required(credentials, "app_password", network),
            langs=config.get("langs", ()),
            session_store=session_store,
            recorder=recorder,
            allow_hosts=allow_hosts,
            timeout=timeout,
        )
    if network == "webhook":
        return WebhookAdapter(
            url=_required(config, "url", network),
            secret=_required(credentials, "secret", network),
            body_format=config.get("body_format", "pauta"),
            recorder=recorder,
            allow_hosts=allow_hosts,
            timeout=timeout,
        )
    raise ValueError(f"unknown network {network!r}; expected one of {NETWORKS}")


def _required(values: dict[str, Any], key: str, network: str) -> Any:
    value = values.get(key)
    if not value:
        raise ValueError(f"{network} channels need {key!r}")
    return value
