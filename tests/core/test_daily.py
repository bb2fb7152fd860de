"""`parkos daily`: every app's registered daily job runs once, in order, for the given day."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from parkos.core import registries
from parkos.servicedesk.models import Request
from tests.servicedesk.test_requests import desk, submit  # noqa: F401  (the service-desk fixture)

pytestmark = pytest.mark.django_db


def test_the_apps_register_their_daily_jobs():
    assert registries.daily_jobs.keys() == [
        "projects.refresh",
        "projects.capacity",
        "workplan.refresh",
        "servicedesk.escalate",
        "credit.refresh",
        "enterprises.totals",
        "core.digest",
        "core.cleanup",
    ]


def test_the_daily_cleanup_removes_the_files_of_imports_that_wrote_nothing_after_a_week(tmp_path, admin):
    from django.utils import timezone

    from parkos.core.imports import import_file  # noqa: F401  (registers nothing; the runs are made below)
    from parkos.core.models import ImportRun
    from parkos.core.services import uploads_cleanup

    def run(status, dry_run=False, age_days=10):
        from django.core.files.base import ContentFile

        r = ImportRun(
            kind="enterprises", status=status, original_name="x.xlsx", dry_run=dry_run, created_by=admin
        )
        r.file.save("x.xlsx", ContentFile(b"PK"), save=False)
        r.save()
        ImportRun.objects.filter(pk=r.pk).update(created_at=timezone.now() - dt.timedelta(days=age_days))
        return r

    rejected, failed, checked = run("invalid"), run("failed"), run("done", dry_run=True)
    imported, recent = run("done"), run("invalid", age_days=2)
    paths = {r.pk: r.file.path for r in (rejected, failed, checked, imported, recent)}
    assert uploads_cleanup(today=timezone.localdate()) == 3
    import os

    gone = {pk for pk, p in paths.items() if not os.path.exists(p)}
    assert gone == {rejected.pk, failed.pk, checked.pk}
    assert ImportRun.objects.count() == 5  # the runs and their errors stay on record
    assert not ImportRun.objects.get(pk=rejected.pk).file


def test_daily_runs_every_job_for_the_day(desk):  # noqa: F811
    """A request received 30 Sep 2026 (consult, 3 WD: 8, 9, 10 Oct → due 10 Oct) is overdue on 12 Oct."""
    submit(desk, on="2026-09-30")
    out = io.StringIO()
    call_command("daily", "--today", "2026-10-12", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == registries.daily_jobs.keys()
    assert any(line.startswith("servicedesk.escalate: 1 overdue requests escalated") for line in lines)
    assert Request.objects.get().escalated
    call_command(
        "daily", "--today", "2026-10-13", "--only", "servicedesk.escalate", stdout=(out := io.StringIO())
    )
    assert out.getvalue().startswith("servicedesk.escalate: 0 overdue requests escalated")


def test_daily_refuses_unknown_jobs_and_bad_dates():
    with pytest.raises(CommandError, match="unknown"):
        call_command("daily", "--only", "nothing.here")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily", "--today", "2026-13-01")


def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    def boom(today):
        raise RuntimeError("broken")

    job = registries.DailyJob("zz.broken", "broken", boom, order=1)
    monkeypatch.setitem(registries.daily_jobs._items, job.key, job)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 daily job"):
        call_command("daily", "--today", dt.date(2026, 10, 12).isoformat(), stdout=out, stderr=err)
    assert "zz.broken: FAILED" in err.getvalue()
    assert len(out.getvalue().splitlines()) == len(registries.daily_jobs) - 1  # every other job still ran


def test_parkos_daily_without_a_date_runs_every_job_for_today(db):
    """The worker runs `parkos daily` with no --today; the clean-up failed on that (None − a week)."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "FAILED" not in out.getvalue()
    assert "core.cleanup" in out.getvalue()
