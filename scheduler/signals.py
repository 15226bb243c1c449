"""Worker heartbeat: a live worker keeps a short-lived key in Redis fresh, which `/healthz` reads."""

import socket
import threading

from celery.signals import worker_ready, worker_shutdown

from scheduler.heartbeat import heartbeat_loop

_stop = threading.Event()


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    name = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(target=heartbeat_loop, args=(name, _stop), daemon=True, name="pauta-heartbeat").start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    _stop.set()
