"""Translation shim for the network layer.

The link checker and the network adapters run inside Django (pre-flight, publishing) but also in
plain scripts (bench/) and in tests started without Django settings. Django's gettext raises when
settings are not configured, so messages fall back to the source language there.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation

T = TypeVar("T")


def gettext(message: str) -> str:
    if settings.configured:
        return translation.gettext(message)
    return message


def current_language() -> str | None:
    return translation.get_language() if settings.configured else None


def in_language(language: str | None, function: Callable[..., T]) -> Callable[..., T]:
    """`function`, run in `language`. Django's active language belongs to a thread: without this, the
    threads of a batch would write every reason in the default language, whatever the caller's."""
    if language is None:
        return function

    def run(*args: Any) -> T:
        with translation.override(language):
            return function(*args)

    return run
