"""The zone's entered values (the office only, concurrent edits refused) and the peers' values in from .xlsx (the
whole file checked before anything is written; row, column and reason named)."""

import io
from decimal import Decimal

import pytest

from parkos.cockpit import services
from parkos.cockpit.models import PeerValue, PeerZone, ZoneValue
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.imports import import_file
from tests.cockpit.conftest import YEAR
from tests.xlsx import read_xlsx, write_xlsx

pytestmark = pytest.mark.django_db
HEAD = ["园区名称", "所在省份", "区域", "数据年度", "指标", "数值"]


def test_the_office_enters_changes_and_removes_values(zone_data, officer):
    c = zone_data
    stamp = services.values_stamp(YEAR)
    created, changed, removed = services.save_zone_values(
        user=officer,
        year=YEAR,
        values={
            c["a1"].pk: Decimal("12.5"),
            c["a2"].pk: Decimal("4"),
            c["b1"].pk: Decimal(55),
            c["b2"].pk: None,
        },
        notes={c["a1"].pk: "统计局年报"},
        stamp=stamp,
    )
    assert (created, changed, removed) == (1, 1, 1)  # a1 new, b1 changed, b2 removed, a2 unchanged
    got = dict(ZoneValue.objects.filter(year=YEAR).values_list("indicator__code", "value"))
    assert got == {"a1": Decimal("12.5"), "a2": Decimal(4), "b1": Decimal(55)}
    assert ZoneValue.objects.get(indicator=c["a1"]).note == "统计局年报"
    assert ZoneValue.history.filter(indicator_id=c["b2"].pk, history_type="-").exists()


def test_a_stale_form_is_a_conflict_and_writes_nothing(zone_data, officer):
    c = zone_data
    stamp = services.values_stamp(YEAR)
    services.save_zone_values(user=officer, year=YEAR, values={c["b1"].pk: Decimal(60)}, stamp=stamp)
    with pytest.raises(Conflict):
        services.save_zone_values(user=officer, year=YEAR, values={c["b1"].pk: Decimal(70)}, stamp=stamp)
    assert ZoneValue.objects.get(indicator=c["b1"], year=YEAR).value == 60


def test_nobody_else_enters_values(zone_data, leader, staff_b):
    c = zone_data
    for user in (leader, staff_b):  # a leader reads; a department without the office's power neither
        with pytest.raises(Forbidden):
            services.save_zone_values(user=user, year=YEAR, values={c["b1"].pk: Decimal(1)})
    assert ZoneValue.objects.get(indicator=c["b1"], year=YEAR).value == 50


def test_a_value_too_large_is_refused_by_name(zone_data, officer):
    c = zone_data
    with pytest.raises(Invalid) as e:
        services.save_zone_values(user=officer, year=YEAR, values={c["b1"].pk: Decimal("1e16")})
    assert "乙一" in str(e.value.fields)


def test_peer_values_import_and_update(zone_data, officer, tmp_path):
    path = write_xlsx(
        tmp_path / "peers.xlsx",
        HEAD,
        [
            ["湖南甲经开区", "湖南", "中部", 2025, "甲一", 30],
            ["湖南甲经开区", "湖南", "中部", 2025, "a2", 2],  # by code
            ["江苏乙经开区", "江苏", "东部", 2025, "乙一", 80.5],
        ],
    )
    report = import_file(kind="evaluation-peers", source=path, user=officer)
    assert report.ok
    assert (report.created, report.updated) == (3, 0)
    assert PeerZone.objects.get(name="江苏乙经开区").region == "east"
    assert PeerValue.objects.get(zone__name="江苏乙经开区").value == Decimal("80.5")
    path = write_xlsx(tmp_path / "again.xlsx", HEAD, [["湖南甲经开区", "", "", 2025, "甲一", 31]])
    report = import_file(kind="evaluation-peers", source=path, user=officer)
    assert (report.created, report.updated) == (0, 1)
    assert PeerValue.objects.get(zone__name="湖南甲经开区", indicator__code="a1").value == 31
    assert PeerZone.objects.get(name="湖南甲经开区").province == "湖南"  # an empty cell changes nothing


def test_a_bad_file_names_each_row_and_writes_nothing(zone_data, officer, tmp_path):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        HEAD,
        [
            ["湖南甲经开区", "湖南", "中部", 2025, "甲一", 30],
            ["湖南甲经开区", "湖南", "东部", 2025, "不存在的指标", 1],
            ["长沙经开区", "湖南", "中部", 2025, "甲一", 10],
            ["湖南甲经开区", "湖南", "中部", 2025, "甲一", 31],
            ["丙经开区", "湖南", "南部", 2025, "甲一", "很多"],
        ],
    )
    report = import_file(kind="evaluation-peers", source=path, user=officer)
    assert not report.ok
    got = {(e["row"], e["column"]) for e in report.errors}
    assert {(3, "指标"), (3, "区域"), (4, "园区名称"), (5, "指标"), (6, "区域"), (6, "数值")} <= got
    messages = " ".join(e["message"] for e in report.errors)
    assert "不存在的指标" in messages
    assert "本区" in messages
    assert "第2行" in messages
    assert not PeerZone.objects.exists()
    assert not PeerValue.objects.exists()


def test_only_the_office_imports_peer_values(zone_data, staff_b, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", HEAD, [["湖南甲经开区", "湖南", "中部", 2025, "甲一", 30]])
    report = import_file(kind="evaluation-peers", source=path, user=staff_b)
    assert not report.ok
    assert "考核评价" in report.errors[0]["message"]
    assert not PeerValue.objects.exists()


def test_the_peers_export_reads_back_into_the_import(peers, officer, client):
    client.force_login(officer)
    r = client.get("/cockpit/evaluation/peers/?export=xlsx")
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][:6] == HEAD
    assert ["湖南甲经开区", "湖南", "中部", 2025.0, "甲一", 30.0] in [x[:6] for x in rows[1:]]
    PeerValue.objects.all().delete()
    report = import_file(kind="evaluation-peers", source=io.BytesIO(r.content), user=officer)
    assert report.ok
    assert report.created == 6
