"""The background process: runs queued jobs (imports, evaluations — django-tasks' database queue), the registered
daily jobs once a day at `PARKOS_DAILY_AT`, and says it is alive (a heartbeat `/healthz` reads).

django-tasks-db's own worker exits when its database connection drops (a PostgreSQL restart, a failover): this
loop drains the queue with that worker in batch mode, and on a lost connection closes it, waits (1, 2, 4 … 30 s)
and goes on. Several workers may run: the daily jobs run once a day whichever of them gets there first.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string

log = logging.getLogger("parkos.worker")
HEARTBEAT = "parkos:worker:heartbeat"
HEARTBEAT_STALE = dt.timedelta(minutes=2)


def beat(now: dt.datetime | None = None) -> None:
    cache.set(HEARTBEAT, (now or timezone.now()).isoformat(), timeout=None)


def last_beat() -> dt.datetime | None:
    raw = cache.get(HEARTBEAT)
    return dt.datetime.fromisoformat(raw) if raw else None


def alive(now: dt.datetime | None = None) -> bool:
    last = last_beat()
    return last is not None and (now or timezone.now()) - last < HEARTBEAT_STALE


def daily_at() -> dt.time:
    return dt.time.fromisoformat(settings.PARKOS_DAILY_AT)


def daily_due(now: dt.datetime) -> bool:
    """Whether today's daily jobs should start now: past the configured time and not yet claimed today (the claim
    is an atomic `cache.add` in Redis; with the file cache, two workers racing in the same second could both run)."""
    local = timezone.localtime(now)
    if local.time() < daily_at():
        return False
    return cache.add(f"parkos:daily:{local.date().isoformat()}", local.isoformat(), timeout=3 * 86400)


def drain(worker_id: str) -> None:
    """Run every job waiting in the queue, then return."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def run(
    *,
    interval: float = 1.0,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = timezone.now,
    daily: Callable[[], None] | None = None,
) -> None:
    """The worker's loop until `stop()`: drain the queue, beat, start the daily jobs when due, sleep."""
    worker_id = get_random_string(32)
    run_daily = daily or (lambda: call_command("daily"))
    failures = 0
    while not stop():
        try:
            close_old_connections()
            drain(worker_id)
            now = clock()
            beat(now)
            if daily_due(now):
                log.info("running the daily jobs")
                try:
                    run_daily()
                except (OperationalError, InterfaceError):
                    raise
                except Exception:  # a failing job is reported (and the others ran); the worker goes on
                    log.exception("the daily jobs reported a failure")
            failures = 0
            sleep(interval)
        except (OperationalError, InterfaceError) as exc:
            failures += 1
            wait = min(30, 2 ** (failures - 1))
            log.warning("database unavailable (%s); reconnecting in %s s", exc, wait)
            connections.close_all()
            sleep(wait)
