"""A real HTTP server on 127.0.0.1 that receives Pauta webhooks the way a careful receiver should.

It recomputes `X-Pauta-Signature` over the raw body with the shared secret (401 when it does not
match), drops repeated `X-Pauta-Delivery` ids (answering 200 again without keeping a second copy),
and keeps every accepted delivery in `deliveries`. `next_status` makes it answer with an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self, *, secret: str) -> None:
        self.secret = secret
        self.deliveries: list[dict] = []
        self.raw_requests: list[tuple[dict[str, str], bytes]] = []
        self.rejected_signatures = 0
        self.next_status: int | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.receiver = self  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/pauta"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body would wait for the client's delayed
    # ACK (40 ms on Linux), a delay no real server adds.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def do_POST(self):
        receiver: WebhookReceiver = self.server.receiver  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        receiver.raw_requests.append((dict(self.headers.items()), body))
        if receiver.next_status is not None:
            status, receiver.next_status = receiver.next_status, None
            return self._reply(status, {"error": "injected"})
        expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.headers.get("X-Pauta-Signature", "")):
            receiver.rejected_signatures += 1
            return self._reply(401, {"error": "bad signature"})
        delivery = self.headers.get("X-Pauta-Delivery", "")
        if all(d["delivery"] != delivery for d in receiver.deliveries):
            receiver.deliveries.append({"delivery": delivery, "body": json.loads(body)})
        self._reply(200, {"ok": True})

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
