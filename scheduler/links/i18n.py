"""Translation shim for the network layer.

The link checker and the network adapters run inside Django (pre-flight, publishing) but also in
plain scripts (bench/) and in tests started without Django settings. Django's gettext raises when
settings are not configured, so messages fall back to the source language there.
"""

from django.conf import settings
from django.utils import translation


def gettext(message: str) -> str:
    if settings.configured:
        return translation.gettext(message)
    return message


def ngettext(singular: str, plural: str, number: int) -> str:
    if settings.configured:
        return translation.ngettext(singular, plural, number)
    return singular if number == 1 else plural
