"""Project pages and API: lists, export, scope (another department's or enterprise's project → 404),
the board through htmx, rates with their drill-down, monthly reports (page, import, missing), problems."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from parkos.core import notify
from parkos.core.imports import import_file
from parkos.core.models import Notice
from parkos.projects import selectors, services
from parkos.projects.imports import MONTHLY_SCHEMA
from parkos.projects.models import ItemInstance, Milestone, MonthlyReport, Problem, Project, YearPlan
from tests.factories import ProjectFactory
from tests.xlsx import read_xlsx, write_xlsx

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def _plan(project, **dates):
    for kind, (planned, actual) in dates.items():
        Milestone.objects.update_or_create(
            project=project,
            kind=kind,
            defaults={
                "planned_on": D(planned) if planned else None,
                "actual_on": D(actual) if actual else None,
            },
        )


# ---- list, export, scope ------------------------------------------------------------------------------
def test_list_search_filter_and_export(client_staff_a, ent_a, dept_a, dept_b):
    ProjectFactory(name="星沙智能装备产业园项目", investor=ent_a, lead_department=dept_a, level="province")
    ProjectFactory(name="临空冷链物流中心项目", investor=ent_a, lead_department=dept_a, level="district")
    ProjectFactory(name="别的部门项目", lead_department=dept_b)
    r = client_staff_a.get(reverse("projects:list"), {"q": "星沙"})
    assert r.status_code == 200
    assert "星沙智能装备产业园项目" in r.text
    assert "临空冷链物流中心项目" not in r.text
    r = client_staff_a.get(reverse("projects:list"), {"level": "district"})
    assert "临空冷链物流中心项目" in r.text
    assert "别的部门项目" not in r.text  # another department's project is out of scope
    r = client_staff_a.get(reverse("projects:list"), {"export": "xlsx", "sort": "name"})
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][:2] == ["项目代码", "项目名称"]
    assert sorted(row[1] for row in rows[1:]) == ["临空冷链物流中心项目", "星沙智能装备产业园项目"]


def test_list_page_query_count_does_not_grow_with_projects(
    client_admin, django_assert_max_num_queries, dept_a
):
    for _ in range(3):
        ProjectFactory(lead_department=dept_a)
    with django_assert_max_num_queries(14) as small:
        client_admin.get(reverse("projects:list"))
    for _ in range(30):
        ProjectFactory(lead_department=dept_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client_admin.get(reverse("projects:list"))


def test_enterprise_user_sees_only_their_projects(client_ent_a, admin, ent_a, ent_b, project):
    other = ProjectFactory(investor=ent_b, lead_department=ent_b.owner, name="乙方项目")
    services.approvals_start(user=admin, pk=other.pk)
    r = client_ent_a.get(reverse("projects:list"))
    assert project.name in r.text
    assert "乙方项目" not in r.text
    assert client_ent_a.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert client_ent_a.get(reverse("projects:board", args=[project.pk])).status_code == 200
    for url in [
        reverse("projects:detail", args=[other.pk]),
        reverse("projects:board", args=[other.pk]),
        f"/api/v1/projects/{other.pk}",
        f"/api/v1/projects/{other.pk}/approvals",
    ]:
        assert client_ent_a.get(url).status_code == 404, url
    other_item = ItemInstance.objects.filter(project=other).first()
    r = client_ent_a.post(
        reverse("projects:item_action", args=[other.pk, other_item.pk]), {"action": "submit"}
    )
    assert r.status_code == 404
    r = client_ent_a.post(
        f"/api/v1/projects/{project.pk}/approvals/items/{other_item.pk}/actions",
        {"action": "submit"},
        content_type="application/json",
    )
    assert r.status_code == 404
    own_item = ItemInstance.objects.filter(project=project).first()
    r = client_ent_a.post(
        f"/api/v1/projects/{project.pk}/approvals/items/{own_item.pk}/actions",
        {"action": "submit"},
        content_type="application/json",
    )
    assert r.status_code == 403  # they follow their approvals; officers act
    assert client_ent_a.get(reverse("projects:rates")).status_code == 404
    assert client_ent_a.get(reverse("projects:queue")).status_code == 404


def test_other_department_cannot_open_or_act(client, staff_b, project):
    client.force_login(staff_b)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404
    r = client.post(reverse("projects:transition", args=[project.pk]), {"target": "signed"})
    assert r.status_code == 404


def test_approving_department_sees_the_project_it_handles(client, spj_staff, project):
    client.force_login(spj_staff)
    assert client.get(reverse("projects:board", args=[project.pk])).status_code == 200
    assert (
        client.get(reverse("projects:edit", args=[project.pk])).status_code == 404
    )  # it approves, it does not edit


def test_board_page_queries_are_bounded(client_admin, project, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        r = client_admin.get(reverse("projects:board", args=[project.pk]))
    assert r.status_code == 200
    assert "建设项目用地预审与选址意见书" in r.text


def test_htmx_action_returns_the_board_with_the_new_state(client, staff_a, project):
    client.force_login(staff_a)
    it = ItemInstance.objects.get(project=project, item__code="GG-1-04")
    url = reverse("projects:item_action", args=[project.pk, it.pk])
    form = client.get(url, {"action": "submit"})
    assert 'name="action" value="submit"' in form.text
    r = client.post(url, {"action": "submit"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'id="action-panel" hx-swap-oob="true"' in r.text
    it.refresh_from_db()
    assert it.state == "submitted"
    r = client.post(url, {"action": "approve"}, HTTP_HX_REQUEST="true")
    assert "事项处于“已申报”状态，不能“准予许可”" in r.text


def test_api_acts_on_an_item_and_schema_documents_it(client, staff_a, project):
    client.force_login(staff_a)
    it = ItemInstance.objects.get(project=project, item__code="GG-1-04")
    url = f"/api/v1/projects/{project.pk}/approvals/items/{it.pk}/actions"
    assert (
        client.post(url, {"action": "submit"}, content_type="application/json").json()["state"] == "submitted"
    )
    r = client.post(url, {"action": "approve"}, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "invalid"
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/projects/{pk}/approvals/items/{item_id}/actions" in paths
    assert "/api/v1/projects/rates" in paths


# ---- lifecycle -------------------------------------------------------------------------------------------
def test_lifecycle_moves_forward_and_refuses_illegal_moves(staff_a, ent_a, dept_a):
    from parkos.core.exceptions import Invalid

    p = ProjectFactory(investor=ent_a, lead_department=dept_a)
    Milestone.objects.bulk_create([Milestone(project=p, kind=k) for k in Milestone.Kind.values])
    with pytest.raises(Invalid, match="处于“已入库”状态，不能“开工”"):
        services.project_transition(user=staff_a, pk=p.pk, target="started", on=D("2026-03-01"))
    p = services.project_transition(user=staff_a, pk=p.pk, target="signed", on=D("2026-02-01"))
    assert p.milestones.get(kind="signed").actual_on == D("2026-02-01")
    p = services.project_transition(user=staff_a, pk=p.pk, target="land", on=D("2026-03-01"))
    with pytest.raises(Invalid, match="佐证材料"):
        services.project_transition(user=staff_a, pk=p.pk, target="started", on=D("2026-04-01"))
    with pytest.raises(Invalid, match="原因"):
        services.project_transition(user=staff_a, pk=p.pk, target="paused")
    p = services.project_transition(user=staff_a, pk=p.pk, target="paused", reason="资金未到位")
    assert (p.status, p.status_before_pause) == ("paused", "land")
    p = services.project_transition(user=staff_a, pk=p.pk, target="resume")
    assert p.status == "land"
    with pytest.raises(Invalid, match="早于项目上一节点（2026-03-01）"):
        services.project_transition(
            user=staff_a, pk=p.pk, target="started", on=D("2026-02-15"), evidence="施工许可证"
        )


def test_start_waits_for_the_construction_permit_stage(staff_a, project):
    from parkos.core.exceptions import Invalid

    Project.objects.filter(pk=project.pk).update(status="land")
    Milestone.objects.bulk_create([Milestone(project=project, kind=k) for k in Milestone.Kind.values])
    with pytest.raises(Invalid, match="施工许可阶段办结前"):
        services.project_transition(user=staff_a, pk=project.pk, target="started", evidence="施工许可证")


# ---- rates ----------------------------------------------------------------------------------------------------
def test_rates_by_category_with_hand_worked_figures(admin, dept_a, ent_a):
    # four industrial projects planned to start in 2026; three did (one early, in 2025); one tech project started
    # in 2026 without a plan for 2026
    ps = [ProjectFactory(investor=ent_a, lead_department=dept_a, category="industry") for _ in range(4)]
    _plan(ps[0], started=("2026-03-01", "2026-03-20"))
    _plan(ps[1], started=("2026-06-01", "2026-05-10"))
    _plan(ps[2], started=("2026-09-01", "2025-12-20"))
    _plan(ps[3], started=("2026-10-01", None))
    tech = ProjectFactory(investor=ent_a, lead_department=dept_a, category="tech")
    _plan(tech, started=("2027-03-01", "2026-04-01"))
    for p, plan in zip(ps, ["1000", "3000", "2000", "4000"], strict=True):
        YearPlan.objects.create(project=p, year=2026, investment=Decimal(plan), funds=Decimal(plan))
    MonthlyReport.objects.create(
        project=ps[0], month=D("2026-03-01"), investment=Decimal("600"), funds=Decimal("500")
    )
    MonthlyReport.objects.create(
        project=ps[1], month=D("2026-05-01"), investment=Decimal("2400"), funds=Decimal("2000")
    )
    MonthlyReport.objects.create(
        project=ps[1], month=D("2025-12-01"), investment=Decimal("999"), funds=Decimal("999")
    )
    data = selectors.rates(user=admin, period=selectors.Period(2026), by="category", today=D("2027-01-15"))
    rows = {r["label"]: r for r in data["rows"]}
    industry = rows["重大产业项目"]
    assert (industry["start"]["planned"], industry["start"]["achieved"]) == (4, 3)
    assert industry["start"]["rate"] == Decimal("75.0")
    assert industry["invested"] == Decimal("3000.00")  # 2026 only: last December's report is 2025's
    assert industry["investment_rate"] == Decimal("30.0")  # 3,000 of 10,000
    assert industry["pace_gap"] == Decimal("-70.0")  # the whole year has elapsed at its end
    assert data["total"]["start"]["unplanned"] == 1
    # the year still running on 2026-07-02: 183 of 365 days elapsed, 50.1 %
    running = selectors.rates(user=admin, period=selectors.Period(2026), by="all", today=D("2026-07-02"))
    assert running["total"]["pace_gap"] == Decimal("-20.1")
    assert data["total"]["funds_rate_year"] == Decimal("25.0")  # 2,500 of 10,000
    # half-year view: planned by June are ps[0] and ps[1], both started → 100 %; 181 of 365 days elapsed
    half = selectors.rates(
        user=admin, period=selectors.Period(2026, quarter=2), by="all", today=D("2027-01-15")
    )
    assert half["total"]["start"]["rate"] == Decimal("100.0")
    assert half["total"]["pace_gap"] == Decimal("-19.6")  # 30.0 % done against 49.589… % of the year
    drill = selectors.rate_projects(user=admin, period=selectors.Period(2026), metric="start", by="category")
    assert {r["project"].pk for r in drill if r["in_plan"] and not r["achieved"]} == {ps[3].pk}


def test_rates_page_chart_and_export(client_admin, dept_a, ent_a):
    p = ProjectFactory(investor=ent_a, lead_department=dept_a)
    _plan(p, started=("2026-03-01", "2026-03-20"))
    r = client_admin.get(reverse("projects:rates"), {"year": 2026, "by": "department"})
    assert r.status_code == 200
    assert 'data-chart="chart-rates"' in r.text
    x = client_admin.get(reverse("projects:rates"), {"year": 2026, "by": "department", "export": "xlsx"})
    rows = read_xlsx(io.BytesIO(x.content))
    assert rows[0][5] == "开工率(%)"
    assert rows[1][0] == dept_a.name
    assert float(rows[1][5]) == 100.0


# ---- monthly reports --------------------------------------------------------------------------------------------
def test_monthly_report_import_validates_everything_first(tmp_path, staff_a, dept_a, ent_a, dept_b):
    ok = ProjectFactory(investor=ent_a, lead_department=dept_a, code="2026-430121-34-03-000001")
    ProjectFactory(lead_department=dept_b, code="2026-430121-34-03-000002")
    head = [c.header for c in MONTHLY_SCHEMA.columns]
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        head,
        [
            ["2026-430121-34-03-000001", "", "2026-03", 100, 90, "", "", "", "桩基施工", ""],
            ["2026-430121-34-03-000001", "", "2026-03", 100, 90, "", "", "", "", ""],
            ["2026-430121-34-03-000002", "", "2026-03", 100, 90, "", "", "", "", ""],
            ["2026-430121-34-03-999999", "", "2026-03", -5, 90, "", "", "", "", ""],
        ],
    )
    report = import_file(kind="project-monthly", source=bad, user=staff_a)
    assert not report.ok
    errors = {(e["row"], e["column"]) for e in report.errors}
    assert (3, "月份") in errors  # duplicate of row 2
    assert (4, "项目代码") in errors  # another department's project
    assert (5, "项目代码") in errors  # unknown code
    assert (5, "当月完成投资(万元)") in errors  # negative
    assert MonthlyReport.objects.count() == 0
    good = write_xlsx(
        tmp_path / "good.xlsx",
        head,
        [["2026-430121-34-03-000001", "", "2026-03", 100.5, 90, "", "", "", "桩基施工", "无"]],
    )
    report = import_file(kind="project-monthly", source=good, user=staff_a)
    assert (report.ok, report.created) == (True, 1)
    r = MonthlyReport.objects.get(project=ok)
    assert (r.month, r.investment, r.progress) == (D("2026-03-01"), Decimal("100.50"), "桩基施工")
    again = import_file(
        kind="project-monthly",
        source=write_xlsx(
            tmp_path / "again.xlsx",
            head,
            [["2026-430121-34-03-000001", "", "2026年3月", 120, 90, "", "", "", "主体施工", ""]],
        ),
        user=staff_a,
    )
    assert (again.created, again.updated) == (0, 1)
    assert r.history.count() == 2


def test_missing_reports_flagged_after_the_due_day(admin, dept_a, ent_a):
    reported = ProjectFactory(
        investor=ent_a, lead_department=dept_a, status="started", registered_on=D("2026-01-05")
    )
    silent = ProjectFactory(
        investor=ent_a, lead_department=dept_a, status="started", registered_on=D("2026-01-05")
    )
    ProjectFactory(
        investor=ent_a, lead_department=dept_a, status="registered"
    )  # not under way: no report due
    MonthlyReport.objects.create(project=reported, month=D("2026-10-01"), investment=1, funds=1)
    before = selectors.missing_reports(user=admin, month=D("2026-10-01"), today=D("2026-11-05"))
    assert (before["due"], before["overdue"], before["expected"]) == (D("2026-11-05"), False, 2)
    after = selectors.missing_reports(user=admin, month=D("2026-10-01"), today=D("2026-11-06"))
    assert after["overdue"]
    assert [p.pk for p in after["missing"]] == [silent.pk]


def test_report_entered_on_the_page_and_concurrent_edit_refused(client_staff_a, staff_a, ent_a, dept_a):
    from parkos.core.exceptions import Conflict

    p = ProjectFactory(investor=ent_a, lead_department=dept_a)
    r = client_staff_a.post(
        reverse("projects:report_save", args=[p.pk]),
        {"month": "2026-03", "investment": "250.00", "funds": "200", "progress": "主体结构"},
    )
    assert r.status_code == 302
    rep = MonthlyReport.objects.get(project=p)
    assert rep.investment == Decimal("250.00")
    services.monthly_report_save(
        user=staff_a, pk=p.pk, month=D("2026-03-01"), data={"investment": 260}, version=1
    )
    with pytest.raises(Conflict):
        services.monthly_report_save(
            user=staff_a, pk=p.pk, month=D("2026-03-01"), data={"investment": 270}, version=1
        )


# ---- problems -----------------------------------------------------------------------------------------------
def test_overdue_problem_escalates_to_leaders_once(staff_a, leader, ent_a, dept_a, dept_b):
    p = ProjectFactory(investor=ent_a, lead_department=dept_a)
    prob = services.problem_raise(
        user=staff_a, pk=p.pk, description="高压线迁改", owner_id=dept_b.pk, due_wd=5, on=D("2026-04-28")
    )
    assert prob.due_on == D("2026-05-08")  # May Day skipped, 调休 Saturday 9 May not reached
    services.refresh(today=D("2026-05-08"))
    assert not Notice.objects.filter(notify.about(prob)).exists()
    services.refresh(today=D("2026-05-09"))
    services.refresh(today=D("2026-05-11"))
    alert = Notice.objects.get(notify.about(prob))
    assert alert.kind == "projects.problem_overdue"
    assert leader in alert.recipients.all()
    prob.refresh_from_db()
    assert prob.escalated_on == D("2026-05-09")


def test_problem_answered_by_its_owner_department(client, staff_b, staff_a, ent_a, dept_a, dept_b):
    p = ProjectFactory(investor=ent_a, lead_department=dept_a)
    prob = services.problem_raise(user=staff_a, pk=p.pk, description="用电报装", owner_id=dept_b.pk, due_wd=5)
    client.force_login(staff_b)
    assert prob in Problem.objects.restrict(staff_b)
    # the owner answers on the project's page, which its inbox notice and the queue link to: it may open it
    page = client.get(reverse("projects:detail", args=[p.pk]))
    assert page.status_code == 200
    assert "用电报装" in page.text
    assert not Project.objects.restrict(staff_b, "change").filter(pk=p.pk).exists()  # read-only for it
    done = services.problem_answer(user=staff_b, pk=prob.pk, answer="已协调供电公司", close=True)
    assert done.state == "closed"


def test_flow_limits_must_fit_the_total(admin, staff_a, catalogue):
    from parkos.core.exceptions import Forbidden, Invalid
    from parkos.projects.models import FlowTemplate

    flow = FlowTemplate.objects.get(investment_type="industrial")
    with pytest.raises(Invalid, match="超过全流程时限 60 个工作日"):
        services.flow_update(user=admin, pk=flow.pk, version=flow.version, data={"stage1_wd": 40})
    with pytest.raises(Forbidden):
        services.flow_update(user=staff_a, pk=flow.pk, version=flow.version, data={"stage1_wd": 10})
    services.flow_update(user=admin, pk=flow.pk, version=flow.version, data={"stage1_wd": 10})
    flow.refresh_from_db()
    assert flow.stage_limits() == {"STAGE1": 10, "MERGED_2_3": 30, "STAGE4": 15}


def test_department_report_figures(admin, staff_a, project):
    def act(it, a, on, **kw):
        return services.item_act(user=staff_a, pk=it.pk, action=a, on=D(on), today=D(on), **kw)

    it = ItemInstance.objects.get(project=project, item__code="GG-1-04")
    act(it, "submit", "2026-04-28")
    act(it, "accept", "2026-04-28")
    act(it, "request_correction", "2026-04-30", note="补正")
    act(it, "receive_materials", "2026-05-11")
    act(it, "approve", "2026-05-22")  # one day late: due 21 May
    rows = selectors.department_report(user=admin, start=D("2026-01-01"), end=D("2026-12-31"))
    (row,) = [r for r in rows if r["department_id"] == staff_a.department_id]
    assert (row["finished"], row["on_time"], row["on_time_rate"]) == (1, 0, Decimal("0.0"))
    assert row["avg_wd"] == Decimal("11.0")
    assert row["correction_rate"] == Decimal("100.0")


def test_settings_page_saves_and_refuses_nonsense(client_admin, client, staff_a, catalogue):
    from parkos.projects.models import ApprovalConfig

    url = reverse("projects:flows")
    r = client_admin.post(
        url, {"yellow_ratio": "0.25", "yellow_min_wd": "3", "report_due_day": "10"}, follow=True
    )
    assert "设置已保存" in r.text
    cfg = ApprovalConfig.get()
    assert (cfg.yellow_ratio, cfg.yellow_min_wd, cfg.report_due_day) == (Decimal("0.25"), 3, 10)
    r = client_admin.post(url, {"yellow_ratio": "abc"}, follow=True)
    assert "剩余时限占比黄灯阈值: 输入一个数字。" in r.text  # the field's label and the reason
    r = client_admin.post(url, {"report_due_day": "31"}, follow=True)
    assert "月报报送截止日（次月）: 确保该值小于或等于28。" in r.text
    client.force_login(staff_a)
    r = client.post(url, {"report_due_day": "7"}, follow=True)
    assert "您无权修改审批设置" in r.text
    assert ApprovalConfig.get().report_due_day == 10
