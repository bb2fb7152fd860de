import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkos.core.imports import import_file
from parkos.demo import make_uscc
from parkos.enterprises.models import AnnualIndicator, Enterprise, LandParcel, MonthlyIndicator
from tests.factories import EnterpriseFactory, ParkFactory
from tests.xlsx import read_xlsx, write_xlsx

HEAD = ["统一社会信用代码", "企业名称", "成立日期", "注册资本(万元)", "行业代码", "所属片区", "是否规上"]


def good_rows(n, park="星沙产业基地"):
    return [
        [
            make_uscc("430121", 20_000_000 + i),
            f"长沙测试{i}机械有限公司",
            dt.date(2018, 1, 1 + i % 28),
            1000 + i,
            "C3514",
            park,
            "是" if i % 2 else "否",
        ]
        for i in range(n)
    ]


@pytest.fixture
def park(db):
    return ParkFactory(code="XS", name="星沙产业基地")


def run_cli(capsys, *args):
    """Run `parkos import ...`; return its exit code and the JSON report it printed."""
    try:
        call_command("import", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_clean_file_creates_then_reimport_changes_nothing(tmp_path, admin, park, capsys):
    path = write_xlsx(tmp_path / "e.xlsx", HEAD, good_rows(5))
    code, report = run_cli(capsys, "enterprises", str(path), "--report", "json")
    assert code == 0
    assert report == {"ok": True, "rows": 5, "created": 5, "updated": 0, "errors": []}
    e = Enterprise.objects.get(uscc=make_uscc("430121", 20_000_001))
    assert (e.name, e.registered_capital, e.established_on, e.industry_code, e.park, e.is_above_scale) == (
        "长沙测试1机械有限公司",
        Decimal("1001.00"),
        dt.date(2018, 1, 2),
        "3514",
        park,
        True,
    )
    code, report = run_cli(capsys, "enterprises", str(path), "--report", "json")
    assert (code, report["created"], report["updated"]) == (0, 0, 0)


def test_changed_row_is_updated_and_versioned(tmp_path, admin, park, capsys):
    rows = good_rows(3)
    run_cli(capsys, "enterprises", str(write_xlsx(tmp_path / "a.xlsx", HEAD, rows)), "--report", "json")
    rows[1][3] = 5555
    code, report = run_cli(
        capsys, "enterprises", str(write_xlsx(tmp_path / "b.xlsx", HEAD, rows)), "--report", "json"
    )
    assert (code, report["created"], report["updated"]) == (0, 0, 1)
    e = Enterprise.objects.get(uscc=rows[1][0])
    assert (e.registered_capital, e.version) == (Decimal("5555.00"), 2)
    assert e.history.count() == 2
    assert e.history.first().history_user.username == "admin"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (0, "91430121MA4L12345X", "校验位错误"),
        (0, "9143012100000", "统一社会信用代码应为18位，此处为13位"),
        (2, "2019-13-45", "不是日期"),
        (2, "2099-01-01", "不能晚于今天"),
        (3, -5, "不能为负数"),
        (3, "一千", "不是数字"),
        (4, "C9999", "不存在"),
        (5, "不存在的片区", "没有名为"),
        (6, "也许", "必须是“是”或“否”"),
        (1, None, "必填"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_row_and_column(
    tmp_path, admin, park, capsys, column, value, message
):
    rows = good_rows(6)
    rows[3][column] = value
    code, report = run_cli(
        capsys, "enterprises", str(write_xlsx(tmp_path / "e.xlsx", HEAD, rows)), "--report", "json"
    )
    assert code == 1
    assert report["ok"] is False
    assert report["created"] == 0
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(5, HEAD[column])]
    assert message in report["errors"][0]["message"]
    assert Enterprise.objects.count() == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.integers(0, 39))
def test_bad_row_anywhere_rejects_whole_file(tmp_path_factory, admin, park, bad):
    rows = good_rows(40)
    rows[bad][3] = -1
    path = write_xlsx(tmp_path_factory.mktemp("x") / "e.xlsx", HEAD, rows)
    report = import_file(kind="enterprises", source=path, user=admin)
    assert not report.ok
    assert [e["row"] for e in report.errors] == [bad + 2]
    assert Enterprise.objects.count() == 0


def test_duplicate_uscc_in_file_names_both_rows(tmp_path, admin, park):
    rows = good_rows(4)
    rows[3][0] = rows[1][0]
    report = import_file(kind="enterprises", source=write_xlsx(tmp_path / "e.xlsx", HEAD, rows), user=admin)
    assert report.errors == [{"row": 5, "column": "统一社会信用代码", "message": "与本文件第 3 行重复"}]


def test_header_aliases_and_missing_required_column(tmp_path, admin, park):
    rows = good_rows(2)
    alias_head = ["信用代码", "单位名称", "成立时间", "注册资本", "国民经济行业代码", "园区", "规上企业"]
    report = import_file(
        kind="enterprises", source=write_xlsx(tmp_path / "a.xlsx", alias_head, rows), user=admin
    )
    assert report.ok
    assert report.created == 2
    report = import_file(
        kind="enterprises", source=write_xlsx(tmp_path / "b.xlsx", ["企业名称"], [["x"]]), user=admin
    )
    assert report.errors == [{"row": 1, "column": "统一社会信用代码", "message": "缺少必填列"}]


def test_not_an_excel_file(tmp_path, admin):
    path = tmp_path / "e.xlsx"
    path.write_text("not a workbook")
    report = import_file(kind="enterprises", source=path, user=admin)
    assert not report.ok
    assert "Excel" in report.errors[0]["message"]


def test_dry_run_writes_nothing_and_says_what_it_would_create_and_update(tmp_path, admin, park, capsys):
    path = write_xlsx(tmp_path / "e.xlsx", HEAD, good_rows(3))
    code, report = run_cli(capsys, "enterprises", str(path), "--dry-run", "--report", "json")
    assert (code, report["ok"], report["rows"], report["created"], report["updated"]) == (0, True, 3, 3, 0)
    assert Enterprise.objects.count() == 0
    import_file(kind="enterprises", source=write_xlsx(tmp_path / "one.xlsx", HEAD, good_rows(1)), user=admin)
    rows = good_rows(3)
    rows[0][1] = rows[0][1] + "（更名）"
    code, report = run_cli(
        capsys,
        "enterprises",
        str(write_xlsx(tmp_path / "f.xlsx", HEAD, rows)),
        "--dry-run",
        "--report",
        "json",
    )
    assert (report["created"], report["updated"]) == (2, 1)
    assert Enterprise.objects.count() == 1


ANNUAL_HEAD = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "营业收入(万元)",
    "实缴税金(万元)",
    "年平均职工人数",
    "综合能耗(吨标准煤)",
]


def test_annual_upsert_by_uscc_and_year(tmp_path, admin):
    e = EnterpriseFactory()
    rows = [[e.uscc, e.name, 2024, 1000, 50.5, 120, 33.125], [e.uscc, e.name, 2025, 1200, 61, 130, 30]]
    report = import_file(kind="annual", source=write_xlsx(tmp_path / "a.xlsx", ANNUAL_HEAD, rows), user=admin)
    assert (report.ok, report.created, report.updated) == (True, 2, 0)
    rows[1][3] = 1300
    report = import_file(kind="annual", source=write_xlsx(tmp_path / "b.xlsx", ANNUAL_HEAD, rows), user=admin)
    assert (report.created, report.updated) == (0, 1)
    got = {a.year: (a.revenue, a.tax_paid, a.employees, a.energy_tce) for a in AnnualIndicator.objects.all()}
    assert got == {
        2024: (Decimal("1000.00"), Decimal("50.50"), 120, Decimal("33.125")),
        2025: (Decimal("1300.00"), Decimal("61.00"), 130, Decimal("30.000")),
    }


def test_annual_unknown_enterprise_and_bad_year(tmp_path, admin):
    e = EnterpriseFactory()
    rows = [
        [e.uscc, e.name, 2024, 1000, 50, 10, 1],
        [make_uscc("430121", 77_777_777), "无名", 2024, 1, 1, 1, 1],
        [e.uscc, e.name, "去年", 1, 1, 1, 1],
        [e.uscc, e.name, 2023, 1, 1, 2.5, 1],
    ]
    report = import_file(kind="annual", source=write_xlsx(tmp_path / "a.xlsx", ANNUAL_HEAD, rows), user=admin)
    assert [(x["row"], x["column"]) for x in report.errors] == [
        (3, "统一社会信用代码"),
        (4, "年度"),
        (5, "年平均职工人数"),
    ]
    assert "企业库中没有" in report.errors[0]["message"]
    assert AnnualIndicator.objects.count() == 0


def test_monthly_and_land_imports(tmp_path, admin):
    e = EnterpriseFactory()
    head = ["统一社会信用代码", "月份", "产值(万元)", "用电量(千瓦时)"]
    rows = [[e.uscc, "2025-01", 100, 50000], [e.uscc, dt.date(2025, 2, 17), 90, 45000]]
    report = import_file(kind="monthly", source=write_xlsx(tmp_path / "m.xlsx", head, rows), user=admin)
    assert report.ok
    assert report.created == 2
    assert sorted(MonthlyIndicator.objects.values_list("month", flat=True)) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]
    head = ["统一社会信用代码", "宗地证号", "面积(亩)", "使用方式"]
    rows = [[e.uscc, "湘(2020)第1号", 12.345, "自有"], [e.uscc, "湘(2021)第2号", 3, "租入"]]
    report = import_file(kind="land", source=write_xlsx(tmp_path / "l.xlsx", head, rows), user=admin)
    assert report.ok
    assert report.created == 2
    assert sorted(LandParcel.objects.values_list("area_mu", "tenure")) == [
        (Decimal("3.00"), "rented_in"),
        (Decimal("12.35"), "owned"),
    ]


def test_department_staff_cannot_import_over_another_departments_enterprise(tmp_path, staff_a, ent_b):
    rows = [[ent_b.uscc, ent_b.name, 2024, 1, 1, 1, 1]]
    report = import_file(
        kind="annual", source=write_xlsx(tmp_path / "a.xlsx", ANNUAL_HEAD, rows), user=staff_a
    )
    assert report.errors == [{"row": 2, "column": "统一社会信用代码", "message": "您无权修改该企业"}]


def test_new_enterprises_from_staff_belong_to_their_department(tmp_path, staff_a, park):
    report = import_file(
        kind="enterprises", source=write_xlsx(tmp_path / "e.xlsx", HEAD, good_rows(2)), user=staff_a
    )
    assert report.ok
    assert set(Enterprise.objects.values_list("owner_id", flat=True)) == {staff_a.department_id}


def test_export_then_import_round_trips_unchanged(tmp_path, admin, park, capsys):
    e1 = EnterpriseFactory(
        park=park,
        former_names="旧名甲；旧名乙",
        srdi_level="little_giant",
        top500_kind="china",
        is_high_tech=True,
        tags="工程机械，链主",
        status="suspended",
        registered_capital=Decimal("123456.78"),
    )
    EnterpriseFactory(park=None, owner=None, established_on=None, registered_capital=None, industry_code="")
    out = tmp_path / "out.xlsx"
    call_command("export", "enterprises", str(out))
    capsys.readouterr()
    sheet = read_xlsx(out)
    assert sheet[0][:3] == ["统一社会信用代码", "企业名称", "曾用名"]
    before = list(Enterprise.objects.order_by("pk").values())
    code, report = run_cli(capsys, "enterprises", str(out), "--report", "json")
    assert (code, report["rows"], report["created"], report["updated"]) == (0, 2, 0, 0)
    assert list(Enterprise.objects.order_by("pk").values()) == before
    assert e1.history.count() == 1
