"""Building `app.bsky.feed.post` records: the deterministic record key and the link facets.

Record key: the `app.bsky.feed.post` lexicon declares `key: "tid"`, and the reference PDS rejects
any other key syntax for posts (atproto.com/specs/record-key, specs/tid: 13 characters of
base32-sortable, first character 2-7 or a-j). The key is derived from the idempotency key alone, so
a retry (or a reconciler that only knows the idempotency key) names the same record. Its timestamp
bits are kept in the past (2020 + up to ~4.4 years) so nothing treats the post as from the future.

Facets: byte ranges are UTF-8 byte offsets into the text (specs: app.bsky.richtext.facet), so an
emoji or an accented letter before a link moves the link by more than one position.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_EPOCH_2020_US = 1_577_836_800_000_000
_TIMESTAMP_SPAN_BITS = 47
_CLOCK_BITS = 10


def rkey_for(idempotency_key: str) -> str:
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    micros = _EPOCH_2020_US + (digest >> (64 - _TIMESTAMP_SPAN_BITS))
    clock_id = digest & ((1 << _CLOCK_BITS) - 1)
    value = (micros << _CLOCK_BITS) | clock_id
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def link_facets(text: str, links: Iterable[str]) -> list[dict[str, Any]]:
    """One facet per occurrence of each link; overlapping occurrences keep the longest link."""
    encoded = text.encode("utf-8")
    taken: list[tuple[int, int]] = []
    facets = []
    for link in sorted(set(links), key=len, reverse=True):
        needle = link.encode("utf-8")
        start = encoded.find(needle)
        while start != -1:
            end = start + len(needle)
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                facets.append(
                    {
                        "index": {"byteStart": start, "byteEnd": end},
                        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
                    }
                )
            start = encoded.find(needle, end)
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])


def post_record(
    *,
    text: str,
    links: Iterable[str],
    images: list[dict[str, Any]],
    langs: list[str],
    created_at: datetime | None = None,
) -> dict[str, Any]:
    moment = (created_at or datetime.now(UTC)).astimezone(UTC)
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    facets = link_facets(text, links)
    if facets:
        record["facets"] = facets
    if langs:
        record["langs"] = langs
    if images:
        record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
    return record
