"""The bench/ scripts still run (tiny sizes, targets relaxed): a broken benchmark measures nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds demo zones / runs the benchmark scripts

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(
    "args",
    [
        ["import_enterprises.py", "--rows", "300", "--target", "120"],
        ["list_page.py", "--enterprises", "300", "--repeat", "2", "--target", "5000"],
        ["efficiency.py", "--enterprises", "300", "--target", "120", "--speedup", "0"],
        ["approvals.py", "--items", "2000", "--check", "50", "--repeat", "1"],
        ["workplan_parse.py", "--repeat", "20"],
        ["dedupe.py", "--new", "500", "--open", "5000"],
        ["credit_draw.py", "--objects", "3000", "--inspectors", "50", "--records", "30000"],
        ["policy_match.py", "--enterprises", "300", "--clauses", "20", "--check", "20"],
        [
            "evaluation.py",
            "--enterprises",
            "300",
            "--small",
            "60",
            "--peers",
            "5",
            "--repeat",
            "2",
            "--target",
            "5000",
        ],
    ],
)
def test_bench_script_runs(args, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV", "PARKOS_DATA_DIR"}}
    env["PARKOS_SQLITE_TEMPLATE"] = str(migrated_sqlite)
    r = subprocess.run(
        [sys.executable, *args], cwd=BENCH, env=env, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "MET" in r.stdout
