"""Key projects: registration, changes, the lifecycle with its milestones, year plans, monthly reports and
the 问题清单."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import audited
from parkos.core.selectors import working_calendar
from parkos.core.services import check_version as _check_version
from parkos.core.services import clean_and_save as _clean_and_save

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
    if target in {Status.STARTED, Status.COMPLETED, Status.PRODUCTION} and not evidence.strip():
        raise Invalid(
            _("Record the evidence (permit, acceptance record, production statement)."),
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
def year_plan_set(*, user, pk: int, year: int, investment: Decimal, funds: Decimal | None = None) -> YearPlan:
    project = _project_for_change(user, pk)
    plan, _created = YearPlan.objects.get_or_create(
        project=project, year=year, defaults={"investment": investment}
    )
    plan.investment, plan.funds = investment, funds
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
    for k in {"investment", "funds", "progress", "problems"} & data.keys():
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
