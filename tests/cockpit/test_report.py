"""经济运行月报: the month's economy (1–N月 cumulative, the month alone, 规上), by park and industry, the largest
enterprises, the cockpit's project and investment figures and the targets, as a page and as a 公文 (.docx) with
its charts as images — scoped like everything else.

Hand-built (tests/enterprises/test_totals.py): 甲 (经济发展局, 星沙, 规上) output 100 in 2026-01 and 150 in 2026-02,
80 and 120 a year earlier; 乙 (投资促进局, 榔梨) 50 in 2026-01, 25 a year earlier; tax a tenth of output. The report
of February 2026: Jan–Feb 300 against 225, +33.3 %; 规上 250 against 200, +25.0 %; February alone 150 against 120,
+25.0 %; 星沙 250 (+25.0 %), 榔梨 50 (+100.0 %); 甲 first, 乙 second. A target of 1,000 for the year's output value
is 30.0 % done at 28 February, when 59 of 365 days (16.2 %) have passed.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from parkos.cockpit import report, services
from parkos.cockpit.exports import report_docx
from parkos.cockpit.models import ReportConfig
from tests.enterprises.test_totals import zone  # noqa: F401  (the hand-built zone)
from tests.factories import enterprise_user, grant

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)
D = dt.date.fromisoformat


def _report(user, month=2):
    return report.monthly_report(user=user, year=2026, month=month, today=TODAY)


def test_the_report_sums_the_months_to_date_and_the_month_alone(zone, leader):  # noqa: F811
    r = _report(leader)
    assert r["span"] == (D("2026-01-01"), D("2026-02-01"))
    assert r["cut"] == D("2026-02-28")
    assert (r["total"]["output_value"], r["total"]["output_value_previous"]) == (300, 225)
    assert r["total"]["output_value_growth"] == Decimal("33.3")
    assert (r["total"]["tax"], r["total"]["tax_growth"]) == (30, Decimal("33.3"))
    assert (r["above"]["output_value"], r["above"]["output_value_growth"]) == (250, Decimal("25.0"))
    assert (r["month_total"]["output_value"], r["month_total"]["output_value_previous"]) == (150, 120)
    assert r["month_total"]["output_value_growth"] == Decimal("25.0")
    assert r["reported"] is True


def test_by_park_the_largest_enterprises_and_the_trend(zone, leader):  # noqa: F811
    r = _report(leader)
    assert [(p["label"], p["output_value"], p["output_value_growth"]) for p in r["by_park"]] == [
        ("星沙", 250, Decimal("25.0")),
        ("榔梨", 50, Decimal("100.0")),
    ]
    assert [
        (t["rank"], t["name"], t["park"], t["output_value"], t["output_value_growth"]) for t in r["top"]
    ] == [
        (1, "甲", "星沙", 250, Decimal("25.0")),
        (2, "乙", "榔梨", 50, Decimal("100.0")),
    ]
    assert r["trend"][D("2026-01-01")]["output_value"] == 150
    assert r["trend"][D("2025-02-01")]["output_value"] == 120
    series = {s["name"]: s["data"] for s in r["charts"]["trend"]["series"]}
    assert series["产值（2026年）"] == [150.0, 150.0]
    assert series["产值（2025年）"] == [105.0, 120.0]


def test_a_month_not_yet_reported_counts_to_the_last_reported_one(zone, leader):  # noqa: F811
    r = _report(leader, month=3)
    assert r["span"] == (D("2026-01-01"), D("2026-02-01"))
    assert r["reported"] is False
    assert r["total"]["output_value"] == 300
    assert r["month_total"]["output_value"] == 0


def test_a_department_reads_its_own_enterprises_and_an_enterprise_user_none(zone, staff_b, client):  # noqa: F811
    r = _report(staff_b)
    assert r["total"]["output_value"] == 50
    assert [t["name"] for t in r["top"]] == ["乙"]
    assert r["scope"]
    me = enterprise_user(zone["a"], "qiye_jia")
    client.force_login(me)
    assert client.get("/cockpit/report/?year=2026&month=2").status_code == 404
    assert client.get("/cockpit/report/?year=2026&month=2&export=docx").status_code == 404


def test_the_targets_read_against_the_time_elapsed_at_the_months_end(zone, leader, staff_a, dept_a):  # noqa: F811
    grant("cockpit.targets", dept_a)
    services.save_targets(user=staff_a, year=2026, values={("enterprises.output_value", None): Decimal(1000)})
    goal = next(t for t in _report(leader)["goals"] if t["key"] == "enterprises.output_value")["goal"]
    assert (goal["completion"], goal["share"], goal["behind"]) == (Decimal("30.0"), Decimal("16.2"), False)


def test_the_docx_is_a_document_with_the_months_figures_tables_and_charts(zone, leader):  # noqa: F811
    data = _report(leader)
    doc = Document(io.BytesIO(report_docx(data, ReportConfig.get())))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "经开经发〔2026〕2号" in text
    assert "2026年2月经济运行情况" in text
    assert "产值300.00万元，同比增长33.3%" in text
    assert "规上企业实现产值250.00万元，同比增长25.0%" in text
    assert "2月当月实现产值150.00万元，同比增长25.0%" in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["星沙", "250.00", "25.0", "0.00", "—", "25.00", "25.0"] in cells
    assert ["1", "甲", "星沙", "250.00", "25.0", "25.00", "25.0"] in cells
    assert len(doc.inline_shapes) == 3  # the trend, the parks and the industries as images
    assert all(s.width > 0 for s in doc.inline_shapes)


def test_the_page_shows_the_figures_and_downloads_the_docx(
    zone,  # noqa: F811
    leader,
    client,
    django_assert_max_num_queries,
):
    client.force_login(leader)
    with django_assert_max_num_queries(80):
        page = client.get("/cockpit/report/?year=2026&month=2")
    assert page.status_code == 200
    html = page.content.decode()
    headline = html[
        html.index('id="report-headline"') : html.index("</table>", html.index('id="report-headline"'))
    ]
    assert "300.00" in headline
    assert "33.3" in headline
    assert "report-docx" in html
    got = client.get("/cockpit/report/?year=2026&month=2&export=docx")
    assert got.status_code == 200
    assert got["Content-Disposition"] == 'attachment; filename="report-2026-02.docx"'
    assert "产值300.00万元" in "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)


def test_a_bad_month_falls_back_to_the_latest_reported(zone, leader, client):  # noqa: F811
    client.force_login(leader)
    page = client.get("/cockpit/report/?year=garbage&month=13")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="2026" selected>' in html  # the latest month reported up to today
    assert '<option value="2" selected>' in html
