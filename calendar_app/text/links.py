"""Finding links in post text the way a reader (and a network) would see them.

The pre-flight link checker, the Mastodon length counter and the style rules all need the same
answer to "where are the links in this text?", so there is one extractor. It recognises ``http``/
``https`` URLs and bare ``www.`` links; it never treats an e-mail address as a link.

Prose wraps links in punctuation: "(see https://example.com/a_(b))." must yield
``https://example.com/a_(b)``. Trailing punctuation is dropped, and a closing bracket is kept only
when it balances an opening bracket inside the URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import idna
import regex

_CANDIDATE = regex.compile(
    r"""
    (?:(?P<scheme>[hH][tT][tT][pP][sS]?)://|(?=[wW]{3}\.))   # spelled out: IGNORECASE is slower
    [^\s<>"`{}|\\^\p{So}\p{Cf}\p{Zs}]+
    """,
    regex.VERBOSE,
)
#: A link glued to a word, an e-mail address or another URL is not a link of its own.
_GLUED = regex.compile(r"[\w@.\-/:]")
_HOST_END = regex.compile(r"[/?#]")
_TRAILING = frozenset(".,;:!?¡¿'\"*_~…»«“”‘’‹›。、，！？：；")
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_VALID_HOST = regex.compile(r"^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}\-]*[\p{L}\p{N}\p{M}])?$")


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A link found in a text.

    ``url`` is exactly what the author wrote (shown to people); ``normalized`` is what the checker
    requests: scheme added to ``www.`` links, scheme and host lower-cased, IDN host in punycode.
    ``host`` is the ASCII host, or None when the host cannot be encoded (the checker reports it).
    ``start``/``end`` are Python string indices into the text.
    """

    url: str
    normalized: str
    host: str | None
    start: int
    end: int
    has_scheme: bool


def extract_links(text: str) -> list[LinkSpan]:
    """Every link in ``text``, in order of appearance."""
    if "://" not in text and "www." not in text.lower():
        return []
    links: list[LinkSpan] = []
    for match in _CANDIDATE.finditer(text):
        if match.start() and _GLUED.match(text, match.start() - 1):
            continue
        raw = _trim(match.group())
        has_scheme = match.group("scheme") is not None
        link = _build(raw, match.start(), has_scheme)
        if link is not None:
            links.append(link)
    return links


def _trim(candidate: str) -> str:
    """Drop trailing punctuation, keeping closing brackets that balance one inside the URL."""
    url = candidate
    while url:
        last = url[-1]
        if last in _BRACKETS:
            if url.count(_BRACKETS[last]) >= url.count(last):
                break
            url = url[:-1]
        elif last in _TRAILING:
            url = url[:-1]
        else:
            break
    return url


def _build(raw: str, start: int, has_scheme: bool) -> LinkSpan | None:
    if has_scheme:
        scheme, rest = raw.split("://", 1)
        scheme = scheme.lower()
    else:
        scheme, rest = "https", raw
    host_end = _HOST_END.search(rest)
    authority = rest[: host_end.start()] if host_end else rest
    tail = rest[len(authority) :]
    userinfo, _, hostport = authority.rpartition("@")
    host, port = _split_port(hostport)
    if not host or (not has_scheme and "." not in host.strip(".")):
        return None
    ascii_host = _ascii_host(host)
    shown_host = ascii_host if ascii_host is not None else host.lower()
    netloc = (userinfo + "@" if userinfo else "") + shown_host + (":" + port if port else "")
    if not tail.startswith("/"):
        tail = "/" + tail
    normalized = f"{scheme}://{netloc}{tail}"
    return LinkSpan(raw, normalized, ascii_host, start, start + len(raw), has_scheme)


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        host, _, rest = hostport.partition("]")
        return host + "]", rest.removeprefix(":")
    host, sep, port = hostport.rpartition(":")
    if sep and port.isdigit():
        return host, port
    return hostport, ""


def _ascii_host(host: str) -> str | None:
    """Punycode an internationalised host; None when it is not a valid host name."""
    if host.startswith("["):
        return host.lower()
    stripped = host.rstrip(".")
    if stripped.isascii():
        labels = stripped.lower().split(".")
        return stripped.lower() if all(_VALID_HOST.match(label) for label in labels) else None
    try:
        return idna.encode(stripped, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None
