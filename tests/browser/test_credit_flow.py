"""Credit supervision in Chromium (issue #17 acceptance): a department plans a 双随机 task, freezes its inputs and
draws it with a witness's code; the public record verifies; an inspector enters a result and the department
publishes it in time; an enterprise on the 严重失信 list applies for repair on the portal, the deciding department
approves, and the record no longer bars it from a policy."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkos.core.models import Role
from parkos.credit import services as credit
from parkos.credit.models import CreditRecord, Inspection, InspectionTask, RecordKind, RecordStatus
from parkos.policies import services as policies
from parkos.policies.models import Eligibility
from tests.browser.session import login, logout
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    InspectionItemFactory,
    InspectorFactory,
    UserFactory,
    enterprise_user,
    samr_class,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    scj = DepartmentFactory(code="SCJ", name="市场监督管理局")
    admin = UserFactory(username="admin", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True)
    UserFactory(username="scj", role=Role.DEPT_STAFF, department=scj)
    inspector_user = UserFactory(username="jc_zhang", role=Role.DEPT_STAFF, department=scj)
    for k, cls in enumerate("DDDC"):
        samr_class(EnterpriseFactory(owner=scj, name=f"抽查对象{k}有限公司"), cls)
    bad = EnterpriseFactory(owner=scj, name="长沙失信样本有限公司")
    samr_class(bad, "B")
    enterprise_user(bad, "qiye")
    InspectionItemFactory(code="SC-01", name="企业公示信息情况检查", department=scj)
    first = InspectorFactory(number="ZF001", name="张执法", department=scj)
    first.user = inspector_user
    first.save()
    InspectorFactory(number="ZF002", name="李执法", department=scj)
    credit.record_create(
        user=admin,
        enterprise_id=bad.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="拒不履行行政处罚决定",
        decided_on=timezone.localdate() - dt.timedelta(days=400),
        department_id=scj.pk,
    )
    policy = policies.policy_save(
        user=admin,
        data={
            "title": "守信企业奖励办法",
            "issuer": "管委会",
            "valid_from": dt.date(2026, 1, 1),
            "department": scj,
        },
    )
    clause = policies.clause_save(
        user=admin,
        policy_id=policy.pk,
        data={
            "number": "第二条",
            "title": "守信激励",
            "rule": {"field": "serious_discredit", "op": "eq", "value": False},
            "support": {"type": "fixed", "amount": 5},
        },
    )
    policies.match_all(year=timezone.localdate().year - 1)
    return {"bad": bad, "clause": clause}


def test_plan_draw_verify_result_publish_and_repair(page, live_server, zone):
    url = live_server.url
    # 1. the department plans the task and draws it with the witness's code
    login(page, live_server, "scj")
    page.goto(f"{url}/credit/tasks/")
    page.locator("details summary").first.click()
    page.locator("#id_name").fill("企业公示信息双随机抽查")
    page.locator("#id_items").select_option(label="SC-01 企业公示信息情况检查（市场监督管理局）")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#commitment")).to_be_visible()  # the task page: the request is done
    task = InspectionTask.objects.get(name="企业公示信息双随机抽查")
    expect(page.locator("#commitment")).to_have_text(task.commitment)
    page.locator("#freeze").click()
    expect(page.locator("#hashes")).to_be_visible()
    page.locator("#witness-code").fill("4711-0815")
    page.locator("#witnesses").fill("纪工委 王芳")
    page.locator("#draw").click()
    expect(page.locator("#task-state")).to_have_text("已抽取")
    expect(page.locator("#strata")).to_contain_text("D")

    # 2. anyone re-runs the record: the public page verifies it
    page.locator("#record-link").click()
    expect(page.locator("#verification")).to_have_class("alert alert-success")
    logout(page)
    page.goto(f"{url}/credit/public/draws/{task.pk}/")  # no login needed
    expect(page.locator("#verification")).to_contain_text("已验证")

    # 3. the inspector enters a result; the department publishes it in time
    insp = (
        Inspection.objects.filter(task=task, inspectors__user__username="jc_zhang").order_by("order").first()
    )
    login(page, live_server, "jc_zhang")
    page.goto(f"{url}/credit/tasks/{task.pk}/")
    row = page.locator(f"#inspection-{insp.pk}")
    expect(row).to_contain_text("检查当日显示")  # withheld until inspection day
    expect(row).not_to_contain_text(insp.enterprise.name)
    page.locator("#declare").click()  # the no-conflict declaration, then the object opened on the day
    expect(page.locator("#declaration-form")).to_have_count(0)
    page.locator(f"#inspection-{insp.pk} .open-button").click()
    expect(page.locator(f"#inspection-{insp.pk}")).to_contain_text(insp.enterprise.name)
    row = page.locator(f"#inspection-{insp.pk}")
    row.locator("select[name=result]").select_option(label="未发现问题")
    row.locator(".result-form button").click()
    expect(page.locator(f"#inspection-{insp.pk}")).to_contain_text("已录入结果")
    logout(page)
    login(page, live_server, "scj")
    page.goto(f"{url}/credit/tasks/{task.pk}/")
    page.locator(f"#inspection-{insp.pk} form:has(input[value=publish]) button").click()
    expect(page.locator(f"#inspection-{insp.pk}")).to_contain_text("已发布")
    insp.refresh_from_db()
    assert insp.published_on <= insp.publish_due
    page.goto(f"{url}/credit/public/results/")
    expect(page.locator("#credit-table")).to_contain_text(insp.enterprise.name)
    logout(page)

    # 4. the enterprise applies for repair on its portal; the deciding department approves
    login(page, live_server, "qiye")
    page.goto(f"{url}/credit/mine/")
    expect(page.locator("#my-class")).to_have_text("D")
    record = CreditRecord.objects.get(enterprise=zone["bad"])
    box = page.locator(f"#record-{record.pk}")
    box.locator("summary").click()
    box.locator("textarea[name=statement]").fill("已全部履行处罚决定并完成整改")
    box.get_by_role("button", name="提交申请").click()
    expect(page.locator(f"#record-{record.pk} .record-status")).to_have_text("修复申请中")
    logout(page)
    login(page, live_server, "scj")
    page.goto(f"{url}/credit/records/{record.pk}/")
    page.get_by_role("button", name="决定").click()
    expect(page.locator("#record-status")).to_contain_text("已修复")
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    logout(page)

    # 5. the policy office's matching no longer finds a bar: the clause is the enterprise's now
    policies.match_all(year=timezone.localdate().year - 1)
    assert Eligibility.objects.get(clause=zone["clause"], enterprise=zone["bad"]).status == "eligible"
    login(page, live_server, "qiye")
    page.goto(f"{url}/credit/mine/")
    expect(page.locator("#my-class")).to_have_text("B")
