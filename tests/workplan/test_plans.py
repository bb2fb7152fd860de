"""Plans in the database: import the seed, suggestions, assignment, progress, status on the zone calendar
(hand-worked dates across May Day), reminders once, the ranking, the ledger round trip, the bulletin, scope."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import Http404
from django.urls import reverse

from parkos.core import notify
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.imports import import_file
from parkos.core.models import Department, Notice, Role
from parkos.workplan import selectors, services
from parkos.workplan.engine import parse
from parkos.workplan.models import Plan, Task, WorkplanConfig
from tests.factories import DepartmentFactory, UserFactory, grant
from tests.xlsx import read_xlsx

D = dt.date.fromisoformat
SEED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "parkos"
    / "workplan"
    / "data"
    / "changsha-etdz-2020-work-points.txt"
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    dzb = DepartmentFactory(code="DZB", name="党政综合办公室")
    grant("workplan.supervision", dzb)
    return UserFactory(username="duchashi", role=Role.DEPT_STAFF, department=dzb)


@pytest.fixture
def zone(office, dept_a, dept_b):
    for code, name in [
        ("SPJ", "行政审批服务局"),
        ("KJJ", "科技和人才局"),
        ("GHJ", "规划建设局"),
        ("CZJ", "财政局"),
        ("QFZX", "企业服务中心"),
    ]:
        DepartmentFactory(code=code, name=name)
    services.install_default_rules()
    return Department.objects.all()


@pytest.fixture
def plan(zone, office):
    return services.plan_import(
        user=office, result=parse(SEED.read_text(encoding="utf-8")), year=2020, source_name="seed.txt"
    )


def test_seed_becomes_a_plan_with_points_and_tasks(plan):
    assert plan.title == "长沙经济技术开发区党工委2020年工作要点"
    assert plan.published == D("2020-03-04")
    assert plan.points.filter(level=1).count() == 5
    assert plan.points.filter(level=2).count() == 24
    first = Task.objects.get(plan=plan, seq="1.1.1")
    assert first.text == "大力开展工业地产项目招商及现有企业二次招商,优化园区产业结构"
    assert first.suggested_lead.name == "投资促进局"  # 招商 appears most
    assert "招商" in first.suggested_words
    parsed = parse(SEED.read_text(encoding="utf-8"))
    assert Task.objects.filter(plan=plan).count() == sum(len(n.tasks) for n in parsed.nodes()) == 98
    assert Task.objects.filter(plan=plan, seq="2.6.1").exists()  # point 6 sits in chapter 2: numbers continue


def test_tasks_carry_the_documents_own_numbering(plan):
    """The seed's 一、 1. and its sentences: 一、1.① … — never the 1.1.1 of the database."""
    assert Task.objects.get(plan=plan, seq="1.1.1").label == "一、1.①"
    assert Task.objects.get(plan=plan, seq="1.1.2").label == "一、1.②"
    assert Task.objects.get(plan=plan, seq="2.6.1").label.startswith("二、6.")


def test_a_point_that_is_its_own_task_is_one_row_on_the_board(office, client):
    result = parse(
        "2026年工作要点\n一、产业链攻坚\n（一）招商引资\n1.创新招商引资方式。\n2.推进改革。完成甲项。完成乙项。\n"
    )
    plan = services.plan_import(user=office, result=result, year=2026)
    only = plan.tasks.get(text="创新招商引资方式")
    assert only.label == "一、（一）1."  # the point's only task takes the point's label, no ①
    assert plan.tasks.get(text="完成乙项").label == "一、（一）2.②"
    client.force_login(office)
    html = client.get(reverse("workplan:board", args=[plan.pk])).content.decode()
    assert html.count("创新招商引资方式") == 1  # not the point and then its echo as a task
    assert f'href="/workplan/tasks/{only.pk}/"' in html
    assert "一、（一）2.②" in html
    assert ">1.1.2.2<" not in html


def test_suggestions_apply_and_assignment_by_hand(plan, office):
    n = services.apply_suggestions(user=office, plan_id=plan.pk)
    assert n == Task.objects.filter(plan=plan, suggested_lead__isnull=False).count()
    task = Task.objects.get(plan=plan, seq="1.1.1")
    assert task.lead.name == "投资促进局"
    spj = Department.objects.get(code="SPJ")
    task = services.task_assign(
        user=office, pk=task.pk, version=task.version, lead=spj, co=[], deadline=D("2020-06-30")
    )
    assert (task.lead, task.deadline) == (spj, D("2020-06-30"))
    with pytest.raises(Conflict, match="版本|version"):
        services.task_assign(user=office, pk=task.pk, version=1, lead=spj)


def test_only_the_office_assigns(plan, staff_a, leader):
    task = Task.objects.filter(plan=plan).first()
    for user in (staff_a, leader):
        with pytest.raises(Forbidden):
            services.task_assign(user=user, pk=task.pk, version=task.version, lead=None)


def _one_task(office, dept, start="2026-04-27", deadline="2026-05-15"):
    result = parse("2026年工作要点\n一、项目\n1.推进项目。开工建设厂房。\n")
    plan = services.plan_import(user=office, result=result, year=2026, start_on=D(start))
    task = plan.tasks.get()
    return services.task_assign(
        user=office, pk=task.pk, version=task.version, lead=dept, deadline=D(deadline)
    )


def test_status_across_may_day(office, dept_a, staff_a):
    # (27 Apr, 15 May] holds 12 working days: 28-30 April, 6-9 May (9th a 调休 Saturday), 11-15 May
    task = _one_task(office, dept_a)
    services.refresh(today=D("2026-04-28"))
    task.refresh_from_db()
    assert task.status == "not_started"
    services.progress_report(
        user=staff_a, pk=task.pk, text="完成设计", percent=25, on=D("2026-05-08"), today=D("2026-05-08")
    )
    task.refresh_from_db()
    assert task.status == "lagging"  # 6 of 12 working days gone (50 %), 25 % done: more than 20 points behind
    services.progress_report(
        user=staff_a, pk=task.pk, text="桩基完成", percent=30, on=D("2026-05-08"), today=D("2026-05-08")
    )
    task.refresh_from_db()
    assert task.status == "in_progress"  # exactly 20 points behind is still within the margin
    services.refresh(today=D("2026-05-16"))
    task.refresh_from_db()
    assert task.status == "overdue"
    services.progress_report(
        user=staff_a, pk=task.pk, text="竣工", percent=100, on=D("2026-05-18"), today=D("2026-05-18")
    )
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("done", D("2026-05-18"))


def test_reminder_five_working_days_before_the_deadline_once(office, dept_a, staff_a):
    task = _one_task(office, dept_a)
    services.refresh(today=D("2026-05-08"))
    assert not Notice.objects.exists()
    services.refresh(
        today=D("2026-05-09")
    )  # 14, 13, 12, 11 and the 调休 Saturday 9 May: five working days before
    services.refresh(today=D("2026-05-11"))
    r = Notice.objects.get(notify.about(task))
    assert (r.kind, r.on) == ("workplan.due_soon", D("2026-05-09"))
    assert staff_a in r.recipients.all()
    services.refresh(today=D("2026-05-18"))
    overdue = Notice.objects.get(notify.about(task), kind="workplan.overdue")
    assert office in overdue.recipients.all()  # the supervision office hears of overdue tasks


def test_ranking_rates(office, dept_a, dept_b, staff_a, staff_b):
    result = parse("2026年工作要点\n一、甲\n1.一。任务一；任务二；任务三；任务四。\n")
    plan = services.plan_import(user=office, result=result, year=2026, start_on=D("2026-01-05"))
    tasks = list(plan.tasks.order_by("order"))
    for t, dept, deadline in zip(
        tasks,
        [dept_a, dept_a, dept_a, dept_b],
        ["2026-12-31", "2026-03-31", "2026-12-31", "2026-12-31"],
        strict=True,
    ):
        services.task_assign(user=office, pk=t.pk, version=t.version, lead=dept, deadline=D(deadline))
    services.progress_report(
        user=staff_a, pk=tasks[0].pk, text="完成", percent=100, on=D("2026-04-01"), today=D("2026-04-01")
    )
    services.refresh(today=D("2026-04-01"))
    rows = {r["department"]: r for r in selectors.ranking(user=office, plan=plan)}
    a = rows[dept_a.name]
    # three led: one done, one overdue (due 31 March), one at 0 % with about a quarter of its year gone (lagging)
    assert (a["led"], a["done"], a["overdue"], a["lagging"]) == (3, 1, 1, 1)
    assert (a["completion_rate"], a["late_rate"]) == (Decimal("33.3"), Decimal("66.7"))
    assert rows[dept_b.name]["completion_rate"] == Decimal("0.0")
    assert a["rank"] == 1


def test_departments_see_only_their_tasks_and_enterprises_nothing(
    plan, office, client, staff_a, ent_user_a, dept_a
):
    services.apply_suggestions(user=office, plan_id=plan.pk)
    mine = Task.objects.restrict(staff_a)
    assert mine.exists()
    assert all(t.lead_id == dept_a.pk or dept_a in t.co_departments.all() for t in mine)
    other = Task.objects.exclude(pk__in=mine).first()
    client.force_login(staff_a)
    assert client.get(reverse("workplan:task", args=[other.pk])).status_code == 404
    with pytest.raises(Http404):  # out of scope is not found
        services.progress_report(user=staff_a, pk=other.pk, text="x", percent=10)
    client.force_login(ent_user_a)
    assert client.get(reverse("workplan:index")).status_code == 404
    assert client.get(reverse("workplan:board", args=[plan.pk])).status_code == 404
    assert Task.objects.restrict(ent_user_a).count() == 0


def test_ledger_round_trip_assigns_in_bulk(plan, office, tmp_path):
    services.apply_suggestions(user=office, plan_id=plan.pk)
    first = Task.objects.get(plan=plan, seq="1.1.1")
    buf = io.BytesIO()
    from parkos.workplan.imports import LEDGER_SCHEMA

    LEDGER_SCHEMA.write(buf, selectors.ledger_records(user=office, plan=plan))
    rows = read_xlsx(io.BytesIO(buf.getvalue()))
    assert rows[0][:9] == [
        "序号",
        "编号",
        "工作要点",
        "具体任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "进展情况",
        "完成状态",
    ]
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(buf.getvalue())
    same = import_file(kind="workplan-ledger", source=path, user=office)
    assert (same.ok, same.updated) == (True, 0)  # export → import changes nothing
    assert rows[1][:2] == ["1.1.1", "一、1.①"]
    rows[1][4], rows[1][5], rows[1][6] = "行政审批服务局", "财政局、规划建设局", "2020年6月底"
    from tests.xlsx import write_xlsx

    changed = import_file(
        kind="workplan-ledger", source=write_xlsx(tmp_path / "c.xlsx", rows[0], rows[1:]), user=office
    )
    assert (changed.ok, changed.updated) == (True, 1)
    first.refresh_from_db()
    assert (first.lead.code, first.deadline) == ("SPJ", D("2020-06-30"))
    assert sorted(d.code for d in first.co_departments.all()) == ["CZJ", "GHJ"]
    rows[2][4] = "不存在局"
    bad = import_file(
        kind="workplan-ledger", source=write_xlsx(tmp_path / "b.xlsx", rows[0], rows[1:]), user=office
    )
    assert not bad.ok
    assert bad.errors[0]["row"] == 3
    assert "不存在局" in bad.errors[0]["message"]


def test_instruction_must_be_answered_by_the_lead(plan, office, leader, staff_a, staff_b, dept_a):
    task = Task.objects.filter(plan=plan).first()
    services.task_assign(user=office, pk=task.pk, version=task.version, lead=dept_a)
    ins = services.instruction_add(user=leader, pk=task.pk, text="请加快进度")
    with pytest.raises(Forbidden):
        services.instruction_add(user=staff_a, pk=task.pk, text="x")
    assert selectors.my_tasks(user=staff_a)["waiting"] == [ins]
    with pytest.raises(Forbidden):
        services.instruction_answer(user=staff_b, pk=ins.pk, answer="x")
    with pytest.raises(Invalid):
        services.instruction_answer(user=staff_a, pk=ins.pk, answer=" ")
    services.instruction_answer(user=staff_a, pk=ins.pk, answer="已召开调度会")
    assert selectors.my_tasks(user=staff_a)["waiting"] == []


def test_board_ledger_and_bulletin_pages(plan, office, client, leader):
    services.apply_suggestions(user=office, plan_id=plan.pk)
    services.refresh(plan_id=plan.pk, today=D("2020-06-01"))
    task = Task.objects.get(plan=plan, seq="1.1.1")
    services.instruction_add(user=leader, pk=task.pk, text="抓紧落实", on=D("2020-06-03"))
    client.force_login(office)
    r = client.get(reverse("workplan:board", args=[plan.pk]))
    assert r.status_code == 200
    assert 'data-chart="chart-chapters"' in r.text
    assert "创新招商引资方式" in r.text
    r = client.get(reverse("workplan:board", args=[plan.pk]), {"export": "xlsx"})
    assert read_xlsx(io.BytesIO(r.content))[1][0] == "1.1.1"
    r = client.get(reverse("workplan:bulletin", args=[plan.pk]), {"month": "2020-06"})
    from docx import Document

    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2020年6月" in text
    assert "督查情况的通报" in text
    assert "抓紧落实" in text
    assert len(doc.tables) >= 1


def test_plan_for_a_year_only_once(plan, office):
    with pytest.raises(Invalid, match="2020"):
        services.plan_import(user=office, result=parse(SEED.read_text(encoding="utf-8")), year=2020)
    assert Plan.objects.count() == 1


def test_a_missed_quarterly_milestone_makes_the_task_lag(office, dept_a, staff_a):
    task = _one_task(office, dept_a, start="2026-01-05", deadline="2026-12-31")
    services.milestone_add(user=office, pk=task.pk, due=D("2026-03-31"), target="完成一季度目标")
    with pytest.raises(Invalid):
        services.milestone_add(user=office, pk=task.pk, due=D("2027-03-31"), target="超出时限")
    services.progress_report(
        user=staff_a, pk=task.pk, text="推进中", percent=30, on=D("2026-03-20"), today=D("2026-03-20")
    )
    task.refresh_from_db()
    assert task.status == "in_progress"
    services.refresh(today=D("2026-04-01"))
    task.refresh_from_db()
    assert task.status == "lagging"
    m = task.milestones.get()
    services.milestone_done(user=staff_a, pk=m.pk, on=D("2026-04-02"))
    services.refresh(today=D("2026-04-02"))
    task.refresh_from_db()
    assert task.status == "in_progress"


def test_department_page_lists_reminders(office, dept_a, staff_a, client):
    task = _one_task(office, dept_a)
    services.refresh(today=D("2026-05-11"))
    client.force_login(staff_a)
    r = client.get(reverse("workplan:mine"))
    assert "临近到期" in r.text
    assert task.seq in r.text


def test_settings_are_edited_by_administrators(admin, staff_a, client, office):
    client.force_login(admin)
    client.post(
        reverse("workplan:rules"),
        {"settings": "1", "lag_margin": "15", "remind_wd": "3", "office": office.department_id},
    )
    cfg = WorkplanConfig.get()
    assert (cfg.lag_margin, cfg.remind_wd) == (15, 3)
    with pytest.raises(Forbidden):
        services.config_update(user=staff_a, data={"lag_margin": 5})
    with pytest.raises(Invalid):
        services.config_update(user=admin, data={"lag_margin": 150})


def test_upload_preview_shows_warnings_in_chinese(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office)
    doc = SimpleUploadedFile("plan.txt", "计划\n一、甲\n1.一\n3.三\n".encode())
    r = client.post(reverse("workplan:upload"), {"file": doc})
    assert "第 4 行：“3.”处应为第 2 项" in r.text


def test_task_page_forms_assign_report_milestone_instruct_and_answer(
    plan, office, leader, staff_a, staff_b, dept_a, dept_b, client
):
    task = Task.objects.filter(plan=plan).order_by("order").first()
    client.force_login(office)
    url = reverse("workplan:task_assign", args=[task.pk])
    r = client.post(url, {"lead": dept_a.pk, "deadline": "2020-13-01", "version": task.version}, follow=True)
    assert "完成时限" in r.text  # the field named, nothing written
    task.refresh_from_db()
    assert task.lead_id is None
    r = client.post(
        url,
        {
            "lead": dept_a.pk,
            "co": [dept_b.pk],
            "deadline": "2020-06-30",
            "responsible": "张三",
            "next": "https://x.example/",
        },
    )
    assert r["Location"] == reverse("workplan:task", args=[task.pk])
    task.refresh_from_db()
    assert (task.lead, list(task.co_departments.all()), task.deadline, task.responsible) == (
        dept_a,
        [dept_b],
        D("2020-06-30"),
        "张三",
    )
    r = client.post(reverse("workplan:task_milestone", args=[task.pk]), {"target": "完成选址"}, follow=True)
    assert not task.milestones.exists()
    client.post(
        reverse("workplan:task_milestone", args=[task.pk]), {"due": "2020-03-31", "target": "完成选址"}
    )
    (m,) = task.milestones.all()
    assert (m.due, m.target) == (D("2020-03-31"), "完成选址")
    client.force_login(staff_a)
    r = client.post(
        reverse("workplan:task_report", args=[task.pk]), {"text": "已完成", "percent": "120"}, follow=True
    )
    assert "进度" in r.text
    task.refresh_from_db()
    assert task.percent == 0
    client.post(
        reverse("workplan:task_report", args=[task.pk]),
        {"text": "完成选址", "percent": "40", "on": "2020-03-20"},
    )
    task.refresh_from_db()
    assert task.percent == 40
    client.force_login(leader)
    client.post(reverse("workplan:task_instruct", args=[task.pk]), {"text": "请加快进度"})
    (ins,) = task.instructions.all()
    client.force_login(staff_b)  # a co-department sees the task but the lead department answers
    client.post(reverse("workplan:instruction_answer", args=[ins.pk]), {"answer": "x"})
    ins.refresh_from_db()
    assert not ins.answer
    client.force_login(staff_a)
    client.post(reverse("workplan:instruction_answer", args=[ins.pk]), {"answer": "已召开调度会"})
    ins.refresh_from_db()
    assert ins.answer == "已召开调度会"


def test_a_progress_report_carries_its_files_served_only_to_who_sees_the_task(
    office, dept_a, staff_a, staff_b, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parkos.core.models import Attachment

    task = _one_task(office, dept_a)
    client.force_login(staff_a)
    photo = SimpleUploadedFile("厂房封顶.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    r = client.post(
        reverse("workplan:task_report", args=[task.pk]),
        {"text": "主体封顶", "percent": 60, "on": "2026-05-08", "attachment": [photo]},
    )
    assert r.status_code == 302
    (a,) = Attachment.objects.filter(target="workplan.report")
    page = client.get(reverse("workplan:task", args=[task.pk])).content.decode()
    assert f'href="/files/{a.pk}/"' in page
    assert "厂房封顶.jpg" in page
    assert client.get(f"/files/{a.pk}/").status_code == 200
    client.force_login(staff_b)  # another department: neither the task nor its files
    assert client.get(f"/files/{a.pk}/").status_code == 404
    client.force_login(staff_a)
    bad = SimpleUploadedFile("进度.pdf", b"not a pdf at all")
    client.post(
        reverse("workplan:task_report", args=[task.pk]), {"text": "再报", "percent": 70, "attachment": [bad]}
    )
    assert task.reports.count() == 1  # the report and its files together, or neither
