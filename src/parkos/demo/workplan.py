"""Demo supervision: the seed 工作要点 as the 2020 plan (a finished year) and, so the pages have a live year, the
same points as this year's plan; assigned by the keyword rules, with progress reports, leaders' instructions
and answers, all through the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from parkos.core import capabilities
from parkos.core.models import Department, User
from parkos.core.selectors import working_calendar
from parkos.workplan import services
from parkos.workplan.engine import parse
from parkos.workplan.models import SUPERVISION_OFFICE, Task

SEED = Path(__file__).resolve().parent.parent / "workplan" / "data" / "changsha-etdz-2020-work-points.txt"
OFFICIALS = ["王副主任", "李副主任", "张副主任", "刘副主任", "陈副主任"]
REPORTS = ["已召开专题调度会，明确责任分工", "完成方案编制并报管委会审定", "按计划推进，已完成阶段性目标",
           "已与相关企业对接，形成合作意向", "完成年度任务的主要工作量", "受疫情影响进度有所放缓，正在追赶"]  # fmt: skip
INSTRUCTIONS = [
    "请加快推进，确保按期完成。",
    "请牵头单位本周内报送推进计划。",
    "此项工作要与招商工作统筹考虑。",
]


@transaction.atomic
def build_workplan(*, rng, today: dt.date, admin: User) -> int:
    dzb = Department.objects.filter(code="DZB").first()
    if dzb is None:
        return 0
    capabilities.set_holder(actor=admin, key=SUPERVISION_OFFICE, department_id=dzb.pk)
    services.install_default_rules()
    office = User.objects.filter(department=dzb, role__in=["dept_staff", "dept_admin"]).first() or admin
    leader = User.objects.filter(role="leader").first()
    text = SEED.read_text(encoding="utf-8")
    made = 0
    for year, as_of in ((2020, dt.date(2021, 2, 26)), (today.year, today)):
        doc = (
            text
            if year == 2020
            else text.replace("2020年", f"{year}年").replace("2020-03-04", f"{year}-03-04")
        )
        doc = doc.replace("2020年3月4日", f"{year}年3月4日")
        plan = services.plan_import(user=office, result=parse(doc), year=year, source_name=SEED.name)
        services.apply_suggestions(user=office, plan_id=plan.pk)
        _assign_rest(plan, dzb, rng, office)
        _progress(plan, rng, as_of, office, leader)
        services.refresh(plan_id=plan.pk, today=today)
        made += 1
    return made


def _assign_rest(plan, dzb, rng, office) -> None:
    ends = [
        dt.date(plan.year, 6, 30),
        dt.date(plan.year, 9, 30),
        dt.date(plan.year, 12, 31),
        dt.date(plan.year, 12, 31),
    ]
    tasks = list(plan.tasks.order_by("order"))
    for t in tasks:
        t.lead_id = t.lead_id or dzb.pk
        t.deadline = ends[int(rng.integers(0, len(ends)))]
        t.responsible = OFFICIALS[int(rng.integers(0, len(OFFICIALS)))]
    Task.objects.bulk_update(tasks, ["lead", "deadline", "responsible"], 500)


def _progress(plan, rng, as_of: dt.date, office, leader) -> None:
    cal = working_calendar()
    users = {}
    for u in User.objects.filter(role="dept_staff", is_active=True).order_by("username"):
        users.setdefault(u.department_id, u)
    for t in plan.tasks.order_by("order"):
        reporter = users.get(t.lead_id, office if office.is_superuser else None) or _admin()
        total = max(cal.working_days_between(plan.start_on, t.deadline), 1)
        days = []
        m = plan.start_on.replace(day=1)
        while m <= min(as_of, t.deadline):
            day = m.replace(day=25)
            if plan.start_on < day <= min(as_of, t.deadline):
                days.append(day)
            m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        days = days[-int(rng.integers(1, 4)) :] if days else []
        pace = float(rng.normal(1.0, 0.3))
        percent = 0
        for day in days:
            share = cal.working_days_between(plan.start_on, day) / total
            percent = max(percent, min(90, int(round(share * 100 * pace / 10)) * 10))
            _report(reporter, t, percent, day, rng)
        if as_of >= t.deadline:  # the deadline has passed: most finish on time, some late, a few not at all
            roll = rng.random()
            if roll < 0.8:
                _report(reporter, t, 100, cal.add_working_days(t.deadline, -int(rng.integers(0, 8))), rng)
            elif roll < 0.92:
                late = cal.add_working_days(t.deadline, int(rng.integers(3, 30)))
                if late <= as_of:
                    _report(reporter, t, 100, late, rng)
        months = days
        if leader is not None and rng.random() < 0.06:
            ins = services.instruction_add(
                user=leader,
                pk=t.pk,
                text=INSTRUCTIONS[int(rng.integers(0, len(INSTRUCTIONS)))],
                on=months[-1] if months else plan.start_on,
            )
            if rng.random() < 0.6:
                services.instruction_answer(
                    user=reporter, pk=ins.pk, answer="已按批示要求部署落实。", on=ins.on
                )


def _report(reporter, task, percent, day, rng) -> None:
    if task.last_report_on and day < task.last_report_on:
        day = task.last_report_on
    services.progress_report(
        user=reporter,
        pk=task.pk,
        text=REPORTS[int(rng.integers(0, len(REPORTS)))],
        percent=percent,
        on=day,
        today=day,
    )
    task.refresh_from_db()


def _admin() -> User:
    return User.objects.filter(is_superuser=True).order_by("pk").first()
