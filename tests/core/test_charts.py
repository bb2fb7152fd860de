"""Charts that do not mislead (issue 13 §3): 暂无数据 instead of a bare frame, units on the axes, a second axis for
a series of another scale, a time axis by day."""

import json

from django.utils import translation

from parkos.core import charts


def test_a_chart_with_nothing_to_draw_says_no_data():
    with translation.override("zh-hans"):
        for option in (
            charts.bar([], {}),
            charts.bar(["甲", "乙"], {"企业数": [None, None]}),
            charts.line(["2024", "2025"], {"营业收入": [None, None]}),
            charts.timeline(["开工"], {"计划": []}),
            charts.funnel([("线索", 0), ("签约", 0)]),
        ):
            assert option["title"]["text"] == "暂无数据"
            assert option["empty"] is True


def test_a_chart_with_data_has_no_placeholder_and_zero_is_data():
    assert "title" not in charts.bar(["甲"], {"企业数": [0]})
    assert "title" not in charts.funnel([("线索", 3), ("签约", 0)])


def test_units_and_a_right_hand_axis_for_tax_beside_revenue():
    option = charts.line(
        ["2024", "2025"], {"营业收入": [900, 1000], "税收": [30, 40]}, unit="万元", right=("税收",)
    )
    assert option["yAxis"][0]["name"] == "万元"
    assert option["yAxis"][1]["name"] == "万元"
    revenue, tax = option["series"]
    assert "yAxisIndex" not in revenue
    assert tax["yAxisIndex"] == 1
    assert charts.bar(["甲"], {"按期率": [95.5]}, unit="%")["yAxis"]["name"] == "%"


def test_milestones_are_placed_by_day():
    option = charts.timeline(["开工"], {"计划": [("2026-03-01", "开工")]})
    assert option["xAxis"]["minInterval"] == 24 * 3600 * 1000
    assert option["xAxis"]["axisLabel"]["formatter"] == "{yyyy}-{MM}-{dd}"


def test_an_enterprise_without_figures_shows_no_data_on_its_charts(client_staff_a, ent_a):
    r = client_staff_a.get(f"/enterprises/{ent_a.pk}/")
    annual = json.loads(
        r.content.decode().split('id="chart-annual" type="application/json">')[1].split("</script>")[0]
    )
    assert annual["title"]["text"] == "暂无数据"


def test_one_number_format_money_with_two_decimals_and_separators_half_up():
    from decimal import Decimal

    from parkos.core.templatetags.kernel import count, money

    assert money(Decimal("1234567.005")) == "1,234,567.01"  # half-up, not banker's
    assert money(0) == "0.00"
    assert money(None) == ""
    assert money("n/a") == "n/a"
    assert count(12345.5) == "12,346"
    assert count(None) == ""
