"""Reads of projects and approvals, always scoped to the user: lists, the project page, the approval board,
the officer's queue, department reports, missing monthly reports, late milestones and the rates."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from parkos.core import notify
from parkos.core.models import Department, RecordEvent
from parkos.core.periods import Period
from parkos.core.selectors import attachments_for, history_entries

from . import engine
from .filters import ProjectFilters, overdue_milestones
from .models import (
    ApprovalConfig,
    ApprovalItem,
    Category,
    Handover,
    ItemEvent,
    ItemInstance,
    ItemState,
    Level,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    StageInstance,
    Status,
    Suspension,
    YearPlan,
)

ACTIVE = [Status.SIGNED, Status.LAND, Status.STARTED, Status.COMPLETED, Status.PRODUCTION]


def project_list(*, user, filters=None, action: str = "view") -> QuerySet[Project]:
    """The projects the user may see (or act on), with their invested total, filtered and sorted by `filters` (a
    query dict; see `filters.ProjectFilters`)."""
    qs = Project.objects.restrict(user, action).select_related(
        "investor", "lead_department", "helper", "park"
    )
    # a correlated sum, not a join and GROUP BY over every project: only the page's rows are summed, and the
    # pagination's count needs no grouping
    invested = (
        MonthlyReport.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("investment"))
        .values("total")
    )
    qs = qs.annotate(invested=Subquery(invested))
    return ProjectFilters(filters, queryset=qs).qs


def problem_get(*, user, pk: int) -> Problem:
    """A problem the user may see: its project's scope, or the department it is put to (404 otherwise)."""
    return get_object_or_404(Problem.objects.restrict(user, "view"), pk=pk)


def may_view_project(*, user, pk: int | None) -> bool:
    """Whether `user` may open the project (for another app's link to it)."""
    return pk is not None and Project.objects.restrict(user, "view").filter(pk=pk).exists()


def project_get(*, user, pk: int, action: str = "view") -> Project:
    return get_object_or_404(
        Project.objects.restrict(user, action).select_related(
            "investor", "lead_department", "helper", "park", "flow"
        ),
        pk=pk,
    )


def milestone_timeline(project: Project, today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for m in sorted(project.milestones.all(), key=lambda m: Milestone.Kind.values.index(m.kind)):
        late = None
        if m.planned_on and not m.actual_on and m.planned_on < today:
            late = (today - m.planned_on).days
        elif m.planned_on and m.actual_on and m.actual_on > m.planned_on:
            late = (m.actual_on - m.planned_on).days
        rows.append({"m": m, "late_days": late})
    return rows


def monthly_reports(project: Project) -> list[dict[str, Any]]:
    out, cum_i, cum_f = [], Decimal("0"), Decimal("0")
    year_i: dict[int, Decimal] = {}
    for r in project.reports.order_by("month"):
        cum_i += r.investment
        cum_f += r.funds
        year_i[r.month.year] = year_i.get(r.month.year, Decimal("0")) + r.investment
        out.append(
            {"r": r, "cum_investment": cum_i, "cum_funds": cum_f, "year_investment": year_i[r.month.year]}
        )
    return out


def approval_board(project: Project) -> list[dict[str, Any]]:
    """Stages × items with their lights, remaining working days and suspensions (three queries)."""
    stages = list(project.stages.select_related("lead_department").order_by("order"))
    items = list(
        ItemInstance.objects.filter(project=project)
        .select_related("item", "department", "handler")
        .prefetch_related("suspensions", "extensions")
        .order_by("stage__order", "item__code", "pk")
    )
    by_stage: dict[int, list] = {s.pk: [] for s in stages}
    for it in items:
        by_stage[it.stage_id].append(it)
    return [{"stage": s, "items": by_stage[s.pk]} for s in stages]


def authorizations(project: Project) -> list:
    """A project's authorisations on file, each with its scans (`files`), in two queries."""
    rows = list(project.authorizations.all())
    files = attachments_for(target="projects.authorization", ids=[a.pk for a in rows])
    for a in rows:
        a.files = files.get(a.pk, [])
    return rows


def item_events(project: Project) -> list:
    return list(
        ItemEvent.objects.filter(item__project=project)
        .select_related("by", "item__item")
        .order_by("-on", "-at")[:200]
    )


def project_history(project: Project) -> list[dict[str, Any]]:
    return history_entries(
        [
            (_("Project"), Project.history.filter(id=project.pk)),
            (_("Milestone"), Milestone.history.filter(project_id=project.pk)),
            (_("Monthly report"), MonthlyReport.history.filter(project_id=project.pk)),
            (_("Problem"), Problem.history.filter(project_id=project.pk)),
        ]
    )


def alerts_for(*, user, limit: int = 50) -> list:
    """The user's inbox notices of the approvals (changes of light, overdue problems), newest first."""
    return list(notify.inbox(user=user, app="projects")[:limit])


# ---- monthly reports due ------------------------------------------------------------------------------
def report_due_date(month: dt.date) -> dt.date:
    """The day of the next month by which the month's report is due."""
    cfg = ApprovalConfig.get()
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt.replace(day=cfg.report_due_day)


def missing_reports(*, user, month: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """Projects under way that had to report for `month` and have not (flagged once the due day has passed)."""
    today = today or timezone.localdate()
    month = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    due = report_due_date(month)
    expected = project_list(user=user).filter(status__in=ACTIVE, registered_on__lte=last)
    has = MonthlyReport.objects.filter(project=OuterRef("pk"), month=month)
    qs = expected.annotate(reported=Exists(has)).order_by("reported", "lead_department__code", "name")
    rows = list(qs)
    missing = [p for p in rows if not p.reported]
    return {
        "month": month,
        "due": due,
        "overdue": today > due,
        "rows": rows,
        "missing": missing,
        "expected": len(rows),
        "reported": len(rows) - len(missing),
    }


# ---- late milestones -------------------------------------------------------------------------------------
def late_milestones(*, user, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    visible = Project.objects.restrict(user, "view").values("pk")
    qs = (
        overdue_milestones(today)
        .filter(project__in=visible)
        .exclude(project__status__in=[Status.PAUSED])
        .select_related("project", "project__lead_department", "project__helper")
        .order_by("planned_on")
    )
    return [{"m": m, "days_late": (today - m.planned_on).days if m.planned_on else 0} for m in qs]


# ---- the officer's queue ----------------------------------------------------------------------------------
def officer_queue(*, user, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    projects = list(
        Project.objects.restrict(user, "view").filter(helper=user).select_related("investor").order_by("name")
    )
    ids = [p.pk for p in projects]
    items = (
        ItemInstance.objects.filter(project_id__in=ids)
        .select_related("project", "item", "department", "stage")
        .order_by("deadline", "pk")
    )
    urgent = [i for i in items if i.light in {engine.YELLOW, engine.RED} and i.state in engine.ITEM_OPEN]
    waiting_materials = [i for i in items if i.state in {ItemState.CORRECTION, ItemState.PRE_CORRECTION}]
    verification = [i for i in items if i.state == ItemState.VERIFY_PENDING]
    done_states = {ItemState.COMPLETED, ItemState.VERIFY_PENDING}
    state_of: dict[tuple[int, int], str] = {}
    for i in items:
        if i.state not in {ItemState.RETURNED, ItemState.WITHDRAWN, ItemState.REJECTED}:
            state_of[(i.project_id, i.item_id)] = i.state
    preds: dict[int, set[int]] = {}
    for a, b in ApprovalItem.predecessors.through.objects.values_list(
        "from_approvalitem_id", "to_approvalitem_id"
    ):
        preds.setdefault(a, set()).add(b)
    current: dict[int, int] = {}  # the first stage not completed, per project
    for s in StageInstance.objects.filter(project_id__in=ids).exclude(state=StageInstance.State.COMPLETED):
        current[s.project_id] = min(current.get(s.project_id, s.order), s.order)
    active = {p.pk for p in projects if p.status not in {Status.PAUSED, Status.TERMINATED}}
    ready = []
    for i in items:
        if i.state != ItemState.PENDING or i.project_id not in active:
            continue
        if current.get(i.project_id) != i.stage.order or not i.item.is_mandatory:
            continue  # later stages wait; optional items are filed when the project needs them
        if i.stage.stage == "STAGE4" and i.stage.accepted_on is None:
            continue  # completion acceptance is filed when construction ends, not when it becomes possible
        if any(state_of.get((i.project_id, p)) not in done_states for p in preds.get(i.item_id, ())):
            continue
        ready.append(i)
    return {
        "projects": projects,
        "urgent": urgent,
        "ready": ready,
        "waiting_materials": waiting_materials,
        "verification": verification,
        "handovers": list(
            Handover.objects.filter(project_id__in=ids)
            .select_related("project", "item__item")
            .order_by("-at")[:30]
        ),
    }


# ---- department report --------------------------------------------------------------------------------------
def department_report(*, user, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per department, items finished in [start, end]: on-time rate, average working days, 补正 and 退回 rates."""
    visible = ItemInstance.objects.restrict(user, "view")
    finished = visible.filter(completed_on__gte=start, completed_on__lte=end)
    with_correction = Exists(Suspension.objects.filter(item=OuterRef("pk"), kind=Suspension.Kind.CORRECTION))
    rows = (
        finished.values("department_id")
        .annotate(
            finished=Count("pk"),
            decided=Count(
                "pk", filter=Q(state__in=[ItemState.COMPLETED, ItemState.VERIFY_PENDING, ItemState.REVOKED])
            ),
            on_time=Count(
                "pk",
                filter=Q(state__in=[ItemState.COMPLETED, ItemState.VERIFY_PENDING, ItemState.REVOKED])
                & Q(completed_on__lte=F("deadline")),
            ),
            wd=Sum(
                "elapsed_wd",
                filter=Q(state__in=[ItemState.COMPLETED, ItemState.VERIFY_PENDING, ItemState.REVOKED]),
            ),
            returned=Count("pk", filter=Q(state=ItemState.RETURNED)),
            corrected=Count("pk", filter=Q(with_correction)),
        )
        .order_by("department_id")
    )
    open_red = dict(
        visible.filter(state__in=engine.ITEM_OPEN, light=engine.RED)
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    names = dict(Department.objects.values_list("pk", "name"))
    out = []
    for r in rows:
        out.append(
            {
                "department": names.get(r["department_id"], ""),
                "department_id": r["department_id"],
                "finished": r["finished"],
                "decided": r["decided"],
                "on_time": r["on_time"],
                "on_time_rate": engine.percent(r["on_time"], r["decided"]),
                "avg_wd": (Decimal(r["wd"] or 0) / r["decided"]).quantize(Decimal("0.1"))
                if r["decided"]
                else None,
                "correction_rate": engine.percent(r["corrected"], r["finished"]),
                "return_rate": engine.percent(r["returned"], r["finished"]),
                "returned": r["returned"],
                "corrected": r["corrected"],
                "open_red": open_red.get(r["department_id"], 0),
            }
        )
    return out


# ---- rates (specs/metrics.md §3.2) -----------------------------------------------------------------------------
GROUPS = {
    "category": ("category", dict(Category.choices)),
    "level": ("level", dict(Level.choices)),
    "park": ("park__name", None),
    "department": ("lead_department__name", None),
    "helper": ("helper__display_name", None),
    "all": (None, None),
}
GROUP_NAMES = [
    ("category", gettext_lazy("Category")),
    ("level", gettext_lazy("Level")),
    ("park", gettext_lazy("Park")),
    ("department", gettext_lazy("Lead department")),
    ("helper", gettext_lazy("Assistance officer")),
    ("all", gettext_lazy("All projects")),
]
MILESTONE_METRICS = {"start": Milestone.Kind.STARTED, "production": Milestone.Kind.PRODUCTION,
                     "capacity": Milestone.Kind.CAPACITY}  # fmt: skip


# the rest of the catalogue (specs/metrics.md §3.2): key, label, what the rate is of (projects or amounts), definition
CATALOGUE = [
    ("start_resume", gettext_lazy("Start and resumption rate"), "count",
     gettext_lazy("(New starts + continuing projects resumed) ÷ (planned new starts + continuing projects of the "
                  "year), to the as-of date.")),
    ("production_nbs", gettext_lazy("Production rate (statistics)"), "count",
     gettext_lazy("Projects put into production in the period ÷ projects under construction in it (started by the "
                  "as-of date, not in production before the period): the NBS 建设项目投产率.")),
    ("production_capacity", gettext_lazy("Production and capacity rate"), "count",
     gettext_lazy("Projects in production and at capacity ÷ projects due at capacity in the period.")),
    ("completion_production", gettext_lazy("Completion and production rate"), "count",
     gettext_lazy("Projects completed and in production ÷ projects planned to complete in the period.")),
    ("approval", gettext_lazy("Approval conversion rate"), "count",
     gettext_lazy("Projects approved or filed (立项) in the period ÷ projects in the library without 立项 before "
                  "the period.")),
    ("performance", gettext_lazy("Signed-project performance rate"), "count",
     gettext_lazy("Signed projects that started ÷ signed projects whose agreed start date fell in the period.")),
    ("cum_investment", gettext_lazy("Cumulative investment completion"), "amount",
     gettext_lazy("Investment completed since the start (physical progress) ÷ total investment, over the projects "
                  "in the library.")),
    ("capital", gettext_lazy("Project capital in place"), "amount",
     gettext_lazy("Project capital paid in ÷ required project capital, over the projects that state it.")),
    ("capacity_output", gettext_lazy("Capacity rate (output value)"), "amount",
     gettext_lazy("Output value in the period ÷ design output for as many months, over the projects in "
                  "production that state a design output.")),
    ("fai", gettext_lazy("Fixed-asset investment completion (statistics)"), "amount",
     gettext_lazy("Investment reported to statistics (统计入库) from 1 January ÷ the year's fixed-asset investment "
                  "target, over the projects with a target.")),
    ("fai_growth", gettext_lazy("Fixed-asset investment growth"), "amount",
     gettext_lazy("(Investment reported to statistics this year to date − the same period last year) ÷ the same "
                  "period last year.")),
]  # fmt: skip
CATALOGUE_COUNTS = [k for k, _label, kind, _d in CATALOGUE if kind == "count"]
KINDS = {"signed": Milestone.Kind.SIGNED, "started": Milestone.Kind.STARTED,
         "completed": Milestone.Kind.COMPLETED, "production": Milestone.Kind.PRODUCTION,
         "capacity": Milestone.Kind.CAPACITY}  # fmt: skip


def _days(values) -> np.ndarray:
    return np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")


def _rate_columns(user, period: Period, by: str, cut: dt.date) -> dict[str, Any]:
    """One row per visible project, counted to `cut`: group key, milestone dates, termination date, investment,
    funds, capital, statistics and output figures, the year's plan, the project's own dates (six queries)."""
    field, labels = GROUPS.get(by, GROUPS["category"])
    projects = Project.objects.restrict(user, "view")
    values = [
        *("pk", "name", "total_investment", "contracted_investment", "registered_on", "status"),
        *("approved_on", "agreed_start_on", "capital_required", "design_output"),
    ]
    rows = list(projects.values_list(*values, *([field] if field else [])))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    pos = {int(pk): i for i, pk in enumerate(ids.tolist())}
    n = len(rows)

    def key(r):
        v = r[10] if field else _("All projects")
        if labels:
            return str(labels.get(v, v))
        return v or _("(none)")

    # a termination is the lifecycle's recorded step, with its business date; one without a record (data from
    # before the steps were recorded) counts as terminated since before any period
    terminated = np.array(
        [dt.date.min if r[5] == Status.TERMINATED else "NaT" for r in rows], "datetime64[D]"
    )
    for pid, on in RecordEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        workflow="projects.project",
        action=Status.TERMINATED,
        object_id__in=projects.values("pk"),
    ).values_list("object_id", "on"):
        if pid in pos:
            terminated[pos[pid]] = on
    out: dict[str, Any] = {
        "ids": ids,
        "names": [r[1] for r in rows],
        "keys": np.array([key(r) for r in rows], dtype=object) if n else np.array([], dtype=object),
        "terminated_on": terminated,
        "registered_on": _days(r[4] for r in rows),
        "approved_on": _days(r[6] for r in rows),
        "agreed_start_on": _days(r[7] for r in rows),
        "in_library": np.array([r[4] <= cut for r in rows], dtype=bool),
        "total": np.array([float(r[2]) for r in rows]) if n else np.zeros(0),
        "capital_required": np.array([float(r[8] or 0) for r in rows]) if n else np.zeros(0),
        "has_capital": np.array([r[8] is not None for r in rows], dtype=bool),
        "design_output": np.array([float(r[9] or 0) for r in rows]) if n else np.zeros(0),
        "has_design": np.array([r[9] is not None and r[9] > 0 for r in rows], dtype=bool),
    }
    for name in KINDS:
        out[f"planned_{name}"] = np.full(n, "NaT", dtype="datetime64[D]")
        out[f"actual_{name}"] = np.full(n, "NaT", dtype="datetime64[D]")
    by_kind = {v: k for k, v in KINDS.items()}
    for pid, kind, p, a in Milestone.objects.filter(project__in=projects, kind__in=by_kind).values_list(
        "project_id", "kind", "planned_on", "actual_on"
    ):
        i = pos[pid]
        out[f"planned_{by_kind[kind]}"][i] = p or "NaT"
        out[f"actual_{by_kind[kind]}"][i] = a or "NaT"
    for metric, kind in MILESTONE_METRICS.items():
        name = by_kind[kind]
        out[metric] = engine.milestone_rate(
            out[f"planned_{name}"],
            out[f"actual_{name}"],
            period.start,
            period.end,
            as_of=cut,
            terminated_on=terminated,
        )
    out.update(_report_sums(projects, period, cut, pos))
    out.update(_plan_columns(projects, period, pos))
    contracted = np.array([float(r[3] if r[3] is not None else r[2]) for r in rows]) if n else np.zeros(0)
    out.update(invested=out["inv"], contracted=contracted)
    out["catalogue"] = engine.catalogue_counts(out, period.start, cut)
    return out


def _report_sums(projects, period: Period, cut: dt.date, pos: dict[int, int]) -> dict[str, np.ndarray]:
    """Each project's monthly-report sums to the cut: the year's and all-time investment, funds, capital, the
    statistics figure this year and in the same part of last year, and the period's output value (one query)."""
    n = len(pos)
    year_start = dt.date(period.year, 1, 1)
    last_year, last_cut = dt.date(period.year - 1, 1, 1), _a_year_before(cut)
    sums = ["inv", "funds_year", "funds_cum", "inv_cum", "capital_cum", "fai", "fai_last", "output"]
    out = {name: np.zeros(n) for name in sums}
    expressions = {
        "inv": Sum("investment", filter=Q(month__gte=year_start)),
        "funds_year": Sum("funds", filter=Q(month__gte=year_start)),
        "funds_cum": Sum("funds"),
        "inv_cum": Sum("investment"),
        "capital_cum": Sum("capital"),
        "fai": Sum("fai", filter=Q(month__gte=year_start)),
        "fai_last": Sum("fai", filter=Q(month__gte=last_year, month__lte=last_cut)),
        "output": Sum("output_value", filter=Q(month__gte=period.start.replace(day=1))),
    }
    for pid, *figures in (
        MonthlyReport.objects.filter(project__in=projects, month__lte=cut)
        .values("project_id")
        .annotate(**{f"sum_{name}": expressions[name] for name in sums})
        .values_list("project_id", *[f"sum_{name}" for name in sums])
    ):
        k = pos[pid]
        for name, value in zip(sums, figures, strict=True):
            out[name][k] = float(value or 0)
    return out


def _plan_columns(projects, period: Period, pos: dict[int, int]) -> dict[str, np.ndarray]:
    """Each project's plan for the period's year: investment, funds, statistics target (and whether it has each),
    whether it is a continuing project and when it resumed (one query)."""
    n = len(pos)
    plan_inv, plan_funds, fai_target = np.zeros(n), np.zeros(n), np.zeros(n)
    has_plan, has_funds_plan, has_fai_target = (np.zeros(n, dtype=bool) for _i in range(3))
    continuing = np.zeros(n, dtype=bool)
    resumed = np.full(n, "NaT", dtype="datetime64[D]")
    for pid, pi, pf, ft, cont, res in YearPlan.objects.filter(
        project__in=projects, year=period.year
    ).values_list("project_id", "investment", "funds", "fai_target", "is_continuing", "resumed_on"):
        k = pos[pid]
        plan_inv[k], has_plan[k], continuing[k], resumed[k] = float(pi or 0), True, cont, res or "NaT"
        if pf is not None:
            plan_funds[k], has_funds_plan[k] = float(pf), True
        if ft is not None:
            fai_target[k], has_fai_target[k] = float(ft), True
    return {
        "plan_investment": plan_inv,
        "has_plan": has_plan,
        "plan_funds": plan_funds,
        "has_funds_plan": has_funds_plan,
        "fai_target": fai_target,
        "has_fai_target": has_fai_target,
        "continuing": continuing,
        "resumed_on": resumed,
    }


def _a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _amount_rates(c: dict[str, Any], mask: np.ndarray, period: Period, cut: dt.date) -> dict[str, tuple]:
    """(done, of, rate) of each amount rate of the catalogue over the projects in `mask`."""
    live = ~((~np.isnat(c["terminated_on"])) & (c["terminated_on"] <= np.datetime64(cut, "D")))
    library = mask & c["in_library"] & live
    capital = mask & c["has_capital"]
    producing = mask & ~np.isnat(c["actual_production"]) & (c["actual_production"] <= np.datetime64(cut, "D"))
    producing &= c["has_design"]
    months = engine.months_between(period.start, cut)
    targeted = mask & c["has_fai_target"]
    out = {
        "cum_investment": (c["inv_cum"][library].sum(), c["total"][library].sum()),
        "capital": (c["capital_cum"][capital].sum(), c["capital_required"][capital].sum()),
        "capacity_output": (
            c["output"][producing].sum(),
            (c["design_output"][producing] * months / 12).sum(),
        ),
        "fai": (c["fai"][targeted].sum(), c["fai_target"][targeted].sum()),
    }
    rates = {k: (_dec(a), _dec(b), engine.percent(_dec(a), _dec(b))) for k, (a, b) in out.items()}
    this, last = _dec(c["fai"][mask].sum()), _dec(c["fai_last"][mask].sum())
    rates["fai_growth"] = (this, last, engine.percent(this - last, last))
    return rates


def _dec(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


def rate_cut(period: Period, today: dt.date) -> dt.date:
    """The day a period is counted to: its end once it is over, else the as-of date (year to date)."""
    return period.cut(today)


def rates(*, user, period: Period, by: str = "category", today: dt.date | None = None) -> dict[str, Any]:
    """开工率, 投产率, 达产率, 年度投资完成率 (with 时序进度差) and 资金到位率 by the chosen dimension, under the rules of
    docs/design.md ("Project rates"): counted to the as-of date while the period runs, like for like."""
    today = today or timezone.localdate()
    cut = rate_cut(period, today)
    c = _rate_columns(user, period, by, cut)
    keys = c["keys"]
    groups = sorted(set(keys.tolist()), key=str)
    share = engine.elapsed_share(period.year, cut)

    def row(mask, label):
        r: dict[str, Any] = {"label": label, "projects": int(mask.sum())}
        for metric in MILESTONE_METRICS:
            m = c[metric]
            planned, achieved = int((m.planned & mask).sum()), int((m.achieved & mask).sum())
            r[metric] = {
                "planned": planned,
                "achieved": achieved,
                "unplanned": int((m.unplanned & mask).sum()),
                "terminated": int((m.terminated & mask).sum()),
                "planned_period": int((m.planned_period & mask).sum()),
                "rate": engine.percent(achieved, planned),
            }
        r["milestone_cells"] = [(metric, r[metric]) for metric in MILESTONE_METRICS]
        planned_inv = mask & c["has_plan"]
        inv, plan = _dec(c["invested"][planned_inv].sum()), _dec(c["plan_investment"][planned_inv].sum())
        r["invested"], r["plan_investment"] = inv, plan
        r["invested_unplanned"] = _dec(c["invested"][mask & ~c["has_plan"]].sum())
        r["investment_rate"] = engine.percent(inv, plan)
        r["pace_gap"] = engine.pace_gap(inv, plan, share)
        planned_funds = mask & c["has_funds_plan"]
        fy, pf = _dec(c["funds_year"][planned_funds].sum()), _dec(c["plan_funds"][planned_funds].sum())
        library = mask & c["in_library"]
        fc, ct = _dec(c["funds_cum"][library].sum()), _dec(c["contracted"][library].sum())
        r.update(funds_year=fy, plan_funds=pf, funds_cum=fc, contracted=ct)
        r["funds_unplanned"] = _dec(c["funds_year"][mask & ~c["has_funds_plan"]].sum())
        r["funds_rate_year"] = engine.percent(fy, pf)
        r["funds_rate_contract"] = engine.percent(fc, ct)
        amounts = _amount_rates(c, mask, period, cut)
        r["catalogue"] = []
        for key_, label_, kind_, _definition in CATALOGUE:
            if kind_ == "count":
                cr = c["catalogue"][key_]
                num, den = int((cr.achieved & mask).sum()), int((cr.counted & mask).sum())
                cell = {"numerator": num, "denominator": den, "rate": engine.percent(num, den)}
            else:
                done, of, rate = amounts[key_]
                cell = {"numerator": done, "denominator": of, "rate": rate}
            r["catalogue"].append({"key": key_, "label": str(label_), "kind": kind_, **cell})
        return r

    rows = [row(keys == g, g) for g in groups]
    total = row(np.ones(len(keys), dtype=bool), pgettext("sum", "Total"))
    label = dict(GROUP_NAMES).get(by, "")
    return {
        "period": period,
        "by": by,
        "by_label": label,
        "rows": rows,
        "total": total,
        "as_of": cut,
        "running": cut < period.end,
        "elapsed_share": share,
        "catalogue": CATALOGUE,
    }


def rate_projects(
    *, user, period: Period, metric: str, by: str = "category", group: str = "", today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The projects behind one cell of the rates table: those counted (planned to the cut, and whether they made
    it), those planned later in the period, the 计划外 ones and the terminated ones."""
    if metric not in MILESTONE_METRICS and metric not in CATALOGUE_COUNTS:
        return []
    cut = rate_cut(period, today or timezone.localdate())
    c = _rate_columns(user, period, by, cut)
    if metric in CATALOGUE_COUNTS:
        return _catalogue_projects(c, metric, group)
    m = c[metric]
    mask = m.planned | m.unplanned | m.terminated | m.planned_period
    if group:
        mask &= c["keys"] == group
    idx = np.flatnonzero(mask)
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=c["ids"][idx].tolist()).select_related("lead_department")
    }
    kind = MILESTONE_METRICS[metric]
    dates = dict(
        ((pid, (p, a)))
        for pid, p, a in Milestone.objects.filter(project_id__in=projects, kind=kind).values_list(
            "project_id", "planned_on", "actual_on"
        )
    )
    out = []
    for i in idx.tolist():
        pid = int(c["ids"][i])
        planned, actual = dates.get(pid, (None, None))
        if m.planned[i]:
            counted = "planned"  # in the rate
        elif m.terminated[i]:
            counted = "terminated"
        elif m.unplanned[i]:
            counted = "unplanned"
        else:
            counted = "later"  # planned for the rest of the period
        out.append(
            {
                "project": projects[pid],
                "planned_on": planned,
                "actual_on": actual,
                "in_plan": bool(m.planned[i]),
                "achieved": bool(m.achieved[i]),
                "counted": counted,
            }
        )
    order = {"planned": 0, "later": 1, "unplanned": 2, "terminated": 3}
    out.sort(key=lambda r: (order[r["counted"]], r["achieved"], r["planned_on"] or dt.date.max))
    return out


def _catalogue_projects(c: dict[str, Any], metric: str, group: str) -> list[dict[str, Any]]:
    cr = c["catalogue"][metric]
    mask = cr.counted.copy()
    if group:
        mask &= c["keys"] == group
    idx = np.flatnonzero(mask)
    projects = Project.objects.filter(pk__in=c["ids"][idx].tolist()).select_related("lead_department")
    achieved = {int(c["ids"][i]) for i in idx.tolist() if cr.achieved[i]}
    out = [
        {
            "project": p,
            "planned_on": None,
            "actual_on": None,
            "in_plan": True,
            "achieved": p.pk in achieved,
            "counted": "planned",
        }
        for p in projects
    ]
    out.sort(key=lambda r: (r["achieved"], r["project"].name))
    return out


def summary_counts(*, user) -> dict[str, Any]:
    qs = Project.objects.restrict(user, "view")
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    lights = dict(
        ItemInstance.objects.restrict(user, "view")
        .filter(state__in=engine.ITEM_OPEN)
        .values_list("light")
        .annotate(n=Count("pk"))
        .values_list("light", "n")
    )
    return {"by_status": by_status, "lights": lights, "total": sum(by_status.values())}


def flows():
    """The approval flow templates."""
    from .models import FlowTemplate

    return FlowTemplate.objects.all()


def catalogue_items():
    """The approval catalogue with each item's department and predecessors."""
    from .models import ApprovalItem

    return ApprovalItem.objects.select_related("department").prefetch_related("predecessors")


def item_get(*, user, project, pk: int):
    """One approval item of a project the user may see (404 otherwise)."""
    return get_object_or_404(ItemInstance.objects.restrict(user, "view"), pk=pk, project=project)


def helpers():
    """The users who are 帮代办 officers of some project."""
    from parkos.core.models import User

    return User.objects.filter(helped_projects__isnull=False).distinct().order_by("username")


def located(*, user, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The projects the user sees that have coordinates, for the map: (how many, the first `limit` of them with
    id, name, longitude, latitude and approval light, red first)."""
    qs = Project.objects.restrict(user, "view").filter(longitude__isnull=False, latitude__isnull=False)
    rows = list(
        qs.order_by(
            Case(When(approval_light="red", then=0), When(approval_light="yellow", then=1), default=2), "pk"
        ).values("id", "name", "longitude", "latitude", "approval_light")[:limit]
    )
    return qs.count(), rows
