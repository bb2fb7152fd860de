"""Reads of work plans, scoped: supervisors (leaders, system administrators, the supervision office) see every
task; a department sees the tasks it leads or co-leads; enterprise users see nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from parkos.core import notify
from parkos.core.models import Department

from . import engine
from .models import Instruction, Plan, Point, ProgressReport, Status, Task, is_supervisor


def plan_list(*, user) -> QuerySet[Plan]:
    if user.is_enterprise_user:
        return Plan.objects.none()
    return Plan.objects.annotate(n_tasks=Count("tasks")).order_by("-year")


def plan_get(*, user, pk: int) -> Plan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def task_list(*, user, plan: Plan | None = None) -> QuerySet[Task]:
    qs = (
        Task.objects.restrict(user, "view")
        .select_related("lead", "point", "plan")
        .prefetch_related("co_departments")
    )
    return qs.filter(plan=plan) if plan is not None else qs


def task_get(*, user, pk: int) -> Task:
    return get_object_or_404(task_list(user=user), pk=pk)


def instruction_task_id(*, user, pk: int) -> int:
    """The task an instruction was given on, when the user may see that task (404 otherwise)."""
    from .models import Instruction

    task_id = get_object_or_404(Instruction.objects.only("task_id"), pk=pk).task_id
    return task_get(user=user, pk=task_id).pk


@dataclass
class BoardFilters:
    department: int | None = None
    status: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> BoardFilters:
        dept = (params.get("department") or "").strip()
        return cls(
            department=int(dept) if dept.isdigit() else None,
            status=(params.get("status") or "").strip()[:12],
            q=(params.get("q") or "").strip()[:100],
        )


def board(*, user, plan: Plan, filters: BoardFilters | None = None) -> dict[str, Any]:
    """Chapter → point → task, with each task's status; filtered by department, status or words (4 queries)."""
    f = filters or BoardFilters()
    tasks = task_list(user=user, plan=plan)
    if f.department:
        tasks = tasks.filter(Q(lead_id=f.department) | Q(co_departments=f.department)).distinct()
    if f.status in Status.values:
        tasks = tasks.filter(status=f.status)
    if f.q:
        tasks = tasks.filter(Q(text__contains=f.q) | Q(point__title__contains=f.q))
    rows: list[Task] = list(tasks.order_by("order"))
    by_point: dict[int, list[Task]] = {}
    for t in rows:
        by_point.setdefault(t.point_id, []).append(t)
    points = list(Point.objects.filter(plan=plan).order_by("order"))
    children: dict[int | None, list[Point]] = {}
    for p in points:
        children.setdefault(p.parent_id, []).append(p)

    def node(p: Point) -> dict[str, Any] | None:
        kids = [n for n in (node(c) for c in children.get(p.pk, [])) if n]
        own = by_point.get(p.pk, [])
        if not kids and not own:
            return None
        counts = _counts(own + [t for k in kids for t in k["all_tasks"]])
        # a point that is itself one task (no sentences of its own) is one row, not the point and its echo
        merged = own[0] if len(own) == 1 and not kids and own[0].text in (p.title, p.text) else None
        return {
            "point": p,
            "merged": merged,
            "tasks": own,
            "children": kids,
            "all_tasks": own + [t for k in kids for t in k["all_tasks"]],
            "counts": counts,
        }

    tree = [n for n in (node(p) for p in children.get(None, [])) if n]
    return {"tree": tree, "counts": _counts(rows), "tasks": rows}


def _counts(tasks: list[Task]) -> dict[str, int]:
    out = {s: 0 for s in Status.values}
    for t in tasks:
        out[t.status] += 1
    out["total"] = len(tasks)
    return out


def ranking(*, user, plan: Plan) -> list[dict[str, Any]]:
    """Lead departments by completion rate (done ÷ led), then lateness rate ((overdue + lagging) ÷ led)."""
    rows = (
        task_list(user=user, plan=plan)
        .filter(lead__isnull=False)
        .values("lead_id", "lead__name")
        .annotate(
            led=Count("pk"),
            done=Count("pk", filter=Q(status=Status.DONE)),
            overdue=Count("pk", filter=Q(status=Status.OVERDUE)),
            lagging=Count("pk", filter=Q(status=Status.LAGGING)),
            in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        )
        .order_by()
    )
    out = []
    for r in rows:
        out.append(
            {
                "department_id": r["lead_id"],
                "department": r["lead__name"],
                "led": r["led"],
                "done": r["done"],
                "overdue": r["overdue"],
                "lagging": r["lagging"],
                "in_progress": r["in_progress"],
                "completion_rate": engine.rate(r["done"], r["led"]),
                "late_rate": engine.rate(r["overdue"] + r["lagging"], r["led"]),
            }
        )
    out.sort(key=lambda r: (-(r["completion_rate"] or 0), r["late_rate"] or 0, r["department"]))
    for i, r in enumerate(out, start=1):
        r["rank"] = i
    return out


def _with_files(reports: list[ProgressReport]) -> list[ProgressReport]:
    from parkos.core.selectors import attachments_for

    files = attachments_for(target="workplan.report", ids=[r.pk for r in reports])
    for r in reports:
        r.files = files.get(r.pk, [])  # type: ignore[attr-defined]
    return reports


def task_detail(*, user, pk: int) -> dict[str, Any]:
    task = task_get(user=user, pk=pk)
    return {
        "task": task,
        "reports": _with_files(list(task.reports.select_related("department", "created_by"))),
        "instructions": list(task.instructions.select_related("leader", "answered_by")),
        "milestones": list(task.milestones.all()),
        "may_report": not user.is_enterprise_user
        and user.may("change")
        and (
            user.department_id == task.lead_id or task.co_departments.filter(pk=user.department_id).exists()
        ),
        "may_assign": is_supervisor(user) and user.may("change"),
        "may_instruct": user.is_superuser or user.role in {"leader", "system_admin"},
        "may_answer": user.department_id is not None and user.department_id == task.lead_id,
    }


def my_tasks(*, user) -> dict[str, Any]:
    """A department's page: what it leads or co-leads in every plan, and instructions waiting for its answer."""
    if user.department_id is None:
        raise Http404
    tasks = list(
        task_list(user=user)
        .filter(Q(lead_id=user.department_id) | Q(co_departments=user.department_id))
        .distinct()
        .order_by("-plan__year", "deadline", "order")
    )
    waiting = list(
        Instruction.objects.filter(task__lead_id=user.department_id, answered_on__isnull=True).select_related(
            "task", "leader"
        )
    )
    reminders = list(notify.inbox(user=user, app="workplan")[:30])
    return {"tasks": tasks, "waiting": waiting, "counts": _counts(tasks), "reminders": reminders}


def ledger_records(*, user, plan: Plan):
    """The 督查台账 rows: 序号, 工作要点, 具体任务, 牵头单位, 配合单位, 完成时限, 进展情况, 完成状态."""
    latest: dict[int, ProgressReport] = {}
    for r in ProgressReport.objects.filter(task__plan=plan).order_by("task_id", "on", "pk"):
        latest[r.task_id] = r
    labels = dict(Status.choices)
    for t in task_list(user=user, plan=plan).order_by("order"):
        rep = latest.get(t.pk)
        yield {
            "seq": t.seq,
            "label": t.label,
            "point": f"{t.point.label}{t.point.title}",
            "task": t.text,
            "lead": t.lead.name if t.lead else "",
            "co": "、".join(d.name for d in t.co_departments.all()),
            "deadline": t.deadline,
            "progress": f"{rep.on:%Y-%m-%d} {rep.text}（{rep.percent}%）" if rep else "",
            "status": str(labels.get(t.status, t.status)),
            "responsible": t.responsible,
            "year": plan.year,
        }


def monthly_bulletin(*, user, plan: Plan, month: dt.date, today: dt.date) -> dict[str, Any]:
    """督查通报 for a month: figures, the ranking, the late list and the month's instructions with answers."""
    start = month.replace(day=1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    tasks = list(task_list(user=user, plan=plan).order_by("order"))
    counts = _counts(tasks)
    late = [t for t in tasks if t.status in {Status.OVERDUE, Status.LAGGING}]
    reported = (
        ProgressReport.objects.filter(task__plan=plan, on__gte=start, on__lte=end)
        .values("task_id")
        .distinct()
        .count()
    )
    instructions = list(
        Instruction.objects.filter(task__plan=plan, on__gte=start, on__lte=end).select_related(
            "task", "leader"
        )
    )
    return {
        "plan": plan,
        "month": start,
        "today": today,
        "counts": counts,
        "completion_rate": engine.rate(counts[Status.DONE], counts["total"]),
        "late_rate": engine.rate(counts[Status.OVERDUE] + counts[Status.LAGGING], counts["total"]),
        "reported_tasks": reported,
        "ranking": ranking(user=user, plan=plan),
        "late": late,
        "instructions": instructions,
    }


def departments_with_tasks(plan: Plan) -> QuerySet[Department]:
    return (
        Department.objects.filter(Q(led_tasks__plan=plan) | Q(co_tasks__plan=plan))
        .distinct()
        .order_by("code")
    )


def keyword_rules():
    """The supervision office's keyword → lead department rules."""
    from .models import KeywordRule

    return KeywordRule.objects.select_related("department")
