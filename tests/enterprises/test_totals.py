"""经济运行: the registry's monthly figures summed per month (the cockpit's economy tiles and the economy page read
these totals), counted over the reported months of the period (1–N月) beside the same months a year earlier,
for what the user may see — and always equal to the sum of the enterprise rows, whatever wrote them.

Hand-built: 甲 (经济发展局, park 星沙, 规上) output 100 in 2026-01 and 150 in 2026-02, 80 and 120 a year earlier,
and 999 in 2025-03 (not counted: 2026-03 is not reported yet); 乙 (投资促进局, park 榔梨) 50 in 2026-01, 25 a
year earlier. On 1 December 2026, year 2026 counts Jan–Feb: the zone 300 against 225, +33.3 %; 经济发展局 250
against 200, +25.0 %; 投资促进局 50 against 25, +100.0 %.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkos.cockpit import selectors as cockpit
from parkos.core.imports import import_file
from parkos.core.periods import Period
from parkos.enterprises import services, totals
from parkos.enterprises.models import MonthlyIndicator, MonthlyTotal, MonthlyTotalStale
from tests.factories import EnterpriseFactory, MonthlyIndicatorFactory, ParkFactory, enterprise_user
from tests.xlsx import read_xlsx, write_xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)
D = dt.date.fromisoformat
Y2026 = Period(2026)


@pytest.fixture
def zone(dept_a, dept_b):
    xs, ll = ParkFactory(name="星沙", code="XS"), ParkFactory(name="榔梨", code="LL")
    a = EnterpriseFactory(owner=dept_a, park=xs, name="甲", is_above_scale=True, industry_code="3514")
    b = EnterpriseFactory(owner=dept_b, park=ll, name="乙", industry_code="3921", industry_division="39")
    rows = [(a, "2026-01-01", 100), (a, "2026-02-01", 150), (a, "2025-01-01", 80), (a, "2025-02-01", 120)]
    rows += [(a, "2025-03-01", 999), (b, "2026-01-01", 50), (b, "2025-01-01", 25)]
    for ent, month, out in rows:
        MonthlyIndicatorFactory(
            enterprise=ent,
            month=D(month),
            output_value=Decimal(out),
            tax=Decimal(out) / 10,
            electricity_kwh=out * 100,
        )
    return {"a": a, "b": b, "xs": xs, "ll": ll}


def _eco(user, period=Y2026):
    return totals.economy(user=user, period=period, today=TODAY)


def test_the_zone_sums_the_reported_months_against_the_same_months_last_year(zone, leader):
    e = _eco(leader)
    assert e["span"] == (D("2026-01-01"), D("2026-02-01"))
    assert e["total"]["output_value"] == Decimal(300)
    assert e["previous"]["output_value"] == Decimal(225)
    assert totals.total_row(e)["output_value_growth"] == Decimal("33.3")
    assert e["total"]["tax"] == Decimal(30)
    assert e["total"]["electricity_kwh"] == Decimal(30000)
    assert e["above"]["output_value"] == Decimal(250)  # 规上: 甲 only


def test_each_department_sees_its_own_and_an_enterprise_its_own(zone, staff_a, staff_b):
    assert (_eco(staff_a)["total"]["output_value"], _eco(staff_a)["previous"]["output_value"]) == (250, 200)
    b = _eco(staff_b)
    assert (b["total"]["output_value"], b["previous"]["output_value"]) == (50, 25)
    assert totals.total_row(b)["output_value_growth"] == Decimal("100.0")
    me = enterprise_user(zone["a"], "qiye_jia")
    mine = _eco(me)
    assert (mine["total"]["output_value"], mine["previous"]["output_value"]) == (250, 200)


def test_by_park_and_by_industry(zone, leader):
    e = _eco(leader)
    parks = totals.table(e, "park", {zone["xs"].pk: "星沙", zone["ll"].pk: "榔梨"})
    assert [
        (r["label"], r["output_value"], r["output_value_previous"], r["output_value_growth"]) for r in parks
    ] == [
        ("星沙", 250, 200, Decimal("25.0")),
        ("榔梨", 50, 25, Decimal("100.0")),
    ]
    assert {k: v["output_value"] for k, v in e["by_division"].items()} == {"35": 250, "39": 50}


def test_a_month_is_counted_once_reported_and_a_quarter_or_month_alone(zone, leader):
    assert _eco(leader, Period(2026, month=2))["total"]["output_value"] == Decimal(150)
    assert _eco(leader, Period(2026, month=2))["previous"]["output_value"] == Decimal(120)
    assert _eco(leader, Period(2026, quarter=2))["span"] is None  # nothing reported in Q2 yet
    MonthlyIndicatorFactory(enterprise=zone["b"], month=D("2026-03-01"), output_value=Decimal(10))
    e = _eco(leader)
    assert e["span"] == (D("2026-01-01"), D("2026-03-01"))
    assert e["previous"]["output_value"] == Decimal(225 + 999)  # 2025-03 now counts


def test_an_edit_through_the_service_is_in_the_next_read(zone, leader, admin):
    assert _eco(leader)["total"]["output_value"] == Decimal(300)
    row = MonthlyIndicator.objects.get(enterprise=zone["b"], month=D("2026-01-01"))
    services.monthly_indicator_set(
        user=admin,
        enterprise_id=zone["b"].pk,
        month=D("2026-01-01"),
        version=row.version,
        data={"output_value": Decimal(70)},
    )
    assert _eco(leader)["total"]["output_value"] == Decimal(320)
    assert not MonthlyTotalStale.objects.exists()


def test_an_enterprise_moving_department_moves_its_figures(zone, staff_a, staff_b, admin, dept_b):
    assert _eco(staff_b)["total"]["output_value"] == Decimal(50)
    services.enterprise_update(user=admin, pk=zone["a"].pk, version=zone["a"].version, data={"owner": dept_b})
    assert _eco(staff_b)["total"]["output_value"] == Decimal(300)
    assert _eco(staff_a)["total"]["output_value"] == 0


def test_a_renamed_enterprise_leaves_the_totals_alone(zone, admin, leader):
    _eco(leader)
    services.enterprise_update(
        user=admin, pk=zone["a"].pk, version=zone["a"].version, data={"name": "甲（更名）"}
    )
    assert not MonthlyTotalStale.objects.exists()


def test_an_import_marks_its_months_and_the_totals_follow(zone, leader, admin, tmp_path):
    _eco(leader)
    head = ["统一社会信用代码", "月份", "产值(万元)"]
    report = import_file(
        kind="monthly",
        source=write_xlsx(tmp_path / "m.xlsx", head, [[zone["a"].uscc, "2026-02", 400]]),
        user=admin,
    )
    assert report.ok
    assert _eco(leader)["total"]["output_value"] == Decimal(100 + 400 + 50)


def test_the_economy_page_and_its_export_show_the_same_total(zone, leader, client):
    client.force_login(leader)
    html = client.get("/enterprises/economy/", {"year": 2026}).content.decode()
    assert "300.00" in html
    assert "33.3" in html
    r = client.get("/enterprises/economy/", {"year": 2026, "export": "xlsx"})
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[1][0] == "合计：全部"
    assert rows[1][1] == "300.00"
    assert rows[1][3] == "33.3"


def test_the_cockpit_tile_is_the_pages_total(zone, leader, staff_b):
    t = next(
        x
        for x in cockpit.tiles(user=leader, period=Y2026, today=TODAY)
        if x["key"] == "enterprises.output_value"
    )
    assert t["value"] == Decimal(300)
    assert t["previous"] == Decimal(225)
    assert t["growth"] == Decimal("33.3")
    assert t["url"] == "/enterprises/economy/?year=2026"
    assert t["detail"] == "2026-01 – 2026-02"
    tb = next(
        x
        for x in cockpit.tiles(user=staff_b, period=Y2026, today=TODAY)
        if x["key"] == "enterprises.output_value"
    )
    assert tb["value"] == Decimal(50)
    above = next(
        x
        for x in cockpit.tiles(user=leader, period=Y2026, today=TODAY)
        if x["key"] == "enterprises.above_scale"
    )
    assert above["value"] == 1
    assert "83.3" in str(above["detail"])  # 250 of 300


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(1, 12), st.integers(0, 10_000)), min_size=1, max_size=20
    )
)
def test_the_totals_always_equal_the_rows(dept_a, rows):
    MonthlyIndicator.objects.all().delete()
    ents = [EnterpriseFactory(owner=dept_a, is_above_scale=bool(i % 2)) for i in range(3)]
    written: dict[tuple[int, int], int] = {}
    for i, m, out in rows:
        if (i, m) not in written:
            written[(i, m)] = out
            MonthlyIndicatorFactory(enterprise=ents[i], month=dt.date(2026, m, 1), output_value=Decimal(out))
    totals.refresh()
    for m in range(1, 13):
        month = MonthlyTotal.objects.filter(month=dt.date(2026, m, 1))
        assert sum((t.output_value for t in month), Decimal(0)) == sum(
            (Decimal(o) for (i, mm), o in written.items() if mm == m), Decimal(0)
        )
        above = sum((t.output_value for t in month if t.above_scale), Decimal(0))
        assert above == sum((Decimal(o) for (i, mm), o in written.items() if mm == m and i % 2), Decimal(0))
