"""目标任务: the year's targets, set once by the targets office for the zone and each park, and every figure with a
target shown against the time elapsed (时序进度).

Hand-built (as in tests/enterprises/test_totals.py): on 1 December 2026 the zone's output value of 2026 (Jan–Feb
reported) is 300 (星沙 250, 榔梨 50). Target 600 → 50.0 % done; time elapsed 335 / 365 days = 91.8 %: 41.8 points
behind. 星沙's target 250 → 100.0 %, ahead.
"""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.cockpit import selectors, services
from parkos.cockpit.models import Target
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.periods import Period
from tests.enterprises.test_totals import zone  # noqa: F401  (the hand-built zone)
from tests.factories import grant

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def office(staff_a, dept_a):
    grant("cockpit.targets", dept_a)
    return staff_a


def test_the_targets_office_sets_the_years_targets_for_the_zone_and_a_park(zone, office):  # noqa: F811
    xs = zone["xs"].pk
    created = services.save_targets(
        user=office,
        year=2026,
        values={
            ("enterprises.output_value", None): Decimal(600),
            ("enterprises.output_value", xs): Decimal(250),
        },
    )
    assert created == (2, 0, 0)
    assert selectors.targets(year=2026) == {
        ("enterprises.output_value", None): Decimal(600),
        ("enterprises.output_value", xs): Decimal(250),
    }
    assert services.save_targets(
        user=office,
        year=2026,
        values={("enterprises.output_value", None): Decimal(650), ("enterprises.output_value", xs): None},
    ) == (0, 1, 1)
    assert Target.history.filter(year=2026).count() == 4  # two created, one changed, one removed


def test_a_tile_shows_its_completion_against_the_time_elapsed(zone, office, leader):  # noqa: F811
    services.save_targets(user=office, year=2026, values={("enterprises.output_value", None): Decimal(600)})
    t = next(
        x
        for x in selectors.tiles(user=leader, period=Period(2026), today=TODAY)
        if x["key"] == "enterprises.output_value"
    )
    assert t["goal"]["completion"] == Decimal("50.0")
    assert t["goal"]["share"] == Decimal("91.8")
    assert t["goal"]["gap"] == Decimal("-41.8")
    assert t["goal"]["behind"] is True
    q2 = next(
        x
        for x in selectors.tiles(user=leader, period=Period(2026, quarter=1), today=TODAY)
        if x["key"] == "enterprises.output_value"
    )
    assert q2["goal"] is None  # an annual target has no pace within a quarter


def test_the_targets_page_shows_each_parks_progress(zone, office, client):  # noqa: F811
    xs = zone["xs"].pk
    services.save_targets(user=office, year=2026, values={("enterprises.output_value", xs): Decimal(250)})
    progress = selectors.target_progress(
        user=office, year=2026, goals=selectors.targets(year=2026), today=TODAY
    )
    assert progress[("enterprises.output_value", xs)]["completion"] == Decimal("100.0")
    client.force_login(office)
    html = client.get("/cockpit/targets/", {"year": 2026}).content.decode()
    assert 'id="targets-form"' in html
    assert "星沙" in html
    r = client.post(
        "/cockpit/targets/?year=2026",
        {
            "stamp": services.targets_stamp(2026),
            f"t_enterprises_tax_{xs}": "40",
            "t_enterprises_output_value_0": "600",
        },
    )
    assert r.status_code == 302
    assert selectors.targets(year=2026)[("enterprises.tax", xs)] == Decimal(40)
    assert ("enterprises.output_value", xs) not in selectors.targets(year=2026)  # left empty: removed


def test_only_the_office_sets_targets_and_bad_ones_write_nothing(zone, office, staff_b, client):  # noqa: F811
    with pytest.raises(Forbidden):
        services.save_targets(
            user=staff_b, year=2026, values={("enterprises.output_value", None): Decimal(1)}
        )
    with pytest.raises(Invalid):  # revenue takes no target
        services.save_targets(user=office, year=2026, values={("enterprises.revenue", None): Decimal(1)})
    with pytest.raises(Invalid):  # signings have no park split
        services.save_targets(
            user=office, year=2026, values={("investment.signed", zone["xs"].pk): Decimal(1)}
        )
    with pytest.raises(Invalid):
        services.save_targets(user=office, year=2026, values={("enterprises.tax", None): Decimal(-5)})
    stamp = services.targets_stamp(2026)
    services.save_targets(user=office, year=2026, values={("enterprises.tax", None): Decimal(5)})
    with pytest.raises(Conflict):
        services.save_targets(
            user=office, year=2026, values={("enterprises.tax", None): Decimal(6)}, stamp=stamp
        )
    assert selectors.targets(year=2026) == {("enterprises.tax", None): Decimal(5)}
    client.force_login(staff_b)
    page = client.get("/cockpit/targets/", {"year": 2026}).content.decode()
    assert 'name="t_enterprises_tax_0"' not in page  # read only
    assert client.post("/cockpit/targets/?year=2026", {"t_enterprises_tax_0": "9"}).status_code == 403
    assert selectors.targets(year=2026) == {("enterprises.tax", None): Decimal(5)}
