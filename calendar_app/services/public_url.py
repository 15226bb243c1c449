"""Pauta's own address as the people and services outside it reach it (PAUTA_PUBLIC_URL, an origin).

Workers have no request to build an absolute URL from, yet what they send leaves the app: a webhook's
receiver fetches the post's images, and a notification e-mail links to the post.
"""

from urllib.parse import urlsplit

from django.conf import settings


def public_url(path: str) -> str:
    """`path` (e.g. "/media/posts/3/ab.png") on PAUTA_PUBLIC_URL; "" when no public address is configured.
    A URL that is absolute already (media kept on another host) is returned as it is."""
    if urlsplit(path).scheme or path.startswith("//"):
        return path
    base = settings.PAUTA_PUBLIC_URL.rstrip("/")
    return f"{base}/{path.lstrip('/')}" if base else ""


def absolute_url(path: str) -> str:
    """`path` on the public address when there is one, else unchanged (the app's own pages resolve it)."""
    return public_url(path) or path
