"""Import the bureaus' feed, run the evaluation, export the results: through the CLI contracts."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from parkos.demo import make_uscc
from parkos.efficiency.engine import Scheme, evaluate
from parkos.efficiency.exports import indicator_codes
from parkos.efficiency.models import EvaluationInput, EvaluationResult, EvaluationRun
from parkos.efficiency.selectors import inputs_from_raw
from parkos.enterprises.models import AnnualIndicator, Enterprise
from tests.xlsx import read_xlsx, write_xlsx

HEAD = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "是否规上",
    "行业代码",
    "成立日期",
    "用地面积(亩)",
    "实缴税金(万元)",
    "工业增加值(万元)",
    "营业收入(万元)",
    "年平均职工人数",
    "综合能耗(吨标准煤)",
    "用电量(万千瓦时)",
    "研发经费支出(万元)",
    "化学需氧量(吨)",
    "氨氮(吨)",
    "二氧化硫(吨)",
    "氮氧化物(吨)",
    "否决事项",
    "降档事项",
]


def U(i):
    return make_uscc("430121", 30_000_000 + i)


def feed_rows():
    # Example 1 of the spec as a feed (emissions in COD), plus statuses and a below-scale cohort
    ex1 = [
        (50, 1500, 6000, 250, 2000, 0.8, 600, 20000),
        (100, 800, 5000, 400, 4000, 2.0, 300, 25000),
        (20, 1400, 4000, 100, 500, 0.2, 900, 15000),
        (40, 600, 3200, 160, 1600, 0.64, 270, 12000),
        (80, 240, 2400, 200, 2400, 1.2, 0, 8000),
        (30, 750, 3600, 150, 1200, 0.6, 540, 18000),
    ]
    rows = []
    for i, (land, tax, va, emp, energy, em, rd, rev) in enumerate(ex1):
        rows.append(
            [
                U(i),
                f"长沙规上{i}有限公司",
                2025,
                "是",
                "C3514",
                "2010-05-01",
                land,
                tax,
                va,
                rev,
                emp,
                energy,
                None,
                rd,
                em,
                None,
                None,
                None,
                "",
                "",
            ]
        )
    rows[4][19] = "一般安全事故；超能耗限额"
    rows.append(
        [
            U(10),
            "长沙规下甲有限公司",
            2025,
            "否",
            "3311",
            dt.date(2015, 1, 1),
            8,
            120,
            None,
            900,
            20,
            None,
            400,
            None,
            None,
            None,
            None,
            None,
            "",
            "",
        ]
    )
    rows.append(
        [
            U(11),
            "长沙规下乙有限公司",
            2025,
            "否",
            "33",
            "2015-01-01",
            20,
            100,
            None,
            800,
            20,
            None,
            250,
            None,
            None,
            None,
            None,
            None,
            "",
            "",
        ]
    )
    rows.append(
        [
            U(12),
            "长沙小微有限公司",
            2025,
            "否",
            "3311",
            "2015-01-01",
            2,
            5,
            None,
            50,
            3,
            None,
            10,
            None,
            None,
            None,
            None,
            None,
            "",
            "",
        ]
    )
    rows.append(
        [
            U(13),
            "长沙热电有限公司",
            2025,
            "是",
            "D4411",
            "2001-01-01",
            100,
            900,
            3000,
            9000,
            90,
            50000,
            900,
            0,
            10,
            1,
            5,
            5,
            "",
            "",
        ]
    )
    rows.append(
        [
            U(14),
            "长沙新建有限公司",
            2025,
            "是",
            "3670",
            "2023-03-01",
            60,
            10,
            50,
            900,
            20,
            100,
            50,
            0,
            0,
            0,
            0,
            0,
            "",
            "",
        ]
    )
    rows.append(
        [
            U(15),
            "长沙违法有限公司",
            2025,
            "是",
            "3514",
            "2012-01-01",
            10,
            2000,
            9000,
            30000,
            100,
            300,
            100,
            900,
            0.1,
            None,
            None,
            None,
            "违法用地",
            "",
        ]
    )
    return rows


def cli(capsys, *args):
    try:
        call_command(*args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_import_run_export(tmp_path, admin, capsys):
    code, out = cli(
        capsys,
        "import",
        "evaluation-data",
        str(write_xlsx(tmp_path / "f.xlsx", HEAD, feed_rows())),
        "--report",
        "json",
    )
    assert (code, json.loads(out)) == (0, {"ok": True, "rows": 12, "created": 12, "updated": 0, "errors": []})
    assert Enterprise.objects.count() == 12
    e = Enterprise.objects.get(uscc=U(13))
    assert (e.industry_code, e.industry_division, e.established_on) == ("4411", "44", dt.date(2001, 1, 1))
    assert EvaluationInput.objects.get(enterprise__uscc=U(4)).downgrades == ["一般安全事故", "超能耗限额"]

    code, out = cli(capsys, "efficiency", "run", "--year", "2025")
    assert code == 0
    assert "12 enterprises" in out
    run = EvaluationRun.objects.get()
    res = {r.enterprise.uscc: r for r in EvaluationResult.objects.select_related("enterprise")}
    assert {u: res[U(u)].status for u in (10, 12, 13, 14, 15)} == {
        10: "rated",
        12: "not_evaluated",
        13: "exempt",
        14: "protected",
        15: "rated",
    }
    assert res[U(15)].final_class == "D"
    assert res[U(15)].rank is None
    assert (run.summary["pool_above"], run.summary["pool_below"]) == (6, 2)  # the vetoed firm is not ranked

    out_file = tmp_path / "results.xlsx"
    cli(capsys, "efficiency", "export", "--year", "2025", str(out_file))
    sheet = read_xlsx(out_file)
    head = sheet[0]
    assert head[:4] == ["统一社会信用代码", "企业名称", "评价状态", "规模"]
    assert head[-4:] == ["总分", "排名", "等级", "说明"]
    assert "亩均税收" in head
    assert "亩均税收得分" in head
    assert "单位电耗税收得分" in head
    by = {r[0]: dict(zip(head, r, strict=True)) for r in sheet[1:]}
    assert by[U(15)]["说明"] == "一票否决：违法用地"
    assert by[U(4)]["说明"] == "降档：一般安全事故；超能耗限额"
    assert by[U(13)]["评价状态"] == "免评"
    assert (by[U(10)]["规模"], by[U(10)]["排名"]) == ("规下", 1.0)
    assert by[U(0)]["研发经费占营业收入比重(%)"] == 3.0
    # reproducible from the snapshot and the stored inputs
    stored = list(EvaluationResult.objects.filter(run=run).order_by("pk").select_related("enterprise"))
    codes = indicator_codes(Scheme.from_dict(run.scheme))
    again = evaluate(
        inputs_from_raw([r.enterprise.uscc for r in stored], [r.detail(codes)["inputs"] for r in stored]),
        Scheme.from_dict(run.scheme),
        2025,
    )
    assert list(again.final_class) == [r.final_class for r in stored]
    assert list(again.rank) == [r.rank or 0 for r in stored]


def test_feed_errors_name_row_and_column(tmp_path, admin, capsys):
    rows = feed_rows()
    rows[2][18] = "酒驾"
    rows[5][4] = "98"
    rows[7][3] = "大概"
    code, out = cli(
        capsys,
        "import",
        "evaluation-data",
        str(write_xlsx(tmp_path / "f.xlsx", HEAD, rows)),
        "--report",
        "json",
    )
    report = json.loads(out)
    assert code == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (4, "否决事项"),
        (7, "行业代码"),
        (9, "是否规上"),
    ]
    assert "未知事项“酒驾”" in report["errors"][0]["message"]
    assert Enterprise.objects.count() == 0
    assert AnnualIndicator.objects.count() == 0


def test_feed_updates_known_enterprise_and_keeps_its_old_name(tmp_path, admin, capsys):
    rows = feed_rows()[:1]
    cli(
        capsys,
        "import",
        "evaluation-data",
        str(write_xlsx(tmp_path / "a.xlsx", HEAD, rows)),
        "--report",
        "json",
    )
    rows[0][1] = "长沙规上零号股份有限公司"
    rows[0][7] = 1600
    code, out = cli(
        capsys,
        "import",
        "evaluation-data",
        str(write_xlsx(tmp_path / "b.xlsx", HEAD, rows)),
        "--report",
        "json",
    )
    assert json.loads(out)["updated"] == 1
    e = Enterprise.objects.get()
    assert (e.name, e.former_names) == ("长沙规上零号股份有限公司", "长沙规上0有限公司")
    assert AnnualIndicator.objects.get().tax_paid == 1600


def test_run_needs_permission(staff_a):
    from parkos.core.exceptions import Forbidden
    from parkos.efficiency.services import evaluation_run

    with pytest.raises(Forbidden):
        evaluation_run(user=staff_a, year=2025)
    assert not EvaluationRun.objects.exists()
