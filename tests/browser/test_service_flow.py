"""The service desk in Chromium: an enterprise user submits a request on the portal, the service centre dispatches
it, the department takes it on and answers, the centre closes it; the user rates it 非常不满意, the department
contacts, classifies and rectifies, the user gives the follow-up rating; the same user sees a policy they are
eligible for with its reasons and cannot open another enterprise's request."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parkos.core.models import Role
from parkos.policies import services as policy_services
from parkos.ratings.models import BadRatingCase
from parkos.servicedesk import services
from parkos.servicedesk.models import Category, Request
from tests.browser.session import login, logout
from tests.factories import (
    AnnualIndicatorFactory,
    DepartmentFactory,
    EnterpriseFactory,
    UserFactory,
    enterprise_user,
    grant,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    qfzx = DepartmentFactory(code="QFZX", name="企业服务中心")
    jfj = DepartmentFactory(code="JFJ", name="经济发展局")
    grant("servicedesk.centre", qfzx)
    services.install_default_categories()
    admin = UserFactory(username="admin", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True)
    UserFactory(username="qfzx", role=Role.DEPT_STAFF, department=qfzx)
    UserFactory(username="jfj", role=Role.DEPT_STAFF, department=jfj)
    ent = EnterpriseFactory(name="长沙星沙智能装备有限公司", owner=jfj, is_high_tech=True)
    AnnualIndicatorFactory(enterprise=ent, year=2025, rd_expense=Decimal(640))
    enterprise_user(ent, "qiye")
    other = EnterpriseFactory(name="别家企业有限公司", owner=jfj)
    other_req = services.request_submit(
        user=admin,
        enterprise_id=other.pk,
        category_id=Category.objects.get(code="consult").pk,
        title="别家的诉求",
        text="x",
        channel="visit",
    )
    p = policy_services.policy_save(
        user=admin,
        data={
            "title": "长沙经开区研发投入奖补办法",
            "issuer": "管委会",
            "valid_from": dt.date(2026, 1, 1),
            "department": jfj,
        },
    )
    policy_services.clause_save(
        user=admin,
        policy_id=p.pk,
        data={
            "number": "第三条",
            "title": "研发投入奖补",
            "rule": {
                "all": [
                    {"field": "is_high_tech", "op": "eq", "value": True},
                    {"field": "rd_expense", "op": "gte", "value": 500},
                ]
            },
            "support": {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50},
        },
    )
    policy_services.match_all(year=2025)
    return other_req


def act(page, button_name):
    page.get_by_role("button", name=button_name, exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("已完成")


def test_request_rated_very_dissatisfied_rectified_and_followed_up(page, live_server, zone):
    # 1. the enterprise submits on the portal (a phone-sized screen)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/services/new/")
    page.locator("#id_category").select_option(label="办事求助")
    page.locator("#id_title").fill("厂区用电增容")
    page.locator("#id_text").fill("新产线投产需增容 2000 kVA，请协调供电公司")
    page.locator("#submit").click()
    expect(page.locator("#request-state")).to_contain_text("已受理")
    req = Request.objects.get(title="厂区用电增容")
    page.get_by_role(
        "button", name="菜单"
    ).click()  # the phone's menu holds the navigation and the log-out button
    logout(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 2. the service centre dispatches; the department takes it on and answers; the centre closes it
    login(page, live_server, "qfzx")
    page.goto(f"{live_server.url}/services/{req.pk}/")
    page.locator("#dispatch-form [name=department]").select_option(label="经济发展局")
    act(page, "派单")
    logout(page)
    login(page, live_server, "jfj")
    page.goto(f"{live_server.url}/services/{req.pk}/")
    act(page, "签收")
    page.locator("#answer-text").fill("已协调供电公司，预计两周内完成")
    act(page, "答复")
    logout(page)
    login(page, live_server, "qfzx")
    page.goto(f"{live_server.url}/services/{req.pk}/")
    act(page, "办结")
    expect(page.locator("#request-state")).to_contain_text("已办结")
    logout(page)

    # 3. the enterprise rates it 非常不满意 with a reason: a 差评 case opens
    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/services/{req.pk}/")
    form = page.locator("#rate-form")
    form.get_by_label("非常不满意").check()
    form.get_by_label("办事效率").check()
    form.locator("[name=text]").fill("答复太慢")
    form.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating")).to_contain_text("非常不满意")
    case = BadRatingCase.objects.get(rating__target="servicedesk.request", rating__target_id=req.pk)
    assert case.state == "assigned"
    logout(page)

    # 4. the department contacts the rater, classifies and rectifies
    login(page, live_server, "jfj")
    page.goto(f"{live_server.url}/services/cases/")
    page.locator(f"#case-{case.pk}").click()
    page.locator("#act-contact [name=method]").fill("电话")
    page.locator("#act-contact").locator("button").click()
    expect(page.locator("#case-state")).to_contain_text("核实中")
    page.locator("#act-rectify [name=kind]").select_option(label="立行立改")
    page.locator("#act-rectify [name=note]").fill("指定专人跟进，每日通报进度")
    page.locator("#act-rectify").locator("button").click()
    page.locator("#act-done [name=note]").fill("已完成增容并向企业致歉，建立限时办结台账")
    page.locator("#act-done").locator("button").click()
    expect(page.locator("#case-state")).to_contain_text("已反馈")
    logout(page)

    # 5. the enterprise gives the follow-up rating; sees its policy and why; cannot open another's request
    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/services/{req.pk}/")
    page.locator("#rating").get_by_role("link").click()
    expect(page.locator("#feedback")).to_contain_text("已完成增容")
    page.locator("#act-followup [name=level]").select_option(label="满意")
    page.locator("#act-followup").locator("button").click()
    expect(page.locator("#followup")).to_contain_text("满意")
    expect(page.locator("#case-state")).to_contain_text("已办结")
    case.refresh_from_db()
    assert (case.state, case.followup.level) == ("closed", 4)

    page.get_by_role("link", name="我可享受的政策").first.click()
    match = page.locator(".policy-match").first
    expect(match).to_contain_text("研发投入奖补")
    expect(match).to_contain_text("符合条件")
    expect(match).to_contain_text("是高新技术企业")
    expect(match).to_contain_text("2025年研发经费不低于500万元（贵企业：640万元）")
    expect(match).to_contain_text("预计扶持 50.00 万元")
    r = page.goto(f"{live_server.url}/services/{zone.pk}/")
    assert r.status == 404
