"""Link checking for pre-flight: plain values in, plain results out (no Django models)."""

from .cache import LinkCache, MemoryLinkCache
from .check import DEFAULT_USER_AGENT, check_links
from .guard import AddressGuard, is_public_address
from .result import LinkResult

__all__ = [
    "DEFAULT_USER_AGENT",
    "AddressGuard",
    "LinkCache",
    "LinkResult",
    "MemoryLinkCache",
    "check_links",
    "is_public_address",
]
