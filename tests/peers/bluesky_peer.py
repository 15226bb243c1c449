"""Starting the real Bluesky PDS in tests/peers/bluesky/ for a test session.

`start.sh` installs @atproto/pds from npm the first time (about a minute), starts it and a local
did:plc directory on 127.0.0.1, and prints the accounts (brand.test, personal.test) as JSON.
Processes this helper started are stopped again by `stop()`; a PDS that was already running (a
developer started it by hand) is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent / "bluesky"
START_TIMEOUT = 600


class PeerUnavailable(RuntimeError):
    """The peer cannot run on this machine (no node/npm, install failed); the message says why."""


@dataclass(frozen=True)
class BlueskyAccount:
    handle: str
    did: str
    password: str
    app_password: str


@dataclass
class BlueskyPeer:
    service: str
    accounts: dict[str, BlueskyAccount]
    state_dir: Path
    env: dict[str, str] = field(repr=False)
    started_here: bool = False

    @property
    def netloc(self) -> str:
        return self.service.split("://", 1)[1]

    def jwt_secret(self) -> str:
        """The PDS's signing secret, to make tokens it will judge expired (a real ExpiredToken)."""
        for line in (self.state_dir / "env.sh").read_text().splitlines():
            if line.startswith("export PDS_JWT_SECRET="):
                return line.split("=", 1)[1].strip()
        raise LookupError("PDS_JWT_SECRET not found in env.sh")

    def stop(self) -> None:
        if self.started_here:
            subprocess.run(["bash", str(HERE / "stop.sh")], env=self.env, check=False, capture_output=True)


def _state_dir(env: dict[str, str]) -> Path:
    home = Path(env.get("PEER_HOME") or Path.home() / ".cache" / "pauta-peers" / "bluesky-pds")
    return Path(env.get("PEER_STATE") or home / "state")


def _running(state_dir: Path) -> bool:
    pid_file = state_dir / "pds.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return False
    return True


def bluesky_peer_start() -> BlueskyPeer:
    missing = [tool for tool in ("node", "npm", "curl", "openssl") if shutil.which(tool) is None]
    if missing:
        raise PeerUnavailable(f"Bluesky PDS peer needs {', '.join(missing)} on PATH")
    env = dict(os.environ)
    state_dir = _state_dir(env)
    was_running = _running(state_dir)
    try:
        completed = subprocess.run(
            ["bash", str(HERE / "start.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PeerUnavailable(f"Bluesky PDS peer did not start within {START_TIMEOUT} s") from exc
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise PeerUnavailable(f"Bluesky PDS peer failed to start (exit {completed.returncode}):\n{tail}")
    data = json.loads(completed.stdout)
    accounts = {
        name: BlueskyAccount(
            handle=info["handle"],
            did=info["did"],
            password=info["password"],
            app_password=info["appPassword"],
        )
        for name, info in data["accounts"].items()
    }
    return BlueskyPeer(
        service=data["service"], accounts=accounts, state_dir=state_dir, env=env, started_here=not was_running
    )


def bluesky_post_records(peer: BlueskyPeer, did: str) -> list[dict]:
    """Every `app.bsky.feed.post` record of the account, page by page: the server keeps its state between
    test sessions, so one page of `listRecords` would not see them all."""
    import requests

    records: list[dict] = []
    cursor = None
    while True:
        params = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        response = requests.get(
            f"{peer.service}/xrpc/com.atproto.repo.listRecords", params=params, timeout=10
        )
        response.raise_for_status()
        page = response.json()
        records.extend(page["records"])
        cursor = page.get("cursor")
        if not cursor or not page["records"]:
            return records
