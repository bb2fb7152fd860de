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
from parkos.projects.models import Milestone, Project
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


def test_the_page_shows_the_tiles_and_an_enterprise_only_its_own(
    zone, leader, client, ent_a, ent_user_a, ent_b
):
    client.force_login(leader)
    assert client.get("/").url == "/cockpit/"  # the leaders' home page
    html = client.get("/cockpit/", {"year": 2026}).content.decode()
    assert 'id="tile-projectsstart"' in html
    assert "开工率" in html
    assert "/projects/rates/?year=2026&amp;by=all&amp;metric=start" in html
    from tests.factories import MonthlyIndicatorFactory

    MonthlyIndicatorFactory(enterprise=ent_a, month=dt.date(2026, 3, 1), output_value=70)
    MonthlyIndicatorFactory(enterprise=ent_b, month=dt.date(2026, 3, 1), output_value=5000)
    mine = {t["key"]: t for t in selectors.tiles(user=ent_user_a, period=YEAR_2026, today=TODAY)}
    assert "projects.start" not in mine  # the zone's rates are not an enterprise's
    assert "investment.signed" not in mine
    assert mine["enterprises.output_value"]["value"] == 70  # its own figure, not the zone's 5,070
    client.force_login(ent_user_a)
    html = client.get("/cockpit/", {"year": 2026}).content.decode()
    assert 'id="tile-enterprisesoutput_value"' in html
    assert 'id="tile-projectsstart"' not in html
    assert "/cockpit/targets/" not in html  # no link to a page it may not open


def test_the_red_projects_tile_counts_what_the_filtered_list_shows(zone, leader, staff_b, client):
    Project.objects.filter(name__in=["P1", "P3"]).update(approval_light="red")
    t = _tile(leader, "projects.red")
    assert t["value"] == 2
    assert t["shown"] == "2"
    assert t["url"] == "/projects/?light=red"
    assert t["alarm"] is True
    client.force_login(leader)
    page = client.get(t["url"]).content.decode()
    assert ">P1<" in page
    assert ">P3<" in page
    assert ">P2<" not in page
    assert projects.project_list(user=leader, filters={"light": "red"}).count() == 2
    assert _tile(staff_b, "projects.red")["value"] == 0  # another department's projects are not counted


def test_the_waiting_tile_is_the_users_unread_notices(leader, staff_a, client):
    from parkos.core import notify

    notify.send(
        notify.Message(
            kind="projects.item_light", recipients={leader.pk}, message="甲", on=TODAY, light="red"
        )
    )
    notify.send(
        notify.Message(kind="projects.item_light", recipients={leader.pk, staff_a.pk}, message="乙", on=TODAY)
    )
    t = _tile(leader, "core.waiting")
    assert t["value"] == 2
    assert str(t["detail"]) == "其中 1 条红灯"
    assert t["url"] == "/inbox/?unread=1"
    assert _tile(staff_a, "core.waiting")["value"] == 1
    client.force_login(leader)
    html = client.get("/cockpit/").content.decode()
    assert 'id="tile-corewaiting"' in html


def test_the_investment_and_funds_tiles_are_the_rates_pages_total_against_time_elapsed(zone, leader):
    total = projects.rates(user=leader, period=YEAR_2026, by="all", today=TODAY)["total"]
    inv = _tile(leader, "projects.investment")
    assert inv["value"] == total["investment_rate"]
    assert "91.8" in str(inv["detail"])  # 1 Dec 2026: 335 of 365 days elapsed
    assert inv["url"] == "/projects/rates/?year=2026&by=all"
    assert _tile(leader, "projects.funds")["value"] == total["funds_rate_year"]
