"""Refusal of requests that would reach private, loopback, link-local or reserved addresses.

A link in a post, a webhook URL or an instance URL is typed by a user; fetching it from the
server must not turn Pauta into a proxy into its own network (server-side request forgery).
Every address a host name resolves to is checked, because a name that resolves to one public and
one private address is just as dangerous. The allow-list exists for local deployments and tests.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from .result import reason_private, reason_unresolvable


@dataclass(frozen=True)
class GuardVerdict:
    addresses: tuple[str, ...]
    refusal: dict | None = None  # a stored message (`calendar_app.services.messages`)

    @property
    def refused(self) -> bool:
        return bool(self.refusal)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def normalize_allow_hosts(allow_hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(entry.strip().lower() for entry in allow_hosts if entry.strip())


def host_is_allowed(host: str, port: int | None, allow_hosts: frozenset[str]) -> bool:
    """`host` or `host:port` on the allow-list; IPv6 literals may be written with brackets."""
    host = host.lower().strip("[]")
    candidates = {host, f"[{host}]"}
    if port is not None:
        candidates |= {f"{host}:{port}", f"[{host}]:{port}"}
    return not candidates.isdisjoint(allow_hosts)


class AddressGuard:
    """Resolves hosts once per guard (one link check run) and judges the addresses."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = normalize_allow_hosts(allow_hosts)
        self._verdicts: dict[tuple[str, int | None], GuardVerdict] = {}
        self._lock = threading.Lock()

    def allows(self, host: str, port: int | None) -> bool:
        return host_is_allowed(host, port, self.allow_hosts)

    def check(self, host: str, port: int | None) -> GuardVerdict:
        key = (host.lower(), port)
        with self._lock:
            cached = self._verdicts.get(key)
        if cached is not None:
            return cached
        verdict = self._judge(host, port)
        with self._lock:
            self._verdicts[key] = verdict
        return verdict

    def _judge(self, host: str, port: int | None) -> GuardVerdict:
        addresses = _literal_address(host) or _resolved_addresses(host, port)
        if not addresses:
            return GuardVerdict((), reason_unresolvable(host))
        if not self.allows(host, port):
            for address in addresses:
                if not is_public_address(address):
                    return GuardVerdict(addresses, reason_private(address))
        return GuardVerdict(addresses)


def _literal_address(host: str) -> tuple[str, ...]:
    """An address written out (`203.0.113.7`, `[2001:db8::1]`) is itself: no resolver call, which on a busy
    sending thread is one more wait for the interpreter. Other spellings (`127.1`) go to the resolver."""
    try:
        return (str(ipaddress.ip_address(host.strip("[]"))),)
    except ValueError:
        return ()


def _resolved_addresses(host: str, port: int | None) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port or 0, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))
