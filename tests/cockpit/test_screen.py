"""The command centre's big screen: the cockpit's tiles and a rotating detail panel (the economy's trend and
parks, then each tile's chart), reloaded by htmx as a body without the page around it; officials only."""

import datetime as dt

import pytest

from parkos.cockpit import report
from parkos.core.periods import Period
from tests.enterprises.test_totals import zone  # noqa: F401  (the hand-built zone)
from tests.factories import enterprise_user

pytestmark = pytest.mark.django_db


def test_the_economy_panels_are_the_trend_and_the_parks_of_the_period(zone, leader):  # noqa: F811
    panels = report.economy_panels(user=leader, period=Period(2026), today=dt.date(2026, 12, 1))
    assert [p["key"] for p in panels] == ["economy-trend", "economy-parks"]
    trend = {s["name"]: s["data"] for s in panels[0]["chart"]["series"]}
    assert trend["产值（2026年）"] == [150.0, 150.0]  # to February, the last month reported
    parks = panels[1]["chart"]
    assert parks["xAxis"]["data"] == ["星沙", "榔梨"]
    assert parks["series"][0]["data"] == [250.0, 50.0]


def test_no_panel_without_reported_months(leader):
    assert report.economy_panels(user=leader, period=Period(2026), today=dt.date(2026, 12, 1)) == []


def test_the_screen_shows_the_tiles_and_panels_and_reloads_as_a_body(
    zone,  # noqa: F811
    leader,
    client,
    django_assert_max_num_queries,
):
    client.force_login(leader)
    with django_assert_max_num_queries(80):
        page = client.get("/cockpit/screen/?year=2026&refresh=60&rotate=5")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-bs-theme="dark"' in html
    assert 'hx-trigger="every 60s"' in html
    assert 'data-rotate="5"' in html
    assert 'id="screen-enterprisesoutput_value"' in html
    assert 'id="screen-corewaiting"' not in html  # the reader's own inbox is not the zone's figure
    assert html.count("data-panel=") >= 3
    body = client.get("/cockpit/screen/?year=2026", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body
    assert 'id="screen-tiles"' in body


def test_a_pace_out_of_bounds_falls_back_to_the_defaults(leader, client):
    client.force_login(leader)
    html = client.get("/cockpit/screen/?refresh=1&rotate=abc").content.decode()
    assert 'hx-trigger="every 300s"' in html
    assert 'data-rotate="10"' in html


def test_an_enterprise_user_has_no_big_screen(zone, client):  # noqa: F811
    client.force_login(enterprise_user(zone["a"], "qiye_jia"))
    assert client.get("/cockpit/screen/").status_code == 404
    assert "/cockpit/screen/" not in client.get("/cockpit/").content.decode()
