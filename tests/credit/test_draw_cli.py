"""`parkos credit draw …` (issue #17 §6): the JSON contract, row-naming errors with exit 2, no database needed,
and the same output whatever the order of the rows in the files."""

import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest

from parkos.credit import engine
from parkos.credit.engine import DrawConfig, Inspector
from parkos.demo import make_uscc

SEED_HEX = "c0ffee0123456789"


def _parkos(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "parkos.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """No database at all: the URL points at a file that does not exist in a fresh folder."""
    data = tmp_path_factory.mktemp("credit_cli")
    e = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
    e.update({"PARKOS_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'none.sqlite3'}"})
    return e


def _write(path, lines, encoding="utf-8"):
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return str(path)


@pytest.fixture
def files(tmp_path):
    usccs = [make_uscc("430121", 100 + k) for k in range(40)]
    pool = [(u, "ABCD"[k // 10]) for k, u in enumerate(usccs)] + [(make_uscc("430121", 900), "")]
    ins = [f"JC{k:02d}" for k in range(1, 9)]
    conflicts = [(ins[k % 8], usccs[30 + k]) for k in range(10)]
    return tmp_path, usccs, pool, ins, conflicts


def _args(tmp, pool, ins, conflicts, suffix=""):
    return [
        "credit",
        "draw",
        "--pool",
        _write(tmp / f"pool{suffix}.csv", ["uscc,class", *[f"{u},{c}" for u, c in pool]]),
        "--seed",
        SEED_HEX,
        "--ratios",
        "A=0.03,B=0.1,C=0.3,D=1,UNKNOWN=0.1",
        "--inspectors",
        _write(tmp / f"ins{suffix}.csv", ["inspector_id", *ins]),
        "--conflicts",
        _write(tmp / f"conf{suffix}.csv", ["inspector_id,uscc", *[f"{i},{u}" for i, u in conflicts]]),
        "--team-size",
        "2",
        "--max-load",
        "4",
        "--json",
    ]


def test_draw_prints_the_contract_and_matches_the_engine(env, files):
    tmp, usccs, pool, ins, conflicts = files
    r = _parkos(env, *_args(tmp, pool, ins, conflicts))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out) == ["strata", "sample", "assignments", "manual"]
    assert out["strata"] == {
        "A": {"N": 10, "n": 1},
        "B": {"N": 10, "n": 1},
        "C": {"N": 10, "n": 3},
        "D": {"N": 10, "n": 10},
        "UNKNOWN": {"N": 1, "n": 1},
    }
    assert [s["class"] for s in out["sample"]] == ["A", "B", "C", "C", "C", *["D"] * 10, "UNKNOWN"]
    # 16 objects × 2 = 32 places, 8 inspectors × max load 4 = 32: everyone is used up exactly
    expected = engine.draw(
        [(u, c or "UNKNOWN") for u, c in pool],
        bytes.fromhex(SEED_HEX),
        DrawConfig(ratios=dict(engine.DEFAULT_RATIOS), max_load=4),
        [Inspector(i) for i in ins],
        set(conflicts),
    ).as_json()
    assert out == expected
    loads = {}
    for u, team in out["assignments"].items():
        assert len(team) == 2
        assert not {(i, u) for i in team} & set(conflicts)
        for i in team:
            loads[i] = loads.get(i, 0) + 1
    assert max(loads.values()) <= 4
    assert len(out["assignments"]) + len(out["manual"]) == 16


def test_draw_output_does_not_depend_on_row_order(env, files):
    tmp, _, pool, ins, conflicts = files
    one = _parkos(env, *_args(tmp, pool, ins, conflicts, "1"))
    two = _parkos(env, *_args(tmp, pool[::-1], ins[::-1], conflicts[::-1], "2"))
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout


def test_exclusions_leave_objects_out_before_the_strata_are_counted(env, files):
    tmp, usccs, pool, ins, conflicts = files
    args = _args(tmp, pool, ins, conflicts)
    args += ["--exclude", _write(tmp / "excl.csv", ["uscc", *usccs[20:25]])]
    out = json.loads(_parkos(env, *args).stdout)
    assert out["strata"]["C"] == {"N": 5, "n": 2}  # ⌈0.3 × 5⌉
    assert not {s["uscc"] for s in out["sample"]} & set(usccs[20:25])


def test_gbk_files_from_excel_are_read(env, tmp_path):
    u = make_uscc("430121", 7)
    pool = _write(tmp_path / "p.csv", ["uscc,class", f"{u},D"], encoding="gbk")
    r = _parkos(env, "credit", "draw", "--pool", pool, "--seed", "ab", "--json")
    assert json.loads(r.stdout)["sample"] == [{"uscc": u, "class": "D"}]


@pytest.mark.parametrize(
    ("pool_lines", "message"),
    [
        (["uscc,class", "{u0},A", "91430121XXXXXXXXXX,B"], "第 3 行 [uscc]"),
        (["uscc,class", "{u0},A", "{u1},E"], "第 3 行 [class]: 未知的风险分类“E”"),
        (["uscc,klass", "{u0},A"], "第 1 行: 缺少列 class"),
        (["uscc,class", "{u0},A", "{u1},B", "{u0},C"], "第 4 行 [uscc]: {u0} 与第 2 行重复"),
    ],
)
def test_a_malformed_pool_names_the_row_and_exits_2(env, tmp_path, pool_lines, message):
    u0, u1 = make_uscc("430121", 1), make_uscc("430121", 2)
    lines = [x.format(u0=u0, u1=u1) for x in pool_lines]
    r = _parkos(env, "credit", "draw", "--pool", _write(tmp_path / "p.csv", lines), "--seed", "ab", "--json")
    assert r.returncode == 2
    assert message.format(u0=u0) in r.stderr
    assert r.stdout == ""


def test_malformed_options_and_side_files_exit_2(env, tmp_path):
    u = make_uscc("430121", 1)
    pool = _write(tmp_path / "p.csv", ["uscc,class", f"{u},A"])
    cases = [
        (["--seed", "xyz"], "--seed"),
        (["--seed", "ab", "--ratios", "A=2"], "0 到 1"),
        (["--seed", "ab", "--ratios", "Q=0.1"], "--ratios"),
        (["--seed", "ab", "--inspectors", _write(tmp_path / "i.csv", ["id", "x"])], "缺少列 inspector_id"),
        (["--seed", "ab", "--inspectors", _write(tmp_path / "j.csv", ["inspector_id", "a", "a"])], "第 3 行"),
        (
            [
                "--seed",
                "ab",
                "--inspectors",
                _write(tmp_path / "k.csv", ["inspector_id", "a"]),
                "--conflicts",
                _write(tmp_path / "c.csv", ["inspector_id,uscc", "a,123"]),
            ],
            "第 2 行 [uscc]",
        ),
        (["--seed", "ab", "--exclude", str(tmp_path / "missing.csv")], "无法读取"),
    ]
    for extra, message in cases:
        r = _parkos(env, "credit", "draw", "--pool", pool, *extra, "--json")
        assert r.returncode == 2, extra
        assert message in r.stderr, (extra, r.stderr)


def test_without_a_seed_the_spec_seed_comes_from_task_and_entropy(env, tmp_path):
    pool_rows = [(make_uscc("430121", 10 + k), "B") for k in range(30)]
    pool = _write(tmp_path / "p.csv", ["uscc,class", *[f"{u},{c}" for u, c in pool_rows]])
    r = _parkos(env, "credit", "draw", "--pool", pool, "--task-id", "T-7", "--entropy", "4711", "--json")
    cfg = DrawConfig()
    seed = engine.seed_of(
        "T-7",
        engine.sha256_hex(engine.pool_bytes(pool_rows)),
        engine.sha256_hex(b""),
        engine.sha256_hex(cfg.canonical().encode()),
        "4711",
    )
    assert json.loads(r.stdout) == engine.draw(pool_rows, seed, cfg).as_json()
    assert Fraction(cfg.ratios["B"]) == Fraction(1, 10)
