"""`parkos workplan parse FILE --json` through the console script: the contract on the seed, a .docx, an empty
file and unreadable input (exit 2 with a message); `parkos workplan import` stores the plan."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

SEED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "parkos"
    / "workplan"
    / "data"
    / "changsha-etdz-2020-work-points.txt"
)


def _parkos(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "parkos.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("wp")
    e = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
    e.update({"PARKOS_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'wp.sqlite3'}"})
    return e, data


def test_parse_contract_on_the_seed_without_a_database(env):
    e, _data = env
    r = _parkos(e, "workplan", "parse", str(SEED), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"title", "published", "preamble", "items", "warnings"}
    assert (doc["title"], doc["published"]) == ("长沙经济技术开发区党工委2020年工作要点", "2020-03-04")
    assert [n["level"] for n in doc["items"]] == [1] * 5
    points = [c for n in doc["items"] for c in n["children"]]
    assert len(points) == 24
    assert set(points[0]) == {"label", "level", "ordinal", "title", "text", "tasks", "children"}
    assert (points[0]["label"], points[0]["ordinal"], points[0]["title"]) == ("1.", 1, "创新招商引资方式")
    assert doc["warnings"] == []


def test_parse_a_docx(env, tmp_path):
    e, _data = env
    d = Document()
    for line in [
        "某区2022年工作要点",
        "一、抓产业",
        "（一）强链。补齐短板；引进龙头。",
        "二、优服务",
        "（一）提效。压缩时限。",
    ]:
        d.add_paragraph(line)
    path = tmp_path / "plan.docx"
    d.save(str(path))
    doc = json.loads(_parkos(e, "workplan", "parse", str(path), "--json").stdout)
    assert doc["title"] == "某区2022年工作要点"
    assert [c["tasks"] for n in doc["items"] for c in n["children"]] == [
        ["补齐短板", "引进龙头"],
        ["压缩时限"],
    ]


def test_empty_and_unreadable_input(env, tmp_path):
    e, _data = env
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = _parkos(e, "workplan", "parse", str(empty), "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["items"] == []
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    r = _parkos(e, "workplan", "parse", str(binary), "--json")
    assert r.returncode == 2
    assert r.stderr.startswith("error: ")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    r = _parkos(e, "workplan", "parse", str(broken), "--json")
    assert r.returncode == 2
    assert ".docx" in r.stderr
    r = _parkos(e, "workplan", "parse", str(tmp_path / "missing.txt"), "--json")
    assert r.returncode == 2


def test_gbk_text_is_read(env, tmp_path):
    e, _data = env
    path = tmp_path / "gbk.txt"
    path.write_bytes("计划\n一、甲。乙。\n".encode("gb18030"))
    assert json.loads(_parkos(e, "workplan", "parse", str(path), "--json").stdout)["items"][0]["tasks"] == [
        "乙"
    ]


@pytest.mark.slow
def test_import_stores_the_plan(env, migrated_sqlite):
    e, data = env
    shutil.copyfile(migrated_sqlite, data / "wp.sqlite3")  # `migrate` below then checks it is current
    assert _parkos(e, "migrate", "-v0").returncode == 0
    assert (
        _parkos(e, "createsuperuser", "--noinput", "--username", "root", "--email", "r@x.cn").returncode == 0
    )
    r = _parkos(e, "workplan", "import", str(SEED), "--year", "2020")
    assert r.returncode == 0, r.stderr
    assert "29 points, 98 tasks" in r.stdout
    again = _parkos(e, "workplan", "import", str(SEED), "--year", "2020")
    assert again.returncode != 0
