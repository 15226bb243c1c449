"""The link checker against a real HTTP server on 127.0.0.1 (tests/peers/link_server.py)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from calendar_app.services.messages import message_render
from scheduler.links import MemoryLinkCache, check_links, is_public_address
from scheduler.links.guard import AddressGuard
from scheduler.links.headers import retry_after_seconds
from scheduler.links.transport import AddressRefusedError, find_cause, guarded_session
from tests.peers.link_server import LinkServer


@pytest.fixture
def server():
    with LinkServer() as peer:
        yield peer


def check(server, *paths, **options):
    options.setdefault("allow_hosts", [server.netloc])
    options.setdefault("cache", MemoryLinkCache())
    options.setdefault("backoff", 0.05)
    return check_links([server.url(path) for path in paths], **options)


def test_200_passes(server):
    [result] = check(server, "/ok")
    assert result.ok and result.status == 200 and result.redirects == 0
    assert result.reason == f"{server.url('/ok')} answered 200 OK"


def test_301_to_200_passes_after_one_redirect(server):
    [result] = check(server, "/moved")
    assert result.ok
    assert result.redirects == 1
    assert result.final_url == server.url("/ok")


def test_302_to_404_fails_with_the_final_address_and_status(server):
    [result] = check(server, "/found-missing")
    assert not result.ok and result.status == 404
    assert result.reason == f"{server.url('/missing')} answered 404 Not Found after 1 redirect"


@pytest.mark.parametrize("path", ["/no-head", "/forbidden-head"])
def test_head_refused_falls_back_to_get(server, path):
    [result] = check(server, path)
    assert result.ok and result.status == 200
    assert server.hits[("HEAD", path)] == 1
    assert server.hits[("GET", path)] == 1


def test_429_waits_for_retry_after_then_passes(server):
    started = time.monotonic()
    [result] = check(server, "/rate-limited/a?after=1")
    assert result.ok
    assert server.requests_to("/rate-limited/a") == 2
    assert time.monotonic() - started >= 0.9


def test_retry_after_is_capped(server):
    started = time.monotonic()
    [result] = check(server, "/rate-limited/b?after=3600", max_retry_after=0.2)
    assert result.ok
    assert time.monotonic() - started < 2


def test_503_is_retried_then_passes(server):
    [result] = check(server, "/flaky/a")
    assert result.ok
    assert server.requests_to("/flaky/a") == 2


def test_persistent_503_fails_after_the_retries(server):
    [result] = check(server, "/always-503", retries=2)
    assert not result.ok and result.status == 503
    assert server.requests_to("/always-503") == 3
    assert "503 Service Unavailable" in result.reason


def test_slow_answer_times_out_and_is_retried(server):
    [result] = check(server, "/slow?delay=2", timeout=0.3, retries=1)
    assert not result.ok and result.status is None
    assert result.reason == "timed out after 0.3 s"
    assert server.requests_to("/slow") == 2


def test_redirect_loop_is_named(server):
    [result] = check(server, "/loop-a")
    assert not result.ok
    assert result.reason == "redirect loop"


def test_redirect_chains_are_bounded(server):
    [result] = check(server, "/chain/10", max_redirects=3)
    assert not result.ok
    assert result.reason == "too many redirects (more than 3)"
    [result] = check(server, "/chain/3", max_redirects=3)
    assert result.ok and result.redirects == 3


def test_unresolvable_host():
    [result] = check_links(["https://no-such-host.invalid/promo"], cache=MemoryLinkCache())
    assert not result.ok
    assert result.reason == "could not resolve host no-such-host.invalid"


def test_private_address_is_refused_without_a_request(server):
    [result] = check(server, "/ok", allow_hosts=())
    assert not result.ok
    assert result.reason == "refused: points at a private address (127.0.0.1)"
    assert server.requests_to("/ok") == 0


def test_every_redirect_hop_is_checked_against_the_private_address_rule(server):
    hop = f"http://localhost:{server.port}/ok"
    [result] = check(server, f"/redirect?to={hop}")
    assert not result.ok
    assert result.reason.startswith("refused: points at a private address")
    assert result.final_url == hop
    assert server.requests_to("/ok") == 0


def test_allow_list_accepts_a_bare_host(server):
    [result] = check(server, "/ok", allow_hosts=[server.host])
    assert result.ok


def test_connections_are_rechecked_at_connect_time(server):
    """A name that resolved to a public address before the request could point elsewhere later."""
    session = guarded_session(allow_hosts=frozenset(), pool_maxsize=1, user_agent="test")
    with pytest.raises(requests.ConnectionError) as caught:
        session.get(server.url("/ok"), timeout=2)
    refused = find_cause(caught.value, AddressRefusedError)
    assert refused is not None and refused.address == "127.0.0.1"
    assert server.requests_to("/ok") == 0


def test_per_host_limit_holds_while_hosts_run_in_parallel():
    with LinkServer("127.0.0.1", latency=0.15) as first, LinkServer("127.0.0.2", latency=0.15) as second:
        urls = [peer.url(f"/page/{n}") for n in range(12) for peer in (first, second)]
        started = time.monotonic()
        results = check_links(
            urls,
            allow_hosts=[first.netloc, second.netloc],
            per_host_limit=2,
            max_workers=16,
            cache=MemoryLinkCache(),
        )
        elapsed = time.monotonic() - started
    assert all(result.ok for result in results)
    assert first.max_in_flight["127.0.0.1"] == 2
    assert second.max_in_flight["127.0.0.2"] == 2
    # 24 requests of 0.15 s, 4 at a time: about 0.9 s; one at a time would take 3.6 s.
    assert elapsed < 2.0


def test_results_come_from_the_cache_the_second_time(server):
    cache = MemoryLinkCache(ttl=60)
    [first] = check(server, "/ok", cache=cache)
    [second] = check(server, "/ok", cache=cache)
    assert not first.cached and second.cached
    assert second.ok and second.status == 200
    assert server.requests_to("/ok") == 1


def test_reasons_are_cached_per_language(server):
    """The cache is shared by every workspace, and a reason is written in the language of the check that
    asked: a Spanish check's reason is never handed to an English one (nor the other way round)."""
    from django.utils import translation

    cache = MemoryLinkCache(ttl=60)
    with translation.override("es"):
        [spanish] = check(server, "/loop-a", cache=cache)
        [spanish_again] = check(server, "/loop-a", cache=cache)
    with translation.override("en"):
        [english] = check(server, "/loop-a", cache=cache)
        [english_again] = check(server, "/loop-a", cache=cache)

    assert (spanish.reason, english.reason) == ("bucle de redirecciones", "redirect loop")
    assert spanish_again.cached and english_again.cached and not english.cached
    assert english_again.reason == "redirect loop"


def test_the_checker_runs_in_a_plain_script_without_django_settings(server):
    """bench/links.py and other scripts use the checker with no Django settings at all: its reasons are
    then written in the source language instead of raising ImproperlyConfigured."""
    script = (
        "import sys; from scheduler.links import check_links; "
        "results = check_links(sys.argv[1:], allow_hosts=['127.0.0.1'], retries=0); "
        "print(*[result.reason for result in results], sep='\\n')"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script, server.url("/missing"), server.url("/found-missing")],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{server.url('/missing')} answered 404 Not Found",
        f"{server.url('/missing')} answered 404 Not Found after 1 redirect",
    ]


def test_passing_failures_are_not_cached(server):
    cache = MemoryLinkCache(ttl=60)
    check(server, "/always-503", cache=cache, retries=0)
    [again] = check(server, "/always-503", cache=cache, retries=0)
    assert not again.cached
    assert server.requests_to("/always-503") == 2


def test_cache_entries_expire():
    cache = MemoryLinkCache(ttl=0.05)
    cache.set("k", {"v": 1})
    assert cache.get("k") == {"v": 1}
    time.sleep(0.1)
    assert cache.get("k") is None


def test_results_keep_input_order_and_duplicates_are_checked_once(server):
    results = check(server, "/missing", "/ok", "/missing")
    assert [r.status for r in results] == [404, 200, 404]
    assert server.requests_to("/missing") == 1


def test_only_web_links_are_checked():
    [result] = check_links(["ftp://example.org/file"], cache=MemoryLinkCache())
    assert not result.ok
    assert "only http and https" in result.reason


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("240.0.0.1", False),
    ],
)
def test_public_address_classification(address, public):
    assert is_public_address(address) is public


def test_retry_after_headers():
    now = 1_700_000_000.0
    assert retry_after_seconds({"Retry-After": "7"}, now=now) == 7
    assert retry_after_seconds({"Retry-After": "Tue, 14 Nov 2023 22:13:30 GMT"}, now=now) == pytest.approx(10)
    assert retry_after_seconds(
        {"X-RateLimit-Reset": "2023-11-14T22:13:25.000000Z"}, now=now
    ) == pytest.approx(5)
    assert retry_after_seconds({"RateLimit-Reset": str(int(now) + 3)}, now=now) == 3
    assert retry_after_seconds({}, now=now) is None


def test_address_literals_are_judged_without_the_resolver(monkeypatch):
    """`[::1]` or `10.0.0.7` is its own address; a spelling such as `127.1` still goes to the resolver."""
    asked = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host, *args, **kwargs):
        asked.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    guard = AddressGuard()
    assert message_render(guard.check("[::1]", 443).refusal) == "refused: points at a private address (::1)"
    assert guard.check("10.0.0.7", None).refused
    assert not guard.check("8.8.8.8", 443).refused
    assert asked == []
    assert (
        message_render(guard.check("127.1", 80).refusal) == "refused: points at a private address (127.0.0.1)"
    )
    assert asked == ["127.1"]
