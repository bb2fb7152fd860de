"""In Chromium: the office enters a value of the zone, a leader opens the self-assessment and sees the estimate with
its rank, the radar and the losses, without a console error; the page prints."""

import pytest
from playwright.sync_api import expect

from parkos.cockpit.models import ZoneValue
from tests.browser.session import login, logout
from tests.cockpit.conftest import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_enters_a_value_and_a_leader_reads_the_estimate(
    page, live_server, peers, leader, catalogue
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "kaohe")
    page.goto(f"{live_server.url}/cockpit/evaluation/values/?year={YEAR}")
    page.get_by_label("甲一").fill("12")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("新增1项")
    assert ZoneValue.objects.get(indicator=catalogue["a1"], year=YEAR).value == 12
    logout(page)
    login(page, live_server, "leader")
    expect(page).to_have_url(f"{live_server.url}/cockpit/")  # the leaders' home page
    page.locator("#navbar-menu").get_by_role("link", name="考核自评估").click()
    expect(page.locator("#estimate-note")).to_contain_text("内部估算")
    # a1 is now 12 (entered): 12 against 30 and 20 scores 0 still, so the figures stand as worked by hand
    expect(page.locator("#total")).to_have_text("15.0")
    expect(page.locator("#rank")).to_have_text("3 / 3")
    expect(page.locator('[data-chart="chart-radar"] canvas')).to_be_visible()
    expect(page.locator("#loss-table tbody tr").first).to_contain_text("乙一")
    assert not errors, errors


def test_a_leader_lands_on_the_cockpit_and_a_tile_opens_its_list(page, live_server, leader, ent_a, dept_a):
    import datetime as dt

    from django.utils import timezone

    from parkos.projects.models import Milestone
    from tests.factories import ProjectFactory

    today = timezone.localdate()
    p = ProjectFactory(name="星沙智能装备产业园", investor=ent_a, lead_department=dept_a)
    Milestone.objects.create(
        project=p,
        kind=Milestone.Kind.STARTED,
        planned_on=dt.date(today.year, 1, 2),
        actual_on=dt.date(today.year, 1, 3),
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "leader")
    expect(page).to_have_url(f"{live_server.url}/cockpit/")
    tile = page.locator("#tile-projectsstart")
    expect(tile.locator(".tile-value")).to_contain_text("100.0")
    expect(tile.locator("canvas")).to_be_visible()
    tile.click()  # the whole tile opens the list behind it
    expect(page).to_have_url(f"{live_server.url}/projects/rates/?year={today.year}&by=all&metric=start")
    expect(page.locator("body")).to_contain_text("星沙智能装备产业园")
    assert not errors, errors
