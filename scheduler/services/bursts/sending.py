"""Step 3 of a burst: the requests, sent from a pool of threads that never touch the database (`bursts`)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import requests.adapters
from django.utils import timezone

from scheduler.adapters import Adapter, PublishResult, TransientError
from scheduler.adapters.http import shared_connections
from scheduler.models import Channel
from scheduler.services.channels import CallLog, channel_adapter
from scheduler.services.engine_settings import engine_setting
from scheduler.services.outcomes import AttemptRecord, retry_delay
from scheduler.services.publications import in_workspace_language
from scheduler.services.publishing import attempt_finish, publication_request, published_time

from .preparing import Prepared


@dataclass
class Sent:
    prepared: Prepared
    attempts: list[AttemptRecord] = field(default_factory=list)
    result: PublishResult | None = None
    error: BaseException | None = None
    published_at: datetime | None = None
    started: bool = False  # False: the send deadline passed before its turn; nothing left this machine


def send_all(claimed: list[Prepared], *, worker: str) -> list[Sent]:
    """Threads share one pool of connections for the burst, closed at its end: nothing is left idle for a
    server to close under the next burst's request. Nothing starts after the send deadline."""
    if not claimed:
        return []
    threads = max(1, min(len(claimed), int(engine_setting("PAUTA_BURST_THREADS"))))
    deadline = time.monotonic() + engine_setting("PAUTA_BURST_SEND_SECONDS")
    transport = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=threads)
    adapters = threading.local()
    try:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="burst") as pool:
            return list(
                pool.map(lambda item: _send_one(item, worker, transport, deadline, adapters), claimed)
            )
    finally:
        transport.close()


def _thread_adapter(adapters: threading.local, channel: Channel) -> tuple[Adapter, CallLog]:
    """A sending thread builds each channel's adapter (credentials decrypted, an HTTP session) once per burst
    rather than once per post: that work was a third of a send's CPU. Its call log is emptied for each
    attempt."""
    built = adapters.__dict__.setdefault("by_channel", {})
    if channel.pk not in built:
        calls = CallLog()
        built[channel.pk] = (channel_adapter(channel=channel, recorder=calls), calls)
    adapter, calls = built[channel.pk]
    calls.records = []
    return adapter, calls


def _send_one(prepared: Prepared, worker: str, transport, deadline: float, adapters: threading.local) -> Sent:
    """One publication's calls, retried in place while the network's trouble looks short and the deadline
    allows. Builds the request here, so images are read only when they are about to be sent."""
    sent = Sent(prepared)
    if time.monotonic() >= deadline:
        return sent
    sent.started = True
    publication = prepared.publication
    attempts_before = publication.attempt_count + 1  # the claim counted this one
    limit = engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    in_place = engine_setting("PAUTA_BURST_RETRY_IN_PLACE_SECONDS")
    with in_workspace_language(publication), shared_connections(transport):
        while True:
            attempt = AttemptRecord(started_at=timezone.now(), worker=worker)
            sent.attempts.append(attempt)
            calls = CallLog()
            started = time.monotonic()
            try:
                # From the loaded rows (media prefetched): the sending threads never touch the database.
                request = publication_request(publication=publication)
                adapter, calls = _thread_adapter(adapters, publication.channel)
                sent.result = adapter.publish(request)
            except Exception as exc:
                attempt_finish(attempt, calls, started, exc)
                attempt_number = attempts_before + len(sent.attempts) - 1
                if isinstance(exc, TransientError) and attempt_number < limit:
                    delay = retry_delay(attempt=attempt_number, retry_after=exc.retry_after)
                    if delay <= in_place and time.monotonic() + delay < deadline:
                        attempt.summary = attempt.summary or str(exc)
                        time.sleep(delay)
                        continue
                sent.error = exc
                return sent
            sent.published_at = published_time(sent.result, attempt=attempt, publication=publication)
            attempt_finish(attempt, calls, started)
            attempt.summary = sent.result.raw_summary
            return sent
