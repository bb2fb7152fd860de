"""Key projects: registration, changes, the lifecycle with its milestones, year plans, monthly reports and
the 问题清单."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import notify, workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role, User, audited
from parkos.core.selectors import working_calendar
from parkos.core.services import check_version as _check_version
from parkos.core.services import clean_and_save as _clean_and_save

from .. import engine
from ..models import (
    PROJECT_FIELDS,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Stage,
    StageInstance,
    Status,
    YearPlan,
)
from ..workflows import PROBLEM, PROJECT
from .common import _on, _project_for_change, _staff


# ---- projects ----------------------------------------------------------------------------------------------
@transaction.atomic
def project_create(*, user, data: dict[str, Any], planned: dict[str, dt.date] | None = None) -> Project:
    _staff(user)
    data = {k: v for k, v in data.items() if k in PROJECT_FIELDS or k in {"investor", "investor_id"}}
    project = Project(**data)
    if project.lead_department_id is None and not user.is_zone_wide:
        project.lead_department_id = user.department_id
    if not user.is_zone_wide and project.lead_department_id != user.department_id:
        raise Forbidden(_("You may only register projects your department leads."))
    project.registered_on = project.registered_on or timezone.localdate()
    _clean_and_save(project, user=user)
    for kind in Milestone.Kind.values:
        m = Milestone(project=project, kind=kind, planned_on=(planned or {}).get(kind))
        audited(m, user)
        m.save()
    return project


@transaction.atomic
def project_update(*, user, pk: int, version: int | None, data: dict[str, Any]) -> Project:
    project = _project_for_change(user, pk)
    _check_version(project, version)
    for k in set(PROJECT_FIELDS) & data.keys():
        setattr(project, k, data[k])
    if (
        "lead_department" in data
        and not user.is_zone_wide
        and project.lead_department_id != user.department_id
    ):
        raise Forbidden(_("You may only register projects your department leads."))
    project.version += 1
    _clean_and_save(project, user=user)
    return project


@transaction.atomic
def milestones_plan(*, user, pk: int, planned: dict[str, dt.date | None]) -> None:
    project = _project_for_change(user, pk)
    for m in project.milestones.select_for_update():
        if m.kind in planned and m.planned_on != planned[m.kind]:
            m.planned_on = planned[m.kind]
            m.version += 1
            audited(m, user)
            m.save()


def _approval_stage_done(project: Project, stages: set[str]) -> bool | None:
    """None when the project has no approval flow; else whether one of `stages` is completed."""
    rows = list(project.stages.values_list("stage", "state"))
    if not rows:
        return None
    return any(s in stages and state == StageInstance.State.COMPLETED for s, state in rows)


@transaction.atomic
def project_transition(
    *,
    user,
    pk: int,
    target: str,
    on: dt.date | None = None,
    evidence: str = "",
    reason: str = "",
    version: int | None = None,
) -> Project:
    """Move a project along its lifecycle, record the milestone's actual date, or pause, resume, terminate."""
    project = _project_for_change(user, pk)
    if version is not None:
        _check_version(project, version)
    on = _on(on)
    state = project.status

    def effects(t) -> None:
        if target == "resume":
            project.status_before_pause, project.status_reason = "", ""
        elif target in {Status.PAUSED, Status.TERMINATED}:
            if not reason.strip():
                raise Invalid(_("Give the reason."), fields={"reason": [_("required")]})
            if target == Status.PAUSED:
                project.status_before_pause = state
            project.status_reason = reason.strip()
        else:
            _milestone_reached(project, target, on=on, evidence=evidence, user=user)

    workflow.transition(
        PROJECT, project, target, user=user, on=on, note=reason.strip() or evidence.strip(), effects=effects
    )
    return project


def _milestone_reached(project: Project, target: str, *, on: dt.date, evidence: str, user) -> None:
    """A lifecycle step forward records its milestone's actual date, with the evidence the step needs."""
    if (
        target in {Status.STARTED, Status.COMPLETED, Status.PRODUCTION, Status.CAPACITY}
        and not evidence.strip()
    ):
        raise Invalid(
            _("Record the evidence (permit, acceptance record, production or capacity statement)."),
            fields={"evidence": [_("required")]},
        )
    if target == Status.STARTED and _approval_stage_done(project, {Stage.STAGE3, Stage.MERGED_2_3}) is False:
        raise Invalid(_("Construction cannot start before the construction permit stage is completed."))
    if target == Status.COMPLETED and _approval_stage_done(project, {Stage.STAGE4}) is False:
        raise Invalid(_("A project is completed only after its completion acceptance stage."))
    m = project.milestones.select_for_update().get(kind=target)
    previous = project.milestones.filter(actual_on__isnull=False).exclude(kind=target)
    latest = max((x.actual_on for x in previous), default=None)
    if latest and on < latest:
        raise Invalid(_("The date is before the project's previous milestone (%(d)s).") % {"d": latest})
    m.actual_on, m.evidence = on, evidence.strip()
    m.version += 1
    audited(m, user)
    m.save()


@transaction.atomic
def year_plan_set(
    *,
    user,
    pk: int,
    year: int,
    investment: Decimal,
    funds: Decimal | None = None,
    fai_target: Decimal | None = None,
    is_continuing: bool = False,
    resumed_on: dt.date | None = None,
) -> YearPlan:
    """A project's plan for one year: investment, funds, the statistics target, and whether it is a continuing
    project (续建) of the year with the day it resumed construction (复工)."""
    project = _project_for_change(user, pk)
    if resumed_on is not None and resumed_on.year != year:
        raise Invalid(
            _("The resumption date must fall in the plan's year."), fields={"resumed_on": [_("another year")]}
        )
    if resumed_on is not None and not is_continuing:
        raise Invalid(
            _("Only a continuing project resumes construction."), fields={"resumed_on": [_("not continuing")]}
        )
    plan, _created = YearPlan.objects.get_or_create(
        project=project, year=year, defaults={"investment": investment}
    )
    plan.investment, plan.funds, plan.fai_target = investment, funds, fai_target
    plan.is_continuing, plan.resumed_on = is_continuing, resumed_on
    _clean_and_save(plan, user=user)
    return plan


@transaction.atomic
def monthly_report_save(
    *, user, pk: int, month: dt.date, data: dict[str, Any], version: int | None = None
) -> MonthlyReport:
    project = _project_for_change(user, pk)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise Invalid(
            _("A report cannot be for a month that has not begun."), fields={"month": [_("in the future")]}
        )
    report = MonthlyReport.objects.select_for_update().filter(project=project, month=month).first()
    if report is None:
        report = MonthlyReport(project=project, month=month)
    else:
        if version is not None:
            _check_version(report, version)
        report.version += 1
    for k in {"investment", "funds", "fai", "capital", "output_value", "progress", "problems"} & data.keys():
        setattr(report, k, data[k])
    report.submitted_by = user
    _clean_and_save(report, user=user)
    return report


# ---- problems ---------------------------------------------------------------------------------------------
@transaction.atomic
def problem_raise(
    *, user, pk: int, description: str, owner_id: int, due_wd: int, on: dt.date | None = None
) -> Problem:
    project = _project_for_change(user, pk)
    on = _on(on)
    if due_wd < 1:
        raise Invalid(_("Give at least one working day."), fields={"due_wd": [_("at least 1")]})
    problem = Problem(
        project=project,
        description=description.strip(),
        raised_by=user,
        raised_on=on,
        owner_id=owner_id,
        due_wd=due_wd,
        due_on=working_calendar().add_working_days(on, due_wd),
    )
    _clean_and_save(problem, user=user)
    return problem


@transaction.atomic
def problem_answer(*, user, pk: int, answer: str, close: bool = False, on: dt.date | None = None) -> Problem:
    _staff(user)
    problem = get_object_or_404(Problem.objects.restrict(user, "change").select_for_update(), pk=pk)
    if not user.is_zone_wide and user.department_id not in {
        problem.owner_id,
        problem.project.lead_department_id,
    }:
        raise Forbidden(_("Only the owner department answers this problem."))
    if not answer.strip():
        raise Invalid(_("Write the answer."), fields={"answer": [_("required")]})
    on = _on(on)

    def effects(t) -> None:
        problem.answer, problem.answered_on = answer.strip(), on

    workflow.transition(
        PROBLEM,
        problem,
        "close" if close else "answer",
        user=user,
        on=on,
        note=answer.strip(),
        effects=effects,
    )
    return problem


# ---- the 达产 rule (specs/metrics.md §3.1) -------------------------------------------------------------------------
CAPACITY_ALERT = "projects.capacity_rule"


def _month_back(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


@transaction.atomic
def capacity_check(*, today: dt.date | None = None) -> int:
    """Propose 达产 for the projects in production whose output value over the last three complete months (all
    reported) reached 80 % of their design output for three months: the project is marked with the day the rule
    was met and its lead department and officer are told; an official confirms 达产 with the evidence (the
    lifecycle's step). Returns how many projects were proposed."""
    today = today or timezone.localdate()
    last = _month_back(today.replace(day=1), 1)
    months = [_month_back(last, 2), _month_back(last, 1), last]
    rows = list(
        Project.objects.filter(
            status=Status.PRODUCTION, design_output__gt=0, capacity_proposed_on__isnull=True
        ).values_list("pk", "design_output", "lead_department_id", "helper_id", "name")
    )
    if not rows:
        return 0
    pos = {r[0]: i for i, r in enumerate(rows)}
    output = np.full((len(rows), 3), np.nan)
    for pid, month, value in MonthlyReport.objects.filter(
        project_id__in=pos, month__in=months, output_value__isnull=False
    ).values_list("project_id", "month", "output_value"):
        output[pos[pid], months.index(month)] = float(value)
    met = engine.capacity_met(output, np.array([float(r[1]) for r in rows]))
    chosen = [rows[i] for i in np.flatnonzero(met).tolist()]
    Project.objects.filter(pk__in=[r[0] for r in chosen]).update(capacity_proposed_on=today)
    staff: dict[int, set[int]] = {}
    for dept in {r[2] for r in chosen}:
        staff[dept] = set(
            User.objects.filter(
                department_id=dept, is_active=True, role__in=[Role.DEPT_STAFF, Role.DEPT_ADMIN]
            ).values_list("pk", flat=True)
        )
    notify.send_many(
        [
            notify.Message(
                kind=CAPACITY_ALERT,
                recipients=staff[dept] | ({helper} if helper else set()),
                message=_(
                    "%(name)s met the capacity rule (3 months of output ≥ 80 %% of design): confirm 达产 with "
                    "the evidence."
                )
                % {"name": name},
                on=today,
                target=Project(pk=pk),
                url=reverse("projects:detail", args=[pk]),
                once_key=f"capacity-{pk}",
            )
            for pk, _design, dept, helper, name in chosen
        ]
    )
    return len(chosen)
