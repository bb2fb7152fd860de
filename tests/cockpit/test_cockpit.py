"""The cockpit's tiles equal the owning apps' own figures for the same cut, with the same cut a year earlier beside
them, and open the list behind them; who sees the cockpit.

Hand-built: three projects of 经济发展局 planned to start in 2026 (P1 started 2026-03-01, P2 started 2026-05-01,
P3 not started) and one planned for 2025 that started (P0): 开工率 2026 = 2/3 = 66.7 %, 2025 = 1/1 = 100.0 %, a
change of −33.3 points. On 1 December 2026 the year runs: counted to that day.
"""

import datetime as dt

import pytest

from parkos.cockpit import selectors
from parkos.core.periods import Period
from parkos.investment import selectors as investment
from parkos.projects import selectors as projects
from parkos.projects.models import Milestone
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)
D = dt.date.fromisoformat


def _ms(project, planned, actual=None):
    Milestone.objects.update_or_create(
        project=project,
        kind=Milestone.Kind.STARTED,
        defaults={"planned_on": D(planned), "actual_on": D(actual) if actual else None},
    )


@pytest.fixture
def zone(ent_a, dept_a):
    for name, planned, actual in (
        ("P0", "2025-04-01", "2025-04-10"),
        ("P1", "2026-02-01", "2026-03-01"),
        ("P2", "2026-04-01", "2026-05-01"),
        ("P3", "2026-06-01", None),
    ):
        _ms(ProjectFactory(name=name, investor=ent_a, lead_department=dept_a), planned, actual)


YEAR_2026 = Period(2026)


def _tile(user, key, period=YEAR_2026):
    return next(t for t in selectors.tiles(user=user, period=period, today=TODAY) if t["key"] == key)


def test_the_start_rate_tile_is_the_rates_pages_total(zone, leader):
    t = _tile(leader, "projects.start")
    total = projects.rates(user=leader, period=Period(2026), by="all", today=TODAY)["total"]["start"]
    assert t["value"] == total["rate"]
    assert str(t["value"]) == "66.7"
    assert str(t["previous"]) == "100.0"
    assert str(t["change"]) == "-33.3"
    assert t["url"] == "/projects/rates/?year=2026&by=all&metric=start"


def test_a_quarter_tile_and_its_link(zone, leader):
    t = _tile(leader, "projects.start", Period(2026, quarter=1))  # P1 planned and started in Q1: 1/1
    assert str(t["value"]) == "100.0"
    assert t["url"] == "/projects/rates/?year=2026&quarter=1&by=all&metric=start"


def test_the_investment_tiles_are_the_figures_pages_total(zone, leader):
    total = investment.figures(user=leader, year=2026, today=TODAY)["total"]
    assert _tile(leader, "investment.signed")["value"] == total["signed"]
    assert _tile(leader, "investment.funds")["value"] == total["funds"]
    assert _tile(leader, "investment.funds")["url"] == "/investment/figures/?year=2026"


def test_a_department_sees_its_own_projects_figure(zone, staff_a, staff_b):
    assert str(_tile(staff_a, "projects.start")["value"]) == "66.7"
    assert _tile(staff_b, "projects.start")["value"] is None  # no project of its own: no rate, not 0


def test_the_page_shows_the_tiles_and_refuses_enterprise_users(zone, leader, client, ent_user_a):
    client.force_login(leader)
    assert client.get("/").url == "/cockpit/"  # the leaders' home page
    html = client.get("/cockpit/", {"year": 2026}).content.decode()
    assert 'id="tile-projectsstart"' in html
    assert "开工率" in html
    assert "/projects/rates/?year=2026&amp;by=all&amp;metric=start" in html
    client.force_login(ent_user_a)
    assert client.get("/cockpit/").status_code == 404
