"""A real HTTP server on 127.0.0.1 speaking the part of the Mastodon API Pauta uses.

It stands in for a Mastodon instance (which cannot run here) and answers with the status codes and
JSON bodies the Mastodon API documentation gives (docs.joinmastodon.org):

- methods/accounts#verify_credentials: 200 Account; 401 `{"error": "The access token is invalid"}`
  for a missing or wrong bearer token (same 401 on every endpoint below).
- methods/media#v2 `POST /api/v2/media` (multipart `file`, `description`): 200 MediaAttachment when
  ready, 202 with `url: null` while processing; 422 `{"error": "Validation failed: File content type
  is invalid, File is invalid"}` for a non-image. methods/media#get `GET /api/v1/media/:id`: 206 while
  processing, then 200; 404 `{"error": "Record not found"}`.
- methods/statuses#create `POST /api/v1/statuses` (form `status`, `media_ids[]`, `visibility`,
  `language`): 200 Status whose `content` is HTML; `Idempotency-Key` returns the first status again
  for a repeated key; 422 `{"error": "Validation failed: Text can't be blank"}`, `... Text character
  limit of 500 exceeded`, and `{"error": "Cannot attach files that have not finished processing. Try
  again in a moment!"}` for media still processing.
- methods/accounts#statuses `GET /api/v1/accounts/:id/statuses` (`limit`, `max_id`): newest first.
- api/rate-limits: 429 `{"error": "Too many requests"}` with `X-RateLimit-Limit/Remaining/Reset`
  (Mastodon sends no Retry-After; `fail_next(..., retry_after=n)` adds one to test that path too).

Failure injection: `latency` (seconds before every answer), `failure_rate` (share of requests that
get 503, seeded), `fail_next()` (the next N matching requests get a given status), and
`stall_after(path)` (the request is processed, then the answer is held back: a client timeout after
the post exists). Every request is kept in `received`.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.peers.mastodon_routes import route


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)


@dataclass
class _Injected:
    method: str
    path_prefix: str
    status: int
    body: dict | str | None
    headers: dict[str, str]
    times: int


class MastodonPeer:
    def __init__(
        self,
        *,
        token: str = "peer-access-token",
        account_id: str = "109000000000000001",
        username: str = "brand",
        display_name: str = "Brand",
        latency: float = 0.0,
        failure_rate: float = 0.0,
        seed: int = 0,
        media_processing_polls: int = 0,
    ) -> None:
        self.token = token
        self.account = {
            "id": account_id,
            "username": username,
            "acct": username,
            "display_name": display_name,
        }
        self.latency = latency
        self.failure_rate = failure_rate
        self.media_processing_polls = media_processing_polls
        self.received: list[Received] = []
        self.statuses: list[dict] = []
        self.clock_offset = timedelta(0)  # how far this server's clock is ahead of ours (negative: behind)
        self.media: dict[str, dict] = {}
        self._polls_left: dict[str, int] = {}
        self._idempotency: dict[tuple[str, str], tuple[datetime, str]] = {}
        self._injected: list[_Injected] = []
        self._stalls: dict[str, float] = {}
        self._random = random.Random(seed)
        self._next_id = 110_000_000_000_000_000
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.peer = self  # type: ignore[attr-defined]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> MastodonPeer:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> MastodonPeer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        status: int,
        *,
        times: int = 1,
        body: dict | str | None = None,
        retry_after: float | None = None,
    ) -> None:
        headers: dict[str, str] = {}
        if status == 429:
            reset = datetime.now(UTC) + timedelta(seconds=retry_after or 300)
            headers = {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.isoformat(),
            }
            body = body if body is not None else {"error": "Too many requests"}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        with self._lock:
            self._injected.append(_Injected(method, path_prefix, status, body, headers, times))

    def stall_after(self, path_prefix: str, seconds: float) -> None:
        self._stalls[path_prefix] = seconds

    def requests_to(self, method: str, path_prefix: str) -> list[Received]:
        return [r for r in self.received if r.method == method and r.path.startswith(path_prefix)]

    def _new_id(self) -> str:
        with self._lock:
            self._next_id += 1
            return str(self._next_id)

    def _take_injection(self, method: str, path: str) -> _Injected | None:
        with self._lock:
            for injected in self._injected:
                if injected.method == method and path.startswith(injected.path_prefix) and injected.times > 0:
                    injected.times -= 1
                    return injected
        return None

    def _random_failure(self) -> bool:
        with self._lock:
            return self.failure_rate > 0 and self._random.random() < self.failure_rate


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body would wait for the client's delayed
    # ACK (40 ms on Linux), a delay no real server adds.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        peer: MastodonPeer = self.server.peer  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        request = Received(self.command, parts.path, dict(self.headers.items()))
        self._read_body(request)
        with peer._lock:
            peer.received.append(request)
        if peer.latency:
            time.sleep(peer.latency)
        injected = peer._take_injection(self.command, parts.path)
        if injected is not None:
            return self._reply(injected.status, injected.body, injected.headers)
        if peer._random_failure():
            return self._reply(503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
        if self.headers.get("Authorization") != f"Bearer {peer.token}":
            return self._reply(401, {"error": "The access token is invalid"})
        status, body = route(peer, request, parse_qs(parts.query))
        for prefix, seconds in peer._stalls.items():
            if parts.path.startswith(prefix):
                time.sleep(seconds)
        self._reply(status, body)

    def _read_body(self, request: Received) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            request.form = parse_qs(raw.decode(), keep_blank_values=True)
        elif content_type.startswith("application/json") and raw:
            data = json.loads(raw)
            request.form = {k: v if isinstance(v, list) else [str(v)] for k, v in data.items()}
        elif content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + raw
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    request.files[name] = (part.get_filename(), part.get_content_type(), payload)
                else:
                    request.form.setdefault(name, []).append(payload.decode())

    def _reply(self, status: int, body: dict | list | str | None, headers: dict[str, str] | None = None):
        if isinstance(body, (dict, list)):
            data, content_type = json.dumps(body).encode(), "application/json; charset=utf-8"
        else:
            data, content_type = (body or "").encode(), "text/html; charset=utf-8"
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
