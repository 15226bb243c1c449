"""Link-check throughput: 1,000 distinct URLs on 50 local hosts, each answer delayed 100 ms.

Each host is its own HTTP server on 127.0.0.1 ... 127.0.0.50 (the whole 127/8 block is loopback on
Linux), allow-listed so the private-address guard lets the checks through. The same URLs are
checked by Pauta's checker (concurrent across hosts, at most `--per-host` at once per host) with
the default 32 workers and with enough workers to saturate every host, then sequentially (one
worker), and the busiest moment of each host is read from the servers' counters.

    .venv/bin/python bench/links.py [--hosts 50] [--per-host-urls 20] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.links import MemoryLinkCache, check_links  # noqa: E402
from tests.peers.link_server import LinkServer  # noqa: E402


def run(servers: list[LinkServer], urls: list[str], **options) -> tuple[float, int, int]:
    for server in servers:
        server.hits.clear()
        server.max_in_flight.clear()
    started = time.monotonic()
    results = check_links(urls, allow_hosts=[s.netloc for s in servers], cache=MemoryLinkCache(), **options)
    elapsed = time.monotonic() - started
    failures = sum(1 for r in results if not r.ok)
    busiest = max(max(s.max_in_flight.values(), default=0) for s in servers)
    return elapsed, failures, busiest


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--per-host-urls", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--per-host", type=int, default=2, help="per_host_limit")
    parser.add_argument("--workers", type=int, default=32, help="max_workers")
    args = parser.parse_args()

    servers = [LinkServer(f"127.0.0.{n}", latency=args.latency).start() for n in range(1, args.hosts + 1)]
    try:
        urls = [s.url(f"/page/{i}") for i in range(args.per_host_urls) for s in servers]
        print(f"{len(urls)} URLs on {len(servers)} hosts, {args.latency * 1000:.0f} ms per answer")

        saturating = args.hosts * args.per_host
        figures = []
        for workers in dict.fromkeys([args.workers, saturating]):
            elapsed, failures, busiest = run(servers, urls, per_host_limit=args.per_host, max_workers=workers)
            figures.append((elapsed, failures, busiest))
            print(
                f"pauta      : {elapsed:7.2f} s  ({len(urls) / elapsed:6.0f} URLs/s)  failures {failures}  "
                f"max concurrent per host {busiest} (limit {args.per_host}, workers {workers})"
            )
        sequential, seq_failures, seq_busiest = run(servers, urls, per_host_limit=1, max_workers=1)
        rate = len(urls) / sequential
        print(
            f"sequential : {sequential:7.2f} s  ({rate:6.0f} URLs/s)  failures {seq_failures}  "
            f"max concurrent per host {seq_busiest}"
        )
        pauta, pauta_failures, _busiest = figures[0]
        speedup, saturated = sequential / pauta, sequential / figures[-1][0]
        print(f"speed-up   : {speedup:.1f}x with {args.workers} workers, {saturated:.1f}x saturating")
        within_limit = all(busiest <= args.per_host for _, _, busiest in figures)
        verdict = "met" if speedup >= 20 and within_limit else "NOT met"
        print(f"aim        : >= 20x without exceeding the per-host limit -> {verdict}")
        return 0 if speedup >= 20 and within_limit and pauta_failures == 0 else 1
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
