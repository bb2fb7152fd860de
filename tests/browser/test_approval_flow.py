"""An approval item in the real Chromium: the handling department submits and accepts it, issues a 补正 notice,
receives the materials and grants it, watching the light and the remaining working days change on the board;
the enterprise then follows its own project like a parcel and cannot open anyone else's."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkos.core.models import Department, Role
from parkos.core.workdays import WorkingCalendar
from parkos.projects import services
from parkos.projects.catalogue import install_defaults
from tests.browser.session import login
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory, enterprise_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    install_defaults()
    jfj = Department.objects.get(code="JFJ")
    admin = UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True)
    UserFactory(username="jfj_staff", role=Role.DEPT_STAFF, department=jfj)
    ours = EnterpriseFactory(owner=jfj, name="长沙星火重工有限公司")
    theirs = EnterpriseFactory(owner=jfj, name="湖南别家科技有限公司")
    enterprise_user(ours, "xinghuo")
    mine = ProjectFactory(investor=ours, lead_department=jfj, name="星火智能装备产业园项目")
    other = ProjectFactory(investor=theirs, lead_department=jfj, name="别家新材料项目")
    for p in (mine, other):
        services.approvals_start(user=admin, pk=p.pk)
    return mine, other


def act(page, row, button, on: dt.date, note: str = ""):
    row.get_by_role("button", name=button, exact=True).click()
    form = page.locator("#action-form")
    expect(form).to_be_visible()
    form.get_by_label("日期").fill(on.isoformat())
    if note:
        form.get_by_label("说明或文书").fill(note)
    form.get_by_role("button", name="确认").click()
    expect(page.locator("#action-form")).to_have_count(0)


def test_item_through_corrections_to_a_grant(page, live_server, zone):
    mine, other = zone
    cal = WorkingCalendar()
    today = timezone.localdate()
    accepted = cal.add_working_days(today, -4)  # inside the 5-day window: not yet deemed accepted
    notice = cal.add_working_days(today, -3)
    received = cal.add_working_days(today, -1)
    left_after_acceptance = 10 - cal.working_days_between(accepted, today)  # 10 promised
    left_when_paused = 10 - cal.working_days_between(accepted, notice)  # only the notice day counted
    left_after_materials = left_when_paused - cal.working_days_between(received, today)
    assert left_after_materials > left_after_acceptance  # the paused days were given back

    login(page, live_server, "jfj_staff")
    page.goto(f"{live_server.url}/projects/{mine.pk}/approvals/")
    row = page.locator("tr[data-item='GG-1-04']")  # 固定资产投资项目节能审查: 10 working days, 经济发展局
    expect(row).to_contain_text("固定资产投资项目节能审查")
    expect(row.locator(".item-state")).to_have_text("未申报")

    act(page, row, "申报", accepted)
    expect(row.locator(".item-state")).to_have_text("已申报")
    act(page, row, "受理", accepted)
    expect(row.locator(".item-state")).to_have_text("已受理，审查中")
    expect(row.locator(".item-light")).to_contain_text(f"剩余 {left_after_acceptance} 个工作日")
    expect(row.locator(".item-light [data-light]")).to_have_attribute("data-light", "green")

    act(page, row, "补正通知", notice, note="补正通知书〔2026〕8号")
    expect(row.locator(".item-state")).to_have_text("补正中")
    expect(row.locator(".item-light [data-light]")).to_have_attribute("data-light", "grey")
    expect(row.locator(".item-light")).to_contain_text("暂停计时")
    expect(row.locator(".item-light")).to_contain_text(f"恢复计时后剩余 {left_when_paused} 个工作日")

    act(page, row, "补正材料已收齐", received)
    expect(row.locator(".item-state")).to_have_text("已受理，审查中")
    expect(row.locator(".item-light")).to_contain_text(f"剩余 {left_after_materials} 个工作日")
    deadline = cal.add_working_days(today, left_after_materials) if left_after_materials else today
    expect(row.locator(".item-deadline")).to_contain_text(deadline.isoformat())

    act(page, row, "准予许可", today)
    expect(row.locator(".item-state")).to_have_text("已办结 · 准予许可")
    expect(row.locator(".item-light [data-light]")).to_have_attribute("data-light", "done")
    expect(page.locator("#item-events")).to_contain_text("补正通知书〔2026〕8号")

    # the enterprise follows its own project, read-only, and cannot open another's
    page.get_by_role("button", name="退出").click()
    login(page, live_server, "xinghuo")
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#project-table")).to_contain_text("星火智能装备产业园项目")
    expect(page.locator("#project-table")).not_to_contain_text("别家新材料项目")
    page.get_by_role("link", name="星火智能装备产业园项目").click()
    page.get_by_role("link", name="审批看板").first.click()
    mine_row = page.locator("tr[data-item='GG-1-04']")
    expect(mine_row.locator(".item-state")).to_have_text("已办结 · 准予许可")
    expect(page.locator("tr[data-item] button")).to_have_count(0)
    expect(page.locator("#item-events")).to_contain_text("准予许可")
    response = page.goto(f"{live_server.url}/projects/{other.pk}/approvals/")
    assert response.status == 404
