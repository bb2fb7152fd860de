import json
import os
import shutil
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import transaction

from parkos.core.bulk import bulk_insert
from parkos.core.imports import import_file
from parkos.core.models import ImportRun, Park
from parkos.core.progress import Progress
from tests.factories import EnterpriseFactory
from tests.xlsx import write_xlsx


def test_import_reports_progress_through_every_phase(tmp_path, admin):
    e = EnterpriseFactory()
    rows = [[e.uscc, 2000 + i, i] for i in range(30)]
    path = write_xlsx(tmp_path / "a.xlsx", ["统一社会信用代码", "年度", "实缴税金(万元)"], rows)
    seen = []
    report = import_file(
        kind="annual",
        source=path,
        user=admin,
        progress=lambda phase, done, total, force=False: seen.append((phase, done, total)),
    )
    assert report.created == 30
    assert [p for p, *_ in seen][0] == "read"
    assert {"read", "check", "write", "done"} <= {p for p, *_ in seen}
    assert seen[-1] == ("done", 30, 30)


def test_run_page_shows_a_progress_bar_while_running(client_staff_a, staff_a):
    run = ImportRun.objects.create(
        kind="annual",
        file="x.xlsx",
        original_name="x.xlsx",
        created_by=staff_a,
        status=ImportRun.Status.RUNNING,
    )
    Progress("import", run.pk)("write", 400, 1000, force=True)
    body = client_staff_a.get(f"/imports/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-valuenow="40"' in body
    assert 'hx-trigger="every 1s"' in body
    cache.clear()


def test_another_users_run_is_not_found(client_staff_a, staff_b):
    run = ImportRun.objects.create(kind="annual", file="x.xlsx", original_name="x.xlsx", created_by=staff_b)
    assert client_staff_a.get(f"/imports/{run.pk}/").status_code == 404
    assert client_staff_a.get(f"/imports/{run.pk}/errors.xlsx").status_code == 404


def test_bulk_insert_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        bulk_insert(Park, [{"code": "X", "name": "X"}])


def test_bulk_insert_writes_rows_and_history_in_order(admin):
    with transaction.atomic():
        ids = bulk_insert(Park, [{"code": "A", "name": "甲"}, {"code": "B", "name": "乙"}], user=admin)
    assert list(Park.objects.filter(pk__in=ids).order_by("pk").values_list("code", flat=True)) == ["A", "B"]
    hist = Park.history.filter(id__in=ids)
    assert sorted((h.code, h.history_type, h.history_user_id) for h in hist) == [
        ("A", "+", admin.pk),
        ("B", "+", admin.pk),
    ]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory, migrated_sqlite):
    data = tmp_path_factory.mktemp("cli")
    shutil.copyfile(migrated_sqlite, data / "cli.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
    env.update({"PARKOS_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'cli.sqlite3'}"})
    return env, data


def _parkos(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "parkos.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_console_script_calendar_contract(cli_env):
    env, _data = cli_env
    assert _parkos(env, "calendar", "add-working-days", "2026-09-30", "5").stdout == "2026-10-13\n"
    assert _parkos(env, "calendar", "between", "2026-09-30", "2026-10-13").stdout == "5\n"


@pytest.mark.slow
def test_console_script_import_contract(cli_env):
    env, data = cli_env
    head = ["统一社会信用代码", "企业名称"]
    good = write_xlsx(data / "good.xlsx", head, [["91430121MA4L0FQL8Y", "长沙一号有限公司"]])
    bad = write_xlsx(
        data / "bad.xlsx", head, [["91430121MA4L0FQL8Y", "长沙一号有限公司"], ["914301210000", "二号"]]
    )
    r = _parkos(env, "import", "enterprises", str(bad), "--report", "json")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert (report["ok"], report["rows"], report["created"], report["updated"]) == (False, 2, 0, 0)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "统一社会信用代码")]
    assert "18" in report["errors"][0]["message"]
    r = _parkos(env, "import", "enterprises", str(good), "--report", "json")
    assert (r.returncode, json.loads(r.stdout)) == (
        0,
        {"ok": True, "rows": 1, "created": 1, "updated": 0, "errors": []},
    )
    out = data / "out.xlsx"
    assert _parkos(env, "export", "enterprises", str(out)).returncode == 0
    r = _parkos(env, "import", "enterprises", str(out), "--report", "json")
    assert json.loads(r.stdout) == {"ok": True, "rows": 1, "created": 0, "updated": 0, "errors": []}


@pytest.mark.slow
def test_console_script_deadline_with_pauses(cli_env):
    env, _data = cli_env
    args = ["calendar", "add-working-days", "2026-04-28", "10"]
    assert _parkos(env, *args).stdout == "2026-05-14\n"  # spec T5
    assert _parkos(env, *args, "--pause", "2026-05-01:2026-05-11").stdout == "2026-05-21\n"  # spec T4
    overlapping = ["--pause", "2026-05-01:2026-05-08", "--pause", "2026-05-06:2026-05-11"]
    assert _parkos(env, *args, *overlapping).stdout == "2026-05-21\n"
    assert _parkos(
        env, "calendar", "add-working-days", "2026-02-10", "20", "--pause", "2026-03-02:2026-03-03"
    ).stdout == ("2026-03-18\n")
    bad = _parkos(env, *args, "--pause", "2026-05-11:2026-05-01")
    assert bad.returncode != 0
    assert "ends before it starts" in bad.stderr


def test_calendar_cli_works_before_migrations(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
    env.update({"PARKOS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    r = _parkos(env, "calendar", "add-working-days", "2026-09-24", "6")
    assert r.stdout == "2026-10-10\n"  # spec T2, on the official calendar alone
