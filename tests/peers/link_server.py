"""A real HTTP server on 127.0.0.x that plays the web pages a post links to.

Routes (any other path answers 200, so benchmarks can use `/page/<n>`):

    /ok                    200
    /moved                 301 -> /ok
    /found-missing         302 -> /missing
    /missing               404
    /no-head               HEAD 405, GET 200
    /forbidden-head        HEAD 403, GET 200
    /rate-limited/<name>   429 with `Retry-After: <after>` (query, default 1) the first time, then 200
    /flaky/<name>          503 the first time, then 200
    /always-503            503
    /slow?delay=<s>        waits <s> seconds (default 3) before answering 200
    /loop-a, /loop-b       302 to each other
    /chain/<n>             302 -> /chain/<n-1>, /chain/0 answers 200
    /redirect?to=<url>     302 -> <url>

State for the "first time" routes is kept per full path, so each test picks its own name.
Every response waits `latency` seconds first. The server counts requests per path and method and
the highest number of requests in flight at once per Host header, so tests and the benchmark can
prove the checker's per-host limit.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    peer: LinkServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body would wait for the client's delayed
    # ACK (40 ms on Linux), a delay no real server adds.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def do_HEAD(self):
        self._handle()

    def do_GET(self):
        self._handle()

    def _handle(self):
        peer = self.server.peer
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        peer._enter(host, self.command, urlsplit(self.path).path)
        try:
            if peer.latency:
                time.sleep(peer.latency)
            status, headers = self._route(peer)
        finally:
            # Counted as finished before the answer leaves: once the client has the answer it may
            # rightly start its next request, which must not overlap this one in the count.
            peer._leave(host)
        self._reply(status, headers)

    def _route(self, peer):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/moved":
            return 301, {"Location": "/ok"}
        if path == "/found-missing":
            return 302, {"Location": "/missing"}
        if path == "/missing":
            return 404, {}
        if path in ("/no-head", "/forbidden-head") and self.command == "HEAD":
            return (405 if path == "/no-head" else 403), {"Allow": "GET"}
        if path.startswith("/rate-limited/") and peer._first_time(path):
            return 429, {"Retry-After": query.get("after", ["1"])[0]}
        if path.startswith("/flaky/") and peer._first_time(path):
            return 503, {}
        if path == "/always-503":
            return 503, {}
        if path == "/slow":
            time.sleep(float(query.get("delay", ["3"])[0]))
            return 200, {}
        if path in ("/loop-a", "/loop-b"):
            return 302, {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"}
        if path.startswith("/chain/"):
            remaining = int(path.rsplit("/", 1)[1])
            return (200, {}) if remaining <= 0 else (302, {"Location": f"/chain/{remaining - 1}"})
        if path == "/redirect":
            return 302, {"Location": query["to"][0]}
        return 200, {}

    def _reply(self, status, headers):
        body = f"<html><body>{status}</body></html>".encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class LinkServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, latency: float = 0.0) -> None:
        self.latency = latency
        self._server = _Server((host, port), _Handler)
        self._server.peer = self
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._seen_paths: set[str] = set()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str, *, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def start(self) -> LinkServer:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LinkServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requests_to(self, path: str) -> int:
        return sum(count for (_, seen), count in self.hits.items() if seen == path)

    def _first_time(self, path: str) -> bool:
        with self._lock:
            first = path not in self._seen_paths
            self._seen_paths.add(path)
            return first

    def _enter(self, host: str, method: str, path: str) -> None:
        with self._lock:
            self.hits[(method, path)] += 1
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])

    def _leave(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] -= 1
