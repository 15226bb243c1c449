"""Network adapters (Mastodon, Bluesky, webhook) behind one interface; plain values, no Django models."""

from .base import (
    Adapter,
    AdapterError,
    CallRecord,
    Identity,
    MediaItem,
    PermanentError,
    PublishRequest,
    PublishResult,
    Recorder,
    TransientError,
    UnknownOutcomeError,
)
from .bluesky import BlueskyAdapter
from .mastodon import MastodonAdapter
from .registry import NETWORKS, adapter_for
from .sessions import MemorySessionStore, SessionStore
from .webhook import WebhookAdapter

__all__ = [
    "NETWORKS",
    "Adapter",
    "AdapterError",
    "BlueskyAdapter",
    "CallRecord",
    "Identity",
    "MastodonAdapter",
    "MediaItem",
    "MemorySessionStore",
    "PermanentError",
    "PublishRequest",
    "PublishResult",
    "Recorder",
    "SessionStore",
    "TransientError",
    "UnknownOutcomeError",
    "WebhookAdapter",
    "adapter_for",
]
