"""Peers for the network tests: the real Bluesky PDS, started once per test session."""

import os

import pytest

from tests.peers.bluesky_peer import PeerUnavailable, bluesky_peer_start


@pytest.fixture(scope="session")
def bluesky_peer():
    """Skips with the reason when the PDS cannot run here; fails instead under PAUTA_REQUIRE_PEERS=1."""
    try:
        peer = bluesky_peer_start()
    except PeerUnavailable as exc:
        if os.environ.get("PAUTA_REQUIRE_PEERS") == "1":
            pytest.fail(f"PAUTA_REQUIRE_PEERS=1 but the Bluesky peer is unavailable: {exc}")
        pytest.skip(str(exc))
    yield peer
    peer.stop()
