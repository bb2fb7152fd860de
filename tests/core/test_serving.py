"""Serving for real (issue 14 §3): the worker survives a lost database connection and runs the daily jobs once a
day at the configured time, /healthz reports the database and the worker's heartbeat, logs are JSON lines."""

import datetime as dt
import json
import logging

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from parkos.core import worker
from parkos.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def at(hhmm: str, day: int = 1) -> dt.datetime:
    return dt.datetime.combine(dt.date(2026, 12, day), dt.time.fromisoformat(hhmm), tzinfo=TZ)


def test_the_worker_reconnects_after_the_database_goes_away(monkeypatch):
    calls, slept, dailies = [], [], []

    def drain(worker_id):
        calls.append(worker_id)
        if len(calls) <= 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(worker, "drain", drain)
    worker.run(
        stop=lambda: len(calls) >= 4,
        sleep=slept.append,
        clock=lambda: at("01:00"),
        daily=lambda: dailies.append(1),
    )
    assert slept == [1, 2, 4, 1.0]  # backing off while the database is away, then the usual interval
    assert worker.last_beat() == at("01:00")
    assert dailies == []  # before the daily time


@override_settings(PARKOS_DAILY_AT="02:30")
def test_the_daily_jobs_run_once_a_day_after_their_time(monkeypatch):
    monkeypatch.setattr(worker, "drain", lambda worker_id: None)
    times = iter([at("02:29"), at("02:31"), at("09:00"), at("23:59"), at("00:10", 2), at("02:30", 2)])
    dailies, n = [], []

    def clock():
        n.append(1)
        return next(times)

    worker.run(
        stop=lambda: len(n) >= 6, sleep=lambda s: None, clock=clock, daily=lambda: dailies.append(len(n))
    )
    assert dailies == [2, 6]  # 1 Dec at 02:31, 2 Dec at 02:30


@override_settings(PARKOS_EXPECT_WORKER=True)
def test_healthz_reports_the_database_and_the_worker(client):
    r = client.get("/healthz")
    assert r.status_code == 503
    assert (r.json()["database"], r.json()["worker"]["alive"]) == ("ok", False)
    worker.beat()
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    worker.beat(timezone.now() - dt.timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503  # a worker that stopped beating


@override_settings(PARKOS_EXPECT_WORKER=False)
def test_healthz_without_a_worker_asks_only_the_database(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_logs_are_json_lines():
    try:
        raise ValueError("坏数据")
    except ValueError:
        import sys

        rec = logging.LogRecord(
            "parkos.worker", logging.WARNING, __file__, 1, "重连 %s", ("数据库",), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(rec))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "parkos.worker", "重连 数据库")
    assert "ValueError: 坏数据" in line["exception"]


def test_a_failing_daily_job_does_not_stop_the_worker(monkeypatch):
    monkeypatch.setattr(worker, "drain", lambda worker_id: None)
    n = []

    def daily():
        raise RuntimeError("1 daily job(s) failed")

    worker.run(stop=lambda: len(n) >= 3, sleep=n.append, clock=lambda: at("03:00"), daily=daily)
    assert n == [1.0, 1.0, 1.0]  # it went on looking at the queue
