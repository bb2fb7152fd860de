"""Every write to work plans: import a parsed document, assign, report, instruct, answer, and the daily
status refresh with reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import capabilities, notify
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.models import Department, Role, User, audited
from parkos.core.selectors import working_calendar
from parkos.core.services import attach_files
from parkos.core.services import clean_and_save as _save

from . import engine
from .models import (
    SUPERVISION_OFFICE,
    Instruction,
    KeywordRule,
    Plan,
    Point,
    ProgressReport,
    Task,
    TaskMilestone,
    WorkplanConfig,
    is_supervisor,
    task_label,
)

DEFAULT_RULES = [  # keyword → department code (the demo zone's departments); editable on the rules page
    ("招商", "TCJ"), ("外资", "TCJ"), ("开放型经济", "TCJ"), ("500强", "TCJ"), ("总部", "TCJ"),
    ("审批", "SPJ"), ("营商环境", "SPJ"), ("放管服", "SPJ"), ("政务服务", "SPJ"),
    ("人才", "KJJ"), ("创新", "KJJ"), ("研发", "KJJ"), ("科技", "KJJ"), ("高新技术", "KJJ"),
    ("项目建设", "JFJ"), ("智能制造", "JFJ"), ("产业链", "JFJ"), ("工业互联网", "JFJ"), ("入规", "JFJ"),
    ("企业服务", "QFZX"), ("个性化服务", "QFZX"), ("市场主体", "QFZX"),
    ("金融", "CZJ"), ("上市", "CZJ"), ("资金", "CZJ"), ("资产", "CZJ"), ("审计", "CZJ"),
    ("基础设施", "GHJ"), ("规划", "GHJ"), ("土地", "GHJ"), ("腾笼换鸟", "GHJ"), ("智慧园区", "GHJ"),
    ("党建", "DZB"), ("纪律", "DZB"), ("干部", "DZB"), ("政治", "DZB"), ("思想", "DZB"), ("组织", "DZB"),
]  # fmt: skip


def _supervisor(user) -> None:
    if not is_supervisor(user) or not user.may("change"):
        raise Forbidden(_("Only the supervision office assigns and configures work plans."))


def _rules() -> list[tuple[str, int]]:
    return list(KeywordRule.objects.values_list("keyword", "department_id"))


@transaction.atomic
def install_default_rules() -> int:
    depts = dict(Department.objects.values_list("code", "pk"))
    made = 0
    for kw, code in DEFAULT_RULES:
        if code in depts:
            made += KeywordRule.objects.get_or_create(keyword=kw, department_id=depts[code])[1]
    return made


@transaction.atomic
def plan_import(
    *, user, result: engine.ParseResult, year: int, source_name: str = "", start_on: dt.date | None = None
) -> Plan:
    """Store a parsed 工作要点: its points in document order and one task per task sentence (a point with
    neither tasks nor sub-points is itself one task). Departments are suggested by the keyword rules."""
    if not (user.may("import") or is_supervisor(user)) or user.is_enterprise_user:
        raise Forbidden(_("You may not import work plans."))
    if not result.items:
        raise Invalid(_("The document has no numbered points to supervise."))
    if Plan.objects.filter(year=year).exists():
        raise Invalid(
            _("A plan for %(year)s is already stored; delete it first or choose another year.")
            % {"year": year},
            fields={"year": [_("already stored")]},
        )
    plan = Plan(
        year=year,
        title=result.title or _("%(year)s work plan") % {"year": year},
        published=result.published,
        preamble=result.preamble,
        signature=result.signature,
        start_on=start_on or result.published or dt.date(year, 1, 1),
        source_name=source_name[:200],
        warnings=result.warnings,
        created_by=user,
    )
    _save(plan, user=user)
    rules = _rules()
    points: list[Point] = []
    tasks: list[Task] = []
    order = 0

    def add(node: engine.Node, parent: Point | None, prefix: str, path: str) -> None:
        nonlocal order
        seq = f"{prefix}{node.ordinal}" if not prefix else f"{prefix}.{node.ordinal}"
        path = f"{path}{node.label}"
        order += 1
        point = Point(
            plan=plan,
            parent=parent,
            level=node.level,
            ordinal=node.ordinal,
            label=node.label[:20],
            title=node.title[:300],
            text=node.text,
            order=order,
            seq=seq[:40],
        )
        point.save()
        points.append(point)
        sentences = [s for s in node.tasks or ([] if node.children else [node.title or node.text]) if s]
        for k, sentence in enumerate(sentences):
            order += 1
            lead, co, words = _suggest(f"{node.title}。{sentence}", rules)
            tasks.append(
                Task(
                    plan=plan,
                    point=point,
                    order=order,
                    seq=f"{seq}.{k + 1}"[:40],
                    label=task_label(path, k + 1, len(sentences))[:60],
                    text=sentence,
                    suggested_lead_id=lead,
                    suggested_co=",".join(map(str, co)),
                    suggested_words="、".join(words)[:200],
                )
            )
        for child in node.children:
            add(child, point, seq, path)

    for node in result.items:
        add(node, None, "", "")
    Task.objects.bulk_create(tasks)
    return plan


def _suggest(text: str, rules) -> tuple[int | None, list[int], list[str]]:
    order, words = engine.suggest(text, rules)
    return (order[0] if order else None), order[1:3], words


@transaction.atomic
def plan_delete(*, user, pk: int) -> None:
    _supervisor(user)
    plan = get_object_or_404(Plan, pk=pk)
    audited(plan, user)
    plan.delete()


# ---- assignment --------------------------------------------------------------------------------------------
@transaction.atomic
def task_assign(
    *,
    user,
    pk: int,
    version: int | None,
    lead: Department | None,
    co: list[Department] | None = None,
    deadline: dt.date | None = None,
    responsible: str = "",
) -> Task:
    _supervisor(user)
    task = get_object_or_404(Task.objects.select_for_update(), pk=pk)
    if version is not None and int(version) != task.version:
        raise Conflict(
            _("Someone else changed this task (now version %(current)s). Reload and assign again.")
            % {"current": task.version}
        )
    if deadline is not None and deadline < task.plan.start_on:
        raise Invalid(_("The deadline is before the plan starts."), fields={"deadline": [_("too early")]})
    task.lead, task.deadline, task.responsible = lead, deadline, (responsible or "").strip()[:60]
    task.version += 1
    _save(task, user=user)
    if co is not None:
        task.co_departments.set([d for d in co if lead is None or d.pk != lead.pk])
    return task


@transaction.atomic
def apply_suggestions(*, user, plan_id: int) -> int:
    """Give every unassigned task its suggested lead and co-departments."""
    _supervisor(user)
    tasks = list(Task.objects.filter(plan_id=plan_id, lead__isnull=True, suggested_lead__isnull=False))
    for t in tasks:
        t.lead_id = t.suggested_lead_id
        t.version += 1
    Task.objects.bulk_update(tasks, ["lead", "version"], 500)
    through = Task.co_departments.through
    through.objects.bulk_create(
        [
            through(task_id=t.pk, department_id=int(d))
            for t in tasks
            for d in t.suggested_co.split(",")
            if d and int(d) != t.lead_id
        ],
        ignore_conflicts=True,
    )
    return len(tasks)


@transaction.atomic
def rule_add(*, user, keyword: str, department_id: int) -> KeywordRule:
    _supervisor(user)
    keyword = keyword.strip()
    if not keyword:
        raise Invalid(_("Give a keyword."), fields={"keyword": [_("required")]})
    rule, _created = KeywordRule.objects.get_or_create(keyword=keyword[:40], department_id=department_id)
    return rule


@transaction.atomic
def rule_delete(*, user, pk: int) -> None:
    _supervisor(user)
    get_object_or_404(KeywordRule, pk=pk).delete()


def config_update(*, user, data: dict[str, Any]):
    if not WorkplanConfig.may_change(user):
        raise Forbidden(_("You may not change supervision settings."))
    if "lag_margin" in data and not 0 <= int(data["lag_margin"]) <= 100:
        raise Invalid(_("The margin is between 0 and 100 points."), fields={"lag_margin": [_("0 to 100")]})
    return WorkplanConfig.save_values(user=user, data=data)


@transaction.atomic
def milestone_add(*, user, pk: int, due: dt.date, target: str) -> TaskMilestone:
    """A quarterly (or any) milestone: set by the supervision office; a missed one makes the task lag."""
    _supervisor(user)
    task = get_object_or_404(Task, pk=pk)
    if not target.strip():
        raise Invalid(_("Describe the milestone."), fields={"target": [_("required")]})
    if due < task.plan.start_on or (task.deadline and due > task.deadline):
        raise Invalid(
            _("A milestone falls between the plan's start and the task's deadline."),
            fields={"due": [_("out of range")]},
        )
    m = TaskMilestone(task=task, due=due, target=target.strip()[:300])
    _save(m, user=user)
    refresh(task_ids=[task.pk])
    return m


@transaction.atomic
def milestone_done(*, user, pk: int, on: dt.date | None = None) -> TaskMilestone:
    m = get_object_or_404(TaskMilestone.objects.select_related("task"), pk=pk)
    if user.department_id != m.task.lead_id and not is_supervisor(user):
        raise Forbidden(_("The lead department reports its milestones."))
    m.done_on = on or timezone.localdate()
    _save(m, user=user)
    refresh(task_ids=[m.task_id])
    return m


# ---- progress, instructions --------------------------------------------------------------------------------
def _reporting_department(user, task: Task) -> int | None:
    if user.is_enterprise_user or not user.may("change"):
        raise Forbidden(_("You may not report on tasks."))
    if user.department_id and (
        user.department_id == task.lead_id or task.co_departments.filter(pk=user.department_id).exists()
    ):
        return user.department_id
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return task.lead_id
    raise Forbidden(_("Only the lead and co-departments report on this task."))


@transaction.atomic
def progress_report(
    *,
    user,
    pk: int,
    text: str,
    percent: int,
    on: dt.date | None = None,
    attachment=None,
    today: dt.date | None = None,
) -> ProgressReport:
    task = get_object_or_404(Task.objects.restrict(user).select_for_update(), pk=pk)
    dept = _reporting_department(user, task)
    if dept is None:
        raise Invalid(_("Assign a lead department first."))
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise Invalid(_("The date cannot be in the future."), fields={"on": [_("after today")]})
    if not text.strip():
        raise Invalid(_("Describe the progress."), fields={"text": [_("required")]})
    if not 0 <= int(percent) <= 100:
        raise Invalid(_("Progress is between 0 and 100 %."), fields={"percent": [_("0 to 100")]})
    report = ProgressReport(
        task=task, department_id=dept, on=on, text=text.strip(), percent=int(percent), created_by=user
    )
    _save(report, user=user)
    if attachment:  # the report and its files together, or neither
        uploads = list(attachment) if isinstance(attachment, list | tuple) else [attachment]
        attach_files(user=user, target="workplan.report", target_id=report.pk, uploads=uploads)
    if dept == task.lead_id:  # the lead department's latest report sets the task's progress
        latest = task.reports.filter(department_id=dept).order_by("-on", "-pk").first()
        task.percent, task.last_report_on = latest.percent, latest.on
        task.completed_on = latest.on if latest.percent >= 100 else None
        task.version += 1
        audited(task, user)
        task.save()
    refresh(today=today, task_ids=[task.pk])
    return report


@transaction.atomic
def instruction_add(*, user, pk: int, text: str, on: dt.date | None = None) -> Instruction:
    if not (user.is_superuser or user.role in {Role.LEADER, Role.SYSTEM_ADMIN}):
        raise Forbidden(_("Only leaders give instructions."))
    task = get_object_or_404(Task, pk=pk)
    if not text.strip():
        raise Invalid(_("Write the instruction."), fields={"text": [_("required")]})
    ins = Instruction(task=task, leader=user, on=on or timezone.localdate(), text=text.strip())
    _save(ins, user=user)
    return ins


@transaction.atomic
def instruction_answer(*, user, pk: int, answer: str, on: dt.date | None = None) -> Instruction:
    ins = get_object_or_404(Instruction.objects.select_related("task"), pk=pk)
    if user.is_enterprise_user or (user.department_id != ins.task.lead_id and not user.is_superuser):
        raise Forbidden(_("The lead department answers the instruction."))
    if not answer.strip():
        raise Invalid(_("Write the answer."), fields={"answer": [_("required")]})
    ins.answer, ins.answered_by, ins.answered_on = answer.strip(), user, on or timezone.localdate()
    _save(ins, user=user)
    return ins


# ---- status and reminders ------------------------------------------------------------------------------------
@transaction.atomic
def refresh(
    *, today: dt.date | None = None, task_ids: list[int] | None = None, plan_id: int | None = None
) -> dict:
    """Recompute every task's status on the zone calendar (column-wise) and send each reminder once: a deadline
    within `remind_wd` working days, then overdue."""
    today = today or timezone.localdate()
    cfg = WorkplanConfig.get()
    cal = working_calendar()
    qs = Task.objects.all()
    if task_ids is not None:
        qs = qs.filter(pk__in=task_ids)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    rows = list(
        qs.values_list(
            "pk",
            "plan__start_on",
            "deadline",
            "percent",
            "last_report_on",
            "status",
            "lead_id",
            "seq",
            "text",
            "reminded_on",
        )
    )
    if not rows:
        return {"tasks": 0, "changed": 0, "reminders": 0}
    start = np.array([r[1] for r in rows], dtype="datetime64[D]")
    deadline = np.array([r[2] or "NaT" for r in rows], dtype="datetime64[D]")
    has_deadline = ~np.isnat(deadline)
    dl = np.where(has_deadline, deadline, start)
    t = np.datetime64(today)
    total = cal.working_days_between(start, dl)
    elapsed = cal.working_days_between(start, np.minimum(np.maximum(t, start), dl))
    remind_from = cal.add_working_days(dl, -cfg.remind_wd)
    changed, reminders = [], []
    missed = set(
        TaskMilestone.objects.filter(
            task_id__in=[r[0] for r in rows], due__lt=today, done_on__isnull=True
        ).values_list("task_id", flat=True)
    )
    for i, r in enumerate(rows):
        status = engine.task_status(
            percent=r[3],
            reported=r[4] is not None,
            start=r[1],
            deadline=r[2],
            today=today,
            elapsed_wd=int(elapsed[i]),
            total_wd=int(total[i]),
            margin=cfg.lag_margin,
        )
        if status in {engine.NOT_STARTED, engine.IN_PROGRESS} and r[0] in missed:
            status = engine.LAGGING  # a quarterly milestone was missed
        if status != r[5]:
            changed.append(Task(pk=r[0], status=status))
        if r[6] is None or status == engine.DONE:
            continue
        if status == engine.OVERDUE:
            reminders.append(
                (
                    r[0],
                    "overdue",
                    f"{r[7]} {r[8][:60]}: " + _("overdue since %(d)s") % {"d": r[2]},
                    r[6],
                )
            )
        elif has_deadline[i] and t >= remind_from[i]:
            reminders.append((r[0], "due_soon", f"{r[7]} {r[8][:60]}: " + _("due %(d)s") % {"d": r[2]}, r[6]))
    Task.objects.bulk_update(changed, ["status"], 500)
    sent = _send(reminders, today, cfg)
    return {"tasks": len(rows), "changed": len(changed), "reminders": sent}


REMINDER_KINDS = {"due_soon": "workplan.due_soon", "overdue": "workplan.overdue"}  # inbox kinds (apps.py)


def _send(reminders, today: dt.date, cfg) -> int:
    """Each reminder once per task and kind, to the lead department (and, when overdue, the supervision office)."""
    if not reminders:
        return 0
    by_dept: dict[int, list[int]] = {}
    for pk, dept in User.objects.filter(is_active=True, department__isnull=False).values_list(
        "pk", "department_id"
    ):
        by_dept.setdefault(dept, []).append(pk)
    office = [u for d in capabilities.department_ids(SUPERVISION_OFFICE) for u in by_dept.get(d, [])]
    sent = notify.send_many(
        [
            notify.Message(
                kind=REMINDER_KINDS[kind],
                recipients=set(by_dept.get(dept, [])) | (set(office) if kind == "overdue" else set()),
                message=text,
                on=today,
                target=Task(pk=task_id),
                url=reverse("workplan:task", args=[task_id]),
                light="red" if kind == "overdue" else "yellow",
                once_key=f"task:{task_id}",
            )
            for task_id, kind, text, dept in reminders
        ]
    )
    return len(sent)
