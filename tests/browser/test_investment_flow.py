"""From a chain gap to a signed project in Chromium: team 1 finds the gap on the chain map, adds a target company and
makes it a lead; team 2 enters the same investor under another name and is warned with the match side by side,
and sends it to the joint meeting; the 投资促进局's head plans the meeting and decides (team 1 owns it, 70/30);
team 1 walks the lead through the funnel and signs it, which enters the key project."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parkos.chains.models import Chain, Node, Placement
from parkos.core.models import Role
from parkos.demo import make_uscc
from parkos.investment.models import Lead, Share, Team
from parkos.projects.models import Project
from tests.browser.session import login, logout
from tests.factories import (
    AnnualIndicatorFactory,
    DepartmentFactory,
    EnterpriseFactory,
    UserFactory,
    grant,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
USCC = make_uscc("430121", 77_000_001)


@pytest.fixture
def zone():
    tcj = DepartmentFactory(code="TCJ", name="投资促进局")
    grant("investment.joint_meeting", tcj)
    t1 = Team.objects.create(code="T1", name="招商一分队", department=tcj)
    t2 = Team.objects.create(code="T2", name="招商二分队", department=tcj)
    t1.members.add(UserFactory(username="zhaoshang1", role=Role.DEPT_STAFF, department=tcj))
    t2.members.add(UserFactory(username="zhaoshang2", role=Role.DEPT_STAFF, department=tcj))
    UserFactory(username="tcj_admin", role=Role.DEPT_ADMIN, department=tcj)
    chain = Chain.objects.create(name="工程机械", code="GCJX")
    whole = Node.objects.create(chain=chain, name="整机制造", is_key=True, order=1)
    Node.objects.create(chain=chain, name="发动机", is_key=True, order=2)
    leader = EnterpriseFactory(name="长沙星沙重工股份有限公司")
    AnnualIndicatorFactory(enterprise=leader, year=2025, gross_output=Decimal(500000))
    Placement.objects.create(node=whole, enterprise=leader, is_leader=True)
    return t1, t2


def test_gap_target_lead_duplicate_meeting_signed(page, live_server, zone):
    t1, t2 = zone
    # 1. team 1: the chain map ranks 发动机 as a gap; a target there becomes a lead in one click
    login(page, live_server, "zhaoshang1")
    page.goto(f"{live_server.url}/chains/")
    page.get_by_role("link", name="工程机械").click()
    expect(page.locator("#chain-map canvas")).to_be_visible()
    gaps = page.locator("#gap-table")
    expect(gaps.locator("tbody tr").first).to_contain_text("发动机")
    gaps.get_by_role("link", name="发动机").click()
    form = page.locator("#target-form")
    form.locator("[name=name]").fill("潍柴动力股份有限公司")
    form.locator("[name=region]").fill("山东潍坊")
    form.get_by_role("button", name="添加目标").click()
    page.get_by_label("潍柴动力股份有限公司").check()
    page.get_by_role("button", name="所选企业转为线索").click()
    expect(page.get_by_role("alert").first).to_contain_text("已由招商目标生成 1 条线索")
    first = Lead.objects.get()
    expect(page.locator("#targets-form")).to_contain_text(f"线索 #{first.pk}")
    assert (first.team, first.node.name, first.target.name) == (t1, "发动机", "潍柴动力股份有限公司")
    logout(page)

    # 2. team 2 enters the same investor under another name: warned, with the match side by side
    login(page, live_server, "zhaoshang2")
    page.goto(f"{live_server.url}/investment/leads/new/")
    page.locator("#id_investor_name").fill("潍柴动力（潍坊）有限公司")
    page.locator("#id_title").fill("大缸径发动机项目")
    page.locator("#id_amount").fill("80000")
    page.locator("#save").click()
    dup = page.locator("#duplicate-table")
    expect(dup).to_contain_text("潍柴动力股份有限公司")
    expect(dup).to_contain_text("100.0")
    expect(dup).to_contain_text("招商一分队")
    page.locator("#to-meeting").click()
    expect(page.locator("#contested")).to_contain_text("待联席会议裁定")
    claim = Lead.objects.get(team=t2)
    logout(page)

    # 3. the head of the 投资促进局 plans the joint meeting and decides: team 1 owns it, credit 70/30
    login(page, live_server, "tcj_admin")
    page.goto(f"{live_server.url}/investment/meetings/")
    page.locator("#meeting-form #id_chair").fill("分管副主任")
    page.locator("#meeting-form").get_by_role("button", name="保存").click()
    card = page.locator(".decide-form")
    expect(card).to_be_visible()
    card.locator("[name=owner_team]").select_option(label="招商一分队")
    card.locator(f"[name=share_{t1.pk}]").fill("70")
    card.locator(f"[name=share_{t2.pk}]").fill("30")
    card.locator("[name=decision]").fill("一分队主谈，二分队协助")
    card.get_by_role("button", name="记录裁定").click()
    expect(page.get_by_role("alert").first).to_contain_text("裁定已记录")
    claim.refresh_from_db()
    assert claim.state == "merged"
    assert sorted(Share.objects.filter(lead=first).values_list("team__code", "pct")) == [
        ("T1", 70),
        ("T2", 30),
    ]
    logout(page)

    # 4. team 1 walks the lead through the funnel and signs it
    login(page, live_server, "zhaoshang1")
    page.goto(f"{live_server.url}/investment/leads/{first.pk}/")
    expect(page.locator("#shares")).to_contain_text("招商二分队 30%")
    for kind, summary, stage in [("电话", "电话联系", "接洽"), ("客商来园考察", "来园考察", "考察")]:
        act = page.locator("#activity-form")
        act.locator("[name=kind]").select_option(label=kind)
        act.locator("[name=summary]").fill(summary)
        act.get_by_role("button", name="记录").click()
        page.locator("#move-form [name=stage]").select_option(label=stage)
        page.locator("#move-form").get_by_role("button", name="推进").click()
        expect(page.locator("#stages .active")).to_have_text(stage)
    page.locator("#move-form [name=stage]").select_option(label="谈判")
    page.locator("#move-form").get_by_role("button", name="推进").click()
    expect(page.get_by_role("alert").first).to_contain_text("进入谈判前请填写计划投资额")
    page.get_by_role("link", name="编辑").click()
    page.locator("#id_amount").fill("120000")
    page.locator("#save").click()
    page.locator("#move-form [name=stage]").select_option(label="谈判")
    page.locator("#move-form").get_by_role("button", name="推进").click()
    expect(page.locator("#stages .active")).to_have_text("谈判")
    page.locator("#sign").click()
    page.locator("#id_uscc").fill(USCC)
    page.locator("#id_company_name").fill("潍柴动力（长沙）有限公司")
    page.locator("#confirm-sign").click()
    expect(page.locator("#signed")).to_contain_text(dt.date.today().isoformat())
    expect(page.locator("#stages .active")).to_have_text("签约")
    project = Project.objects.get()
    assert (project.investor.uscc, project.status, project.total_investment) == (
        USCC,
        "signed",
        Decimal(120000),
    )
    assert Lead.objects.get(pk=first.pk).fills_gap is True
