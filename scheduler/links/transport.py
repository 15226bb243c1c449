"""HTTP sessions that re-check the peer address of every new connection.

The guard resolves a host before a request, but the HTTP library resolves it again when it
connects; a name whose DNS answer changes in between (DNS rebinding) would slip past a check made
only beforehand. These connection classes look at the address actually connected to and refuse it
when it is not public, unless the host is on the allow-list.
"""

from __future__ import annotations

import socket
from typing import TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from .guard import host_is_allowed, is_public_address


class AddressRefusedError(NewConnectionError):
    """The connection reached a non-public address; carries the address for the reason text."""

    def __init__(self, conn: HTTPConnection, address: str) -> None:
        super().__init__(conn, f"refused connection to non-public address {address}")
        self.address = address


def _guarded_connection(base: type[HTTPConnection], allow_hosts: frozenset[str]) -> type[HTTPConnection]:
    class GuardedConnection(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            address = str(sock.getpeername()[0])
            if not host_is_allowed(self.host, self.port, allow_hosts) and not is_public_address(address):
                sock.close()
                raise AddressRefusedError(self, address)
            return sock

    return GuardedConnection


class GuardedAdapter(HTTPAdapter):
    def __init__(self, *, allow_hosts: frozenset[str], pool_maxsize: int) -> None:
        self._allow_hosts = allow_hosts
        super().__init__(pool_connections=64, pool_maxsize=pool_maxsize, max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        allow = self._allow_hosts

        class Pool(HTTPConnectionPool):
            ConnectionCls = _guarded_connection(HTTPConnection, allow)

        class SecurePool(HTTPSConnectionPool):
            ConnectionCls = _guarded_connection(HTTPSConnection, allow)

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}


def guarded_session(*, allow_hosts: frozenset[str], pool_maxsize: int, user_agent: str) -> requests.Session:
    """A session that ignores proxy variables: the checks must reach the target itself."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = user_agent
    adapter = GuardedAdapter(allow_hosts=allow_hosts, pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


E = TypeVar("E", bound=BaseException)


def find_cause(exc: BaseException, kind: type[E]) -> E | None:
    """Walk the wrapped causes requests and urllib3 build around low-level errors."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return item
        stack.extend(item.args)
        stack.extend([getattr(item, "reason", None), item.__cause__, item.__context__])
    return None
