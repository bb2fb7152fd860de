"""The investment tiles beyond signing and funds: chain gaps filled (the lead list's own count of gap-filling leads
signed in the period, opened by the tile's link) and the year's funnel (the board's own funnel).

The hand-worked year of tests/investment/test_scores.py: L1 fills a chain gap and was signed on 10 March 2026; the
lead signed in 2025 fills none."""

import datetime as dt

import pytest

from parkos.cockpit import selectors as cockpit
from parkos.core.periods import Period
from parkos.investment import selectors
from tests.investment.test_scores import year  # noqa: F401  (the hand-worked year)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


Y2026 = Period(2026)


def _tile(user, key, period=Y2026):
    return next(t for t in cockpit.tiles(user=user, period=period, today=TODAY) if t["key"] == key)


def test_the_gaps_tile_counts_the_gap_filling_leads_signed_in_the_period_as_its_list_does(
    year,  # noqa: F811
    admin,
    client,
):
    t = _tile(admin, "investment.gaps")
    assert (t["value"], t["previous"]) == (1, 0)
    assert t["url"] == "/investment/leads/?kind=gap&state=all&signed_from=2026-01-01&signed_to=2026-12-31"
    client.force_login(admin)
    page = client.get(t["url"]).content.decode()
    assert "甲方一号公司" in page
    assert "乙方二号公司" not in page
    assert _tile(admin, "investment.gaps", Period(2026, month=2))["value"] == 0  # signed in March
    assert _tile(admin, "investment.gaps", Period(2026, quarter=1))["value"] == 1


def test_the_funnel_tile_is_the_boards_funnel(year, admin):  # noqa: F811
    funnel = selectors.funnel_counts(user=admin, year=2026)
    t = _tile(admin, "investment.funnel")
    assert t["value"] == funnel[0]["n"]
    assert t["chart"]["series"][0]["type"] == "funnel"
    assert [d["value"] for d in t["chart"]["series"][0]["data"]] == [f["n"] for f in funnel]
    assert t["url"] == "/investment/"
