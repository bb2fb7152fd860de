"""The cockpit in Chromium: a leader lands on it, clicks the red-project tile and gets the filtered list, finds a
company from the header's search box by part of its name, and opens an alert from the inbox's dropdown."""

import re

import pytest
from playwright.sync_api import expect

from parkos.core import notify
from parkos.core.models import NoticeRecipient, Role
from tests.browser.session import login
from tests.factories import DepartmentFactory, EnterpriseFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_drills_down_searches_and_opens_an_alert(page, live_server):
    leader = UserFactory(username="lingdao", role=Role.LEADER, department=None)
    jfj = DepartmentFactory(code="JFJ", name="经济发展局")
    sany = EnterpriseFactory(owner=jfj, name="三一重工股份有限公司")
    EnterpriseFactory(owner=jfj, name="长沙远大住工有限公司")
    red = ProjectFactory(name="三一智能制造产业园", investor=sany, lead_department=jfj, approval_light="red")
    ProjectFactory(name="远大住工扩建", lead_department=jfj, approval_light="green")
    notify.send(
        notify.Message(
            kind="projects.item_light",
            recipients={leader.pk},
            message="三一智能制造产业园 · 施工许可：已超期",
            on=red.registered_on,
            url=f"/projects/{red.pk}/",
            light="red",
        )
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, live_server, "lingdao")
    expect(page).to_have_url(re.compile(r"/cockpit/$"))
    expect(page.locator("#tile-projectsred .tile-value")).to_contain_text("1")
    expect(page.locator("#tile-corewaiting .tile-value")).to_contain_text("1")
    page.locator("#tile-projectsred").click()  # the whole tile is the link (a stretched link)
    expect(page).to_have_url(re.compile(r"/projects/\?light=red$"))
    expect(page.get_by_role("link", name="三一智能制造产业园")).to_be_visible()
    expect(page.get_by_role("link", name="远大住工扩建")).to_have_count(0)

    page.set_viewport_size({"width": 1400, "height": 900})
    page.get_by_placeholder("搜索全区").fill("三一重")
    hit = page.locator("#nav-search-results").get_by_role("link", name=re.compile("^三一重工股份有限公司"))
    expect(hit).to_be_visible()
    expect(page.locator("#nav-search-results")).not_to_contain_text("远大")
    hit.click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{sany.pk}/$"))

    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-inbox").click()
    alert = page.locator("#nav-inbox-latest .inbox-latest", has_text="施工许可：已超期")
    expect(alert).to_be_visible()
    alert.click()
    expect(page).to_have_url(re.compile(rf"/projects/{red.pk}/$"))
    expect(page.locator("#nav-unread")).to_have_count(0)
    assert NoticeRecipient.objects.get(user=leader).read_at is not None
    assert errors == []
