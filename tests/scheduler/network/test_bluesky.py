"""The Bluesky adapter against the real reference PDS (@atproto/pds) running on 127.0.0.1."""

import base64
import hashlib
import hmac
import io
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from PIL import Image

from scheduler.adapters import (
    BlueskyAdapter,
    MediaItem,
    MemorySessionStore,
    PermanentError,
    PublishRequest,
    adapter_for,
)
from scheduler.adapters.bluesky_records import rkey_for
from tests.peers.bluesky_peer import bluesky_post_records

pytestmark = pytest.mark.peer


def make(peer, records=None, *, account="brand", service=None, **options):
    info = peer.accounts[account]
    options.setdefault("app_password", info.app_password)
    options.setdefault("session_store", MemorySessionStore())
    service = service or peer.service
    return BlueskyAdapter(
        service_url=service,
        handle=info.handle,
        allow_hosts=[peer.netloc, service.split("://", 1)[1]],
        recorder=(records.append if records is not None else None),
        **options,
    )


def xrpc_get(peer, nsid, **params):
    response = requests.get(f"{peer.service}/xrpc/{nsid}", params=params, timeout=10)
    response.raise_for_status()
    return response.json()


def count_posts(peer, did, text):
    return sum(1 for r in bluesky_post_records(peer, did) if r["value"]["text"] == text)


def jpeg(width=12, height=8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def test_identity_is_the_brand_did(bluesky_peer):
    identity = make(bluesky_peer).verify_identity()
    assert identity.account_id == bluesky_peer.accounts["brand"].did
    assert identity.handle == "brand.test"


def test_personal_app_password_reveals_the_personal_did(bluesky_peer):
    """What lets pre-flight block a post that would go out from somebody's own account."""
    identity = make(bluesky_peer, account="personal").verify_identity()
    assert identity.account_id == bluesky_peer.accounts["personal"].did
    assert identity.account_id != bluesky_peer.accounts["brand"].did


def test_wrong_app_password_is_a_permanent_auth_problem(bluesky_peer):
    records = []
    with pytest.raises(PermanentError) as caught:
        make(bluesky_peer, records, app_password="aaaa-bbbb-cccc-dddd").verify_identity()
    assert caught.value.auth_problem and caught.value.status == 401
    assert caught.value.reason.startswith("Bluesky refused the handle or app password (401 Unauthorized)")
    assert "aaaa-bbbb-cccc-dddd" not in repr(records) + caught.value.reason


def test_publish_with_link_facets_after_emoji_and_an_image_with_alt(bluesky_peer):
    records = []
    first, second = "https://example.org/menu?day=1", "https://example.org/reservas"
    text = f"¡Olé! 🎉 Café del día → {first} y más en {second}"
    marker = uuid.uuid4().hex
    image = MediaItem(
        data=jpeg(), mime_type="image/jpeg", alt_text=f"Cup of coffee {marker}", filename="cafe.jpg"
    )
    req = PublishRequest(text=text, media=[image], links=[first, second], idempotency_key=f"pub-{marker}")
    result = make(bluesky_peer, records, langs=["es"]).publish(req)

    did = bluesky_peer.accounts["brand"].did
    rkey = rkey_for(req.idempotency_key)
    assert result.remote_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert result.url == f"https://bsky.app/profile/brand.test/post/{rkey}"
    stored = xrpc_get(
        bluesky_peer, "com.atproto.repo.getRecord", repo=did, collection="app.bsky.feed.post", rkey=rkey
    )
    value = stored["value"]
    assert value["text"] == text and value["langs"] == ["es"]
    encoded = text.encode("utf-8")
    uris = []
    for facet in value["facets"]:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        uri = facet["features"][0]["uri"]
        assert facet["features"][0]["$type"] == "app.bsky.richtext.facet#link"
        assert encoded[start:end].decode("utf-8") == uri
        uris.append(uri)
    assert uris == [first, second]
    assert value["facets"][0]["index"]["byteStart"] > text.index(first)  # bytes, not characters
    [embedded] = value["embed"]["images"]
    assert embedded["alt"] == f"Cup of coffee {marker}"
    assert embedded["aspectRatio"] == {"width": 12, "height": 8}
    assert embedded["image"]["mimeType"] == "image/jpeg"
    assert not any(bluesky_peer.accounts["brand"].app_password in repr(r) for r in records)
    assert not any("eyJ" in repr(r) for r in records)  # no JWT in any record


def test_retry_with_the_same_key_does_not_duplicate(bluesky_peer):
    adapter = make(bluesky_peer)
    text = f"Only once {uuid.uuid4().hex}"
    req = PublishRequest(text=text, media=[], links=[], idempotency_key=f"pub-{uuid.uuid4()}")
    before = datetime.now(UTC).replace(microsecond=0)  # the record's createdAt holds milliseconds
    first = adapter.publish(req)
    second = adapter.publish(req)
    assert first.remote_id == second.remote_id
    assert count_posts(bluesky_peer, bluesky_peer.accounts["brand"].did, text) == 1
    # The replay counts from when the first attempt created the record, which is what publishing records.
    assert first.created_at is None
    assert second.created_at is not None and before <= second.created_at <= datetime.now(UTC)
    now = datetime.now(UTC)
    replayed_at = second.public_since(sent_at=now, answered_at=now, scheduled_at=before, replay_possible=True)
    assert replayed_at == second.created_at


def test_find_published_reads_the_record_back_by_key(bluesky_peer):
    adapter = make(bluesky_peer)
    key = f"pub-{uuid.uuid4()}"
    assert adapter.find_published(key) is None
    published = adapter.publish(
        PublishRequest(text=f"Find me {key}", media=[], links=[], idempotency_key=key)
    )
    found = adapter.find_published(key)
    assert found is not None and found.remote_id == published.remote_id


class _AnswerDroppingProxy:
    """Forwards XRPC calls to the PDS, but hangs up instead of answering createRecord."""

    def __init__(self, target):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._forward()

            def do_POST(self):
                self._forward()

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                upstream = requests.request(
                    self.command, target + self.path, data=body, headers=headers, timeout=10
                )
                if "createRecord" in self.path:
                    proxy.dropped += 1
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

        self.dropped = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_lost_answer_is_settled_by_reading_the_record_back(bluesky_peer):
    proxy = _AnswerDroppingProxy(bluesky_peer.service)
    try:
        text = f"Answer lost {uuid.uuid4().hex}"
        req = PublishRequest(text=text, media=[], links=[], idempotency_key=f"pub-{uuid.uuid4()}")
        result = make(bluesky_peer, service=proxy.url).publish(req)
    finally:
        proxy.server.shutdown()
    assert proxy.dropped == 1
    assert result.raw_summary == "the earlier attempt had published it"
    assert result.created_at is not None and result.created_at <= datetime.now(UTC)
    assert count_posts(bluesky_peer, bluesky_peer.accounts["brand"].did, text) == 1


def test_sessions_are_reused_not_recreated(bluesky_peer):
    store, records = MemorySessionStore(), []
    make(bluesky_peer, records, session_store=store).verify_identity()
    make(bluesky_peer, records, session_store=store).verify_identity()
    created = [r for r in records if r.url.endswith("com.atproto.server.createSession")]
    assert len(created) == 1


def _expired(token: str, secret: str) -> str:
    """The same access token, re-signed by the PDS's own secret with an expiry in the past."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header, payload, _signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 60
    signing_input = f"{header}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_expired_access_token_is_refreshed(bluesky_peer):
    store, records = MemorySessionStore(), []
    adapter = make(bluesky_peer, records, session_store=store)
    adapter.verify_identity()
    [key] = store._values
    session = store.get(key)
    expired = _expired(session["accessJwt"], bluesky_peer.jwt_secret())
    store.set(key, {**session, "accessJwt": expired})
    records.clear()

    identity = adapter.verify_identity()
    assert identity.account_id == bluesky_peer.accounts["brand"].did
    calls = [r.url.rsplit("/", 1)[1] for r in records]
    assert calls == [
        "com.atproto.server.getSession",
        "com.atproto.server.refreshSession",
        "com.atproto.server.getSession",
    ]
    assert "ExpiredToken" in records[0].summary
    assert store.get(key)["accessJwt"] != expired


def test_unusable_tokens_fall_back_to_a_new_session(bluesky_peer):
    store, records = MemorySessionStore(), []
    adapter = make(bluesky_peer, records, session_store=store)
    adapter.verify_identity()
    [key] = store._values
    store.set(key, {**store.get(key), "accessJwt": "garbage", "refreshJwt": "garbage"})
    records.clear()
    assert adapter.verify_identity().account_id == bluesky_peer.accounts["brand"].did
    calls = [r.url.rsplit("/", 1)[1] for r in records]
    assert calls[-2:] == ["com.atproto.server.createSession", "com.atproto.server.getSession"]


def test_registry_builds_a_bluesky_adapter(bluesky_peer):
    adapter = adapter_for(
        "bluesky",
        config={"service_url": bluesky_peer.service, "handle": "brand.test"},
        credentials={"app_password": bluesky_peer.accounts["brand"].app_password},
        session_store=MemorySessionStore(),
        allow_hosts=[bluesky_peer.netloc],
    )
    assert adapter.verify_identity().account_id == bluesky_peer.accounts["brand"].did
