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
    page.get_by_role("link", name="考核自评估").click()
    expect(page.locator("#estimate-note")).to_contain_text("内部估算")
    # a1 is now 12 (entered): 12 against 30 and 20 scores 0 still, so the figures stand as worked by hand
    expect(page.locator("#total")).to_have_text("15.0")
    expect(page.locator("#rank")).to_have_text("3 / 3")
    expect(page.locator('[data-chart="chart-radar"] canvas')).to_be_visible()
    expect(page.locator("#loss-table tbody tr").first).to_contain_text("乙一")
    assert not errors, errors
