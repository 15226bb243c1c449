"""A loopback TCP proxy in front of the test run's real Redis, for the faults a real network has: answers
held back (a congested path, a busy Redis host) and a broker that goes away between two commands."""

import socket
import threading
from contextlib import suppress
from urllib.parse import urlsplit

from django.conf import settings
from redis.connection import parse_url

LPUSH = b"\r\nLPUSH\r\n"  # how the broker queues a message, in Redis's protocol


class RedisProxy:
    """`url` reaches the same Redis and database as `settings.REDIS_URL` (a unix socket or TCP), through
    this proxy. While `slow` is set, Redis's answers wait `delay` seconds; after `lpush_limit` LPUSH commands
    (how the broker queues a message), the next one is not passed on and the proxy hangs up on everyone
    and refuses new connections, as a broker that died would."""

    def __init__(self, *, delay: float = 0, lpush_limit: int | None = None):
        self.delay, self.slow = delay, threading.Event()
        self.lpush_limit, self.lpushes = lpush_limit, 0
        self.target = urlsplit(settings.REDIS_URL)
        self.listener = socket.create_server(("127.0.0.1", 0))
        database = parse_url(settings.REDIS_URL).get("db", 0)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/{database}"
        self.sockets: list[socket.socket] = []
        self.closed, self.lock = False, threading.Lock()
        self.hung_up = threading.Event()  # wakes the answers held back, so closing never waits for them
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _upstream(self) -> socket.socket:
        if self.target.scheme == "unix":
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target.path)
            return upstream
        return socket.create_connection((self.target.hostname, self.target.port or 6379))

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            try:
                upstream = self._upstream()
            except OSError:
                client.close()  # Redis itself is gone: the client sees its connection drop
                continue
            with self.lock:
                if self.closed:
                    client.close()
                    upstream.close()
                    return
                self.sockets += [client, upstream]
            for source, target, answers in ((client, upstream, False), (upstream, client, True)):
                thread = threading.Thread(target=self._pipe, args=(source, target, answers), daemon=True)
                self.threads.append(thread)
                thread.start()

    def _pipe(self, source: socket.socket, target: socket.socket, answers: bool) -> None:
        tail = b""  # a command name may straddle two reads
        with suppress(OSError):
            while data := source.recv(65536):
                if answers and self.slow.is_set():
                    self.hung_up.wait(self.delay)
                if not answers and self._over_limit(tail + data, len(tail)):
                    self.close()
                    return
                tail = data[-len(LPUSH) :]
                target.sendall(data)
        for side in (source, target):  # one side hung up: so does the other, as a TCP path would
            with suppress(OSError):
                side.shutdown(socket.SHUT_RDWR)

    def _over_limit(self, data: bytes, carried: int) -> bool:
        """Counts the LPUSH commands in `data`, whose first `carried` bytes were counted with the last read."""
        if self.lpush_limit is None:
            return False
        upper = data.upper()
        self.lpushes += upper.count(LPUSH) - upper[:carried].count(LPUSH)
        return self.lpushes > self.lpush_limit

    def close(self) -> None:
        """Refuses new connections and hangs up the open ones (shutdown wakes the threads blocked on them,
        on Linux even the one in accept)."""
        self.hung_up.set()
        with self.lock:
            self.closed = True
            sockets = [self.listener, *self.sockets]
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()

    def stop(self) -> None:
        self.close()
        for thread in self.threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
