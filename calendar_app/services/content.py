"""The content hash: what an approval is bound to. Anything a follower would see is in it; the internal
title and the time are not (moving a post is a separate rule)."""

import hashlib
import json

from calendar_app.models import Post


def post_content_snapshot(post: Post) -> dict:
    return {
        "body": post.body,
        "variants": {str(key): value for key, value in sorted(post.variants.items()) if value},
        # .all(), not values_list: a burst's prefetched channels answer without a query per post.
        "channels": sorted(channel.pk for channel in post.channels.all()) if post.pk else [],
        "media": [[m.sha256, m.alt_text] for m in post.media.all()] if post.pk else [],
        "links": list(post.links),
    }


def post_content_hash(post: Post) -> str:
    encoded = json.dumps(post_content_snapshot(post), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()
