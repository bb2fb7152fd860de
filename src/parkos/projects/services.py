"""Every write to projects and approvals: permission, validation, state machine, audit, one transaction.

Dates passed as `on` are business dates (the day a thing happened), default today; they may not lie in the
future nor before the item's last event. After every approval action the project's clocks and lights are
recomputed (`refresh`), and a change of light is alerted once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import capabilities, notify, workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role, User
from parkos.core.selectors import working_calendar
from parkos.core.services import check_version as _check_version
from parkos.core.services import clean_and_save as _clean_and_save

from . import engine
from .models import (
    PROJECT_FIELDS,
    REFORM_OFFICE,
    ApprovalConfig,
    ApprovalItem,
    Authorization,
    Extension,
    FlowTemplate,
    Handover,
    ItemAction,
    ItemInstance,
    ItemMode,
    ItemResult,
    ItemState,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Stage,
    StageInstance,
    Status,
    Suspension,
    YearPlan,
)
from .workflows import ITEM, PROBLEM, PROJECT

MAX_EXTENSION_WD = 15  # 行政许可法 Art. 42: +10, or +15 for joint handling


def _today() -> dt.date:
    return timezone.localdate()


def _staff(user) -> None:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change projects."))


def _project_for_change(user, pk: int) -> Project:
    _staff(user)
    return get_object_or_404(Project.objects.restrict(user, "change").select_for_update(), pk=pk)


def _on(on: dt.date | None, *, today: dt.date | None = None) -> dt.date:
    today = today or _today()
    on = on or today
    if on > today:
        raise Invalid(_("The date cannot be in the future."), fields={"on": [_("after today")]})
    return on


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
    project.registered_on = project.registered_on or _today()
    _clean_and_save(project, user=user)
    for kind in Milestone.Kind.values:
        m = Milestone(project=project, kind=kind, planned_on=(planned or {}).get(kind))
        m._history_user = user
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
            m._history_user = user
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
    m._history_user = user
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
    if month > _today().replace(day=1):
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


# ---- approvals: set-up ------------------------------------------------------------------------------------------
def _configurer(user) -> None:
    if not user.may("configure"):
        raise Forbidden(_("You may not change approval settings."))


def default_flow(investment_type: str) -> FlowTemplate | None:
    return (
        FlowTemplate.objects.filter(investment_type=investment_type, is_default=True).order_by("pk").first()
        or FlowTemplate.objects.filter(investment_type=investment_type).order_by("pk").first()
    )


@transaction.atomic
def approvals_start(*, user, pk: int, flow_id: int | None = None) -> list[StageInstance]:
    """Lay out a project's approval stages and items from a flow template (its own or the default)."""
    project = _project_for_change(user, pk)
    if project.stages.exists():
        raise Invalid(_("This project's approvals are already laid out."))
    flow = (
        FlowTemplate.objects.filter(pk=flow_id).first() if flow_id else default_flow(project.investment_type)
    )
    if flow is None:
        raise Invalid(_("No approval flow is defined for this investment type."))
    stage_of = {s: s for s in Stage.values}
    if flow.merge_2_3:
        stage_of[Stage.STAGE2] = stage_of[Stage.STAGE3] = Stage.MERGED_2_3
    stages: dict[str, StageInstance] = {}
    leads: dict[str, int] = {}
    items = list(flow.items.select_related("department").order_by("stage", "code"))
    for it in items:
        leads.setdefault(stage_of[it.stage], it.department_id)
    for order, (code, limit) in enumerate(flow.stage_limits().items()):
        stages[code] = StageInstance.objects.create(
            project=project, stage=code, order=order, limit_wd=limit, lead_department_id=leads.get(code)
        )
    ItemInstance.objects.bulk_create(
        [
            ItemInstance(
                project=project,
                stage=stages[stage_of[it.stage]],
                item=it,
                department_id=it.department_id,
                mode=it.mode,
                correction_mode=it.correction_mode,
                statutory_limit_wd=it.statutory_limit_wd,
                promised_limit_wd=0 if it.mode == ItemMode.INSTANT else it.promised_limit_wd,
            )
            for it in items
        ]
    )
    project.flow, project.total_limit_wd = flow, flow.total_limit_wd
    project.version += 1
    _clean_and_save(project, user=user)
    return list(stages.values())


@transaction.atomic
def flow_update(
    *, user, pk: int, version: int | None, data: dict[str, Any], item_ids: list[int] | None = None
):
    _configurer(user)
    flow = get_object_or_404(FlowTemplate.objects.select_for_update(), pk=pk)
    _check_version(flow, version)
    for k in {
        "name",
        "total_limit_wd",
        "stage1_wd",
        "stage2_wd",
        "stage3_wd",
        "stage4_wd",
        "merge_2_3",
        "allow_overlap",
        "is_default",
    } & data.keys():
        setattr(flow, k, data[k])
    stage_sum = flow.stage1_wd + flow.stage2_wd + flow.stage3_wd + flow.stage4_wd
    if stage_sum > flow.total_limit_wd:
        raise Invalid(
            _("The stage limits add up to %(sum)s working days, more than the total limit of %(total)s.")
            % {"sum": stage_sum, "total": flow.total_limit_wd},
            fields={"total_limit_wd": [_("less than the stages")]},
        )
    flow.version += 1
    _clean_and_save(flow, user=user)
    if item_ids is not None:
        flow.items.set(ApprovalItem.objects.filter(pk__in=item_ids))
    return flow


@transaction.atomic
def approval_item_update(*, user, pk: int, version: int | None, data: dict[str, Any]) -> ApprovalItem:
    _configurer(user)
    item = get_object_or_404(ApprovalItem.objects.select_for_update(), pk=pk)
    _check_version(item, version)
    for k in {
        "name",
        "statutory_limit_wd",
        "promised_limit_wd",
        "mode",
        "correction_mode",
        "verification_wd",
        "is_mandatory",
    } & data.keys():
        setattr(item, k, data[k])
    if item.promised_limit_wd > item.statutory_limit_wd:
        raise Invalid(
            _("The promised limit cannot exceed the statutory limit."),
            fields={"promised_limit_wd": [_("more than the statutory limit")]},
        )
    item.version += 1
    _clean_and_save(item, user=user)
    return item


def approval_config_update(*, user, data: dict[str, Any]):
    _configurer(user)
    if "report_due_day" in data and not 1 <= int(data["report_due_day"]) <= 28:
        raise Invalid(_("Choose a day between 1 and 28."), fields={"report_due_day": [_("1 to 28")]})
    return ApprovalConfig.save_values(user=user, data=data)


ACTIONS_NEEDING_NOTE = {
    "reject_intake",
    "deny",
    "return",
    "start_special",
    "request_correction",
    "pre_correct",
}
HELPER_ACTIONS = {"submit", "withdraw"}  # a 帮代办 officer files and withdraws on the enterprise's behalf


def _may_act(user, item: ItemInstance, action: str) -> None:
    if user.is_enterprise_user or not user.may("change"):
        raise Forbidden(_("You may not handle approval items."))
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return
    if action in HELPER_ACTIONS and item.project.helper_id == user.pk:
        return
    if user.department_id == item.department_id:
        return
    if action in HELPER_ACTIONS and user.department_id == item.project.lead_department_id:
        return
    raise Forbidden(_("Only the handling department acts on this item."))


def _open_suspension(item: ItemInstance) -> Suspension | None:
    return item.suspensions.filter(end__isnull=True).order_by("-start").first()


def _close_suspension(item: ItemInstance, on: dt.date) -> None:
    s = _open_suspension(item)
    if s is not None:
        s.end = on
        if s.end < s.start:  # materials arrived the day of the notice: nothing was suspended
            s.delete()
        else:
            s.save()


def _item_action_effects(*, item, action, on, note, cal, cfg, user, before, kw) -> None:
    """What an action does to the item besides its state: dates, clocks, suspensions, results, verification."""
    if action == "submit":
        _check_order(item)
        item.received_on = on
    elif action in {"accept", "deem_accept"}:
        accepted = item.received_on if action == "deem_accept" else on
        item.accepted_on = accepted
        start = accepted
        if cfg.accept_on_nonworking == "shift" and not cal.is_working_day(accepted):
            start = cal.add_working_days(accepted, 1)
        item.clock_start = start
        _stage_starts(item, start)
    elif action == "pre_correct":
        window_end = cal.add_working_days(item.received_on, cfg.deem_accept_wd)
        if on > window_end:
            raise Invalid(
                _(
                    "The one-time correction notice had to be issued within %(n)s working days of receipt "
                    "(by %(d)s); the application counts as accepted on the day it was received."
                )
                % {"n": cfg.deem_accept_wd, "d": window_end}
            )
    elif action == "request_correction":
        Suspension.objects.create(
            item=item, kind=Suspension.Kind.CORRECTION, start=on + dt.timedelta(days=1), notice_doc=note[:200]
        )
    elif action == "receive_materials":
        _close_suspension(item, on)
        if item.correction_mode == "restart":
            item.clock_start = on
    elif action == "start_special":
        until = kw.get("until")
        Suspension.objects.create(
            item=item,
            kind=kw.get("kind") or Suspension.Kind.SPECIAL,
            start=on + dt.timedelta(days=1),
            notice_doc=note[:200],
            note=_("expected until %(d)s") % {"d": until} if until else "",
        )
    elif action == "end_special":
        _close_suspension(item, on)
    elif action == "extend":
        days = int(kw.get("days") or 0)
        approved_by = (kw.get("approved_by") or "").strip()
        if days < 1:
            raise Invalid(_("Give the extension in working days."), fields={"days": [_("at least 1")]})
        if item.extension_wd + days > MAX_EXTENSION_WD:
            raise Invalid(
                _("Extensions may add at most %(n)s working days in all.") % {"n": MAX_EXTENSION_WD},
                fields={"days": [_("too many")]},
            )
        if not approved_by or not note.strip():
            raise Invalid(
                _("An extension needs the approving head of department and the reason."),
                fields={"approved_by": [_("required")], "note": [_("required")]},
            )
        Extension.objects.create(
            item=item, days=days, approved_by=approved_by, reason=note, on=on, created_by=user
        )
        item.extension_wd += days
    elif action in {"approve", "deny"}:
        item.result = ItemResult.GRANTED if action == "approve" else ItemResult.DENIED
        item.completed_on = on
    elif action == "commit":
        if before == ItemState.SUBMITTED:  # decided at once on the applicant's commitment
            item.accepted_on = item.clock_start = on
            _stage_starts(item, on)
        item.result = ItemResult.COMMITTED
        item.completed_on = item.commitment_signed_on = on
        item.commitment_text_version = (kw.get("text_version") or "").strip()[:40]
        item.verification_due = cal.add_working_days(on, item.item.verification_wd)
    elif action == "verify_pass":
        item.verification_result = "符合"
    elif action == "verify_rectify":
        days = int(kw.get("days") or 0)
        if days < 1:
            raise Invalid(
                _("Give the rectification period in working days."), fields={"days": [_("at least 1")]}
            )
        item.verification_result = "限期整改"
        item.verification_due = cal.add_working_days(on, days)
    elif action == "verify_fail":
        item.verification_result = "不符合"
    elif action in {"return", "correction_timeout"}:
        _close_suspension(item, on)
        item.completed_on = on
    elif action == "withdraw":
        _close_suspension(item, on)
        item.completed_on = on if item.accepted_on else None


@transaction.atomic
def item_act(
    *,
    user,
    pk: int,
    action: str,
    on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
    today: dt.date | None = None,
    refresh_after: bool = True,
    **kw: Any,
) -> ItemInstance:
    """Apply one action of the item state machine (specs/approvals.md §8.2); refuses illegal ones."""
    item = get_object_or_404(
        ItemInstance.objects.restrict(user, "view")
        .select_related("project", "stage", "item")
        .select_for_update(of=("self",)),
        pk=pk,
    )
    _may_act(user, item, action)
    if version is not None:
        _check_version(item, version)
    today = today or _today()
    on = _on(on, today=today)
    last = item.events.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise Invalid(
            _("The date is before the item's last step (%(d)s).") % {"d": last},
            fields={"on": [_("too early")]},
        )
    before = item.state
    cal = working_calendar()
    cfg = ApprovalConfig.get()

    def effects(t) -> None:
        if action in ACTIONS_NEEDING_NOTE and not note.strip():
            raise Invalid(_("Give the reason or the notice in writing."), fields={"note": [_("required")]})
        _item_action_effects(
            item=item, action=action, on=on, note=note, cal=cal, cfg=cfg, user=user, before=before, kw=kw
        )

    workflow.transition(ITEM, item, action, user=user, on=on, note=note, effects=effects)
    _stage_completion(item.stage, on)
    if refresh_after:
        refresh(today=today, project_ids=[item.project_id])
        item.refresh_from_db()
    return item


def _check_order(item: ItemInstance) -> None:
    """Predecessors must be done (or replaced by a commitment); earlier stages must be done unless the flow
    lets stages overlap."""
    done = {ItemState.COMPLETED, ItemState.VERIFY_PENDING}
    in_flow = ItemInstance.objects.filter(project_id=item.project_id).values("item_id")
    preds = set(item.item.predecessors.filter(pk__in=in_flow).values_list("pk", flat=True))
    if preds:  # a predecessor the project's flow leaves out does not hold it up
        states = dict(
            ItemInstance.objects.filter(project_id=item.project_id, item_id__in=preds)
            .exclude(state__in=[ItemState.RETURNED, ItemState.WITHDRAWN, ItemState.REJECTED])
            .values_list("item_id", "state")
        )
        missing = [p for p in preds if states.get(p) not in done]
        if missing:
            names = "、".join(ApprovalItem.objects.filter(pk__in=missing).values_list("name", flat=True))
            raise Invalid(_("These items must be completed first: %(names)s") % {"names": names})
    flow = item.project.flow
    if flow is None or not flow.allow_overlap:
        earlier = StageInstance.objects.filter(
            project_id=item.project_id, order__lt=item.stage.order
        ).exclude(state=StageInstance.State.COMPLETED)
        if earlier.exists():
            raise Invalid(_("The previous approval stage is not completed yet."))


def _stage_starts(item: ItemInstance, on: dt.date) -> None:
    stage = item.stage
    if stage.accepted_on is None or on < stage.accepted_on:
        stage.accepted_on = on
        stage.state = StageInstance.State.ACTIVE
        stage.save(update_fields=["accepted_on", "state"])


def _stage_completion(stage: StageInstance, on: dt.date) -> None:
    """A stage is completed when every mandatory item in it is granted (or granted on commitment)."""
    rows = list(
        ItemInstance.objects.filter(stage=stage, item__is_mandatory=True)
        .exclude(state__in=[ItemState.RETURNED, ItemState.WITHDRAWN, ItemState.REJECTED])
        .exclude(resubmissions__isnull=False)  # superseded by a new application
        .values_list("item_id", "state", "result")
    )
    by_item: dict[int, bool] = {}
    for item_id, state, result in rows:  # a resubmission stands in for the returned item
        ok = state in {ItemState.COMPLETED, ItemState.VERIFY_PENDING} and result in {
            ItemResult.GRANTED,
            ItemResult.COMMITTED,
        }
        by_item[item_id] = by_item.get(item_id, False) or ok
    complete = bool(by_item) and all(by_item.values())
    if complete and stage.state != StageInstance.State.COMPLETED:
        stage.state, stage.completed_on = StageInstance.State.COMPLETED, on
        stage.save(update_fields=["state", "completed_on"])
    elif not complete and stage.state == StageInstance.State.COMPLETED:
        stage.state, stage.completed_on = StageInstance.State.ACTIVE, None
        stage.save(update_fields=["state", "completed_on"])


@transaction.atomic
def item_resubmit(*, user, pk: int) -> ItemInstance:
    """An ended item (returned, rejected, withdrawn, revoked or denied) is filed again as a new item with a
    fresh clock, linked to the old one."""
    old = get_object_or_404(
        ItemInstance.objects.restrict(user, "view").select_related("project", "item"), pk=pk
    )
    _may_act(user, old, "submit")
    denied = old.state == ItemState.COMPLETED and old.result == ItemResult.DENIED
    ended = {ItemState.RETURNED, ItemState.REJECTED, ItemState.WITHDRAWN, ItemState.REVOKED}
    if old.state not in ended and not denied:
        raise Invalid(_("Only a returned, rejected, withdrawn, revoked or denied item can be filed again."))
    if old.resubmissions.exists():
        raise Invalid(_("This item has already been filed again."))
    it = old.item
    new = ItemInstance.objects.create(
        project=old.project,
        stage=old.stage,
        item=it,
        department_id=it.department_id,
        mode=it.mode,
        correction_mode=it.correction_mode,
        statutory_limit_wd=it.statutory_limit_wd,
        promised_limit_wd=0 if it.mode == ItemMode.INSTANT else it.promised_limit_wd,
        previous_item=old,
    )
    return new


# ---- 帮代办 -------------------------------------------------------------------------------------------------
@transaction.atomic
def handover_record(*, user, pk: int, data: dict[str, Any]) -> Handover:
    project = _project_for_change(user, pk)
    h = Handover(project=project, officer=user, at=data.get("at") or timezone.now())
    for k in {"item", "direction", "documents", "counterpart"} & data.keys():
        setattr(h, k, data[k])
    if h.item_id and h.item.project_id != project.pk:
        raise Invalid(_("That item belongs to another project."))
    _clean_and_save(h, user=user)
    return h


@transaction.atomic
def authorization_record(*, user, pk: int, data: dict[str, Any]) -> Authorization:
    project = _project_for_change(user, pk)
    a = Authorization(project=project, created_by=user)
    for k in {"signed_on", "valid_until", "signatory", "file", "scope"} & data.keys():
        setattr(a, k, data[k])
    if a.valid_until and a.signed_on and a.valid_until < a.signed_on:
        raise Invalid(
            _("The authorisation ends before it was signed."), fields={"valid_until": [_("too early")]}
        )
    _clean_and_save(a, user=user)
    return a


# ---- clocks, lights and alerts -----------------------------------------------------------------------------------
def _light_text(light: str) -> str:
    return {engine.YELLOW: _("due soon"), engine.RED: _("overdue")}.get(light, light)


class _Recipients:
    """Who hears of a light: handlers, department heads, the approval office, the officer, the leaders."""

    def __init__(self, cfg: ApprovalConfig):
        rows = User.objects.filter(is_active=True).values_list("pk", "role", "department_id")
        self.heads: dict[int, list[int]] = {}
        self.staff: dict[int, list[int]] = {}
        self.leaders: list[int] = []
        for pk, role, dept in rows:
            if role == Role.DEPT_ADMIN:
                self.heads.setdefault(dept, []).append(pk)
            elif role == Role.DEPT_STAFF:
                self.staff.setdefault(dept, []).append(pk)
            elif role == Role.LEADER:
                self.leaders.append(pk)
        self.office = [
            u
            for d in capabilities.department_ids(REFORM_OFFICE)
            for u in self.heads.get(d, []) + self.staff.get(d, [])
        ]

    def item(self, light, dept, handler, helper) -> set[int]:
        out = set(self.heads.get(dept, [])) | ({handler} if handler else set(self.staff.get(dept, [])))
        if light == engine.RED:
            out |= set(self.office) | ({helper} if helper else set())
        return out

    def stage(self, light, dept, helper) -> set[int]:
        out = set(self.heads.get(dept, []))
        if light == engine.RED:
            out |= set(self.office) | ({helper} if helper else set())
        return out

    def project(self, light, dept, helper) -> set[int]:
        out = set(self.heads.get(dept, [])) | ({helper} if helper else set())
        if light == engine.RED:
            out |= set(self.office) | set(self.leaders)
        return out


ALERT_KINDS = {  # the inbox kinds of the approvals' alerts (registered in apps.py)
    "item": "projects.item_light",
    "stage": "projects.stage_light",
    "project": "projects.project_light",
    "problem": "projects.problem_overdue",
}


def _alert(
    alerts: list,
    recipients: set[int],
    *,
    level: str,
    project_id: int,
    light: str,
    on,
    message: str,
    item_id=None,
    stage_id=None,
    problem_id=None,
) -> None:
    """One inbox notice of a change of light (or an overdue problem), about the record, linking to the board."""
    if level == "problem":
        target, url = Problem(pk=problem_id), reverse("projects:detail", args=[project_id])
    else:
        target = (
            ItemInstance(pk=item_id)
            if item_id
            else StageInstance(pk=stage_id)
            if stage_id
            else Project(pk=project_id)
        )
        url = reverse("projects:board", args=[project_id])
    alerts.append(
        notify.Message(
            kind=ALERT_KINDS[level],
            recipients=recipients,
            message=message,
            on=on,
            target=target,
            url=url,
            light=light,
        )
    )


def _save_alerts(alerts: list) -> None:
    notify.send_many(alerts)


@dataclass
class _Refresh:
    """What the refresh's steps share: the day, the settings, the calendar, the recipients, the alerts to send,
    the counts to report, and the projects asked for (None: all)."""

    today: dt.date
    cfg: ApprovalConfig
    cal: Any
    who: _Recipients
    scope: Q
    project_ids: list[int] | None
    ratio: float
    minimum: int
    alerts: list = field(default_factory=list)
    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            ("deemed", "items", "stages", "projects", "alerts", "escalated"), 0
        )
    )


@transaction.atomic
def refresh(*, today: dt.date | None = None, project_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute deadlines, elapsed and remaining working days and lights of every open item, stage and
    project (or of some projects); deem applications accepted after the notice window; escalate overdue
    problems; alert each change of light to yellow or red once. Five named steps in one transaction."""
    cfg = ApprovalConfig.get()
    run = _Refresh(
        today=today or _today(),
        cfg=cfg,
        cal=working_calendar(),
        who=_Recipients(cfg),
        scope=Q(project_id__in=project_ids) if project_ids is not None else Q(),
        project_ids=project_ids,
        ratio=float(cfg.yellow_ratio),
        minimum=cfg.yellow_min_wd,
    )
    _refresh_deem_accepted(run)
    _refresh_items(run)
    srows = _refresh_stages(run)
    _refresh_projects(run, srows)
    _refresh_problems(run)
    _save_alerts(run.alerts)
    run.counts["alerts"] = len(run.alerts)
    return run.counts


def _refresh_deem_accepted(run: _Refresh) -> None:
    """Refresh step 1: Applications left without a correction notice past the window count as accepted on receipt."""
    today, cfg, cal, counts, scope = run.today, run.cfg, run.cal, run.counts, run.scope
    waiting = list(
        ItemInstance.objects.filter(scope, state=ItemState.SUBMITTED, received_on__isnull=False).values_list(
            "pk", "received_on"
        )
    )
    if waiting:
        ids = np.array([w[0] for w in waiting])
        received = np.array([w[1] for w in waiting], dtype="datetime64[D]")
        window_end = cal.add_working_days(received, cfg.deem_accept_wd)
        due = ids[window_end < np.datetime64(today)]
        note = _("No correction notice within %(n)s working days: accepted as of receipt.") % {
            "n": cfg.deem_accept_wd
        }
        for pk in due.tolist():
            item = ItemInstance.objects.select_related("stage").get(pk=pk)

            def effects(t, item=item) -> None:
                item.accepted_on = item.clock_start = item.received_on
                _stage_starts(item, item.received_on)

            workflow.transition(ITEM, item, "deem_accept", user=None, on=today, note=note, effects=effects)
        counts["deemed"] = int(due.size)


def _refresh_items(run: _Refresh) -> None:
    """Refresh step 2: Items: open clocks, plus the finished ones of the projects asked for."""
    today, cal, who, alerts, counts, scope, project_ids, ratio, minimum = (
        run.today,
        run.cal,
        run.who,
        run.alerts,
        run.counts,
        run.scope,
        run.project_ids,
        run.ratio,
        run.minimum,
    )
    live = Q(state__in=engine.ITEM_CLOCK_RUNNING)
    if project_ids is not None:
        live |= Q(project_id__in=project_ids, clock_start__isnull=False)
    rows = list(
        ItemInstance.objects.filter(scope, live, clock_start__isnull=False).values_list(
            "pk",
            "project_id",
            "clock_start",
            "promised_limit_wd",
            "extension_wd",
            "state",
            "completed_on",
            "light",
            "department_id",
            "handler_id",
            "project__helper_id",
            "deadline",
            "original_deadline",
            "elapsed_wd",
            "remaining_wd",
            "suspended_wd",
            "item__name",
            "project__name",
        )
    )
    if rows:
        cols = list(zip(*rows, strict=True))
        ids = np.array(cols[0])
        start = np.array(cols[2], dtype="datetime64[D]")
        promised = np.array(cols[3], dtype=np.int64)
        limit = promised + np.array(cols[4], dtype=np.int64)
        state = np.array(cols[5], dtype=object)
        finished = np.array([c is not None for c in cols[6]])
        done_on = np.array([c or today for c in cols[6]], dtype="datetime64[D]")
        paused = np.isin(state, list(engine.ITEM_PAUSED))
        done = ~np.isin(state, list(engine.ITEM_CLOCK_RUNNING))
        until = np.where(finished & done, done_on, np.datetime64(today))
        susp = list(
            Suspension.objects.filter(item_id__in=ids.tolist()).values_list("item_id", "start", "end")
        )
        pos = {int(pk): i for i, pk in enumerate(ids.tolist())}
        s_owner = [pos[s[0]] for s in susp]
        s_start = np.array([s[1] for s in susp], dtype="datetime64[D]")
        s_end = np.array([s[2] if s[2] else "NaT" for s in susp], dtype="datetime64[D]")
        days = cal.days_covering(start.min(), max(start.max(), np.datetime64(today)), margin_years=2)
        c = engine.clocks(days, start, limit, until, s_owner, s_start, s_end)
        original = engine.clocks(days, start, promised, until, s_owner, s_start, s_end).deadline
        light = engine.lights(
            c.remaining, limit, c.deadline, today, paused=paused, done=done, ratio=ratio, minimum=minimum
        )
        ended = np.isin(state, ["returned", "withdrawn", "rejected", "revoked"])
        light = np.where(ended, "", light)  # an application that ended without a decision shows no light
        changed = []
        for i, r in enumerate(rows):
            dl = None if np.isnat(c.deadline[i]) else c.deadline[i].astype(dt.date)
            odl = None if np.isnat(original[i]) else original[i].astype(dt.date)
            new = (dl, odl, int(c.elapsed[i]), int(c.remaining[i]), int(c.suspended[i]), str(light[i]))
            if new != (r[11], r[12], r[13], r[14], r[15], r[7]):
                changed.append(
                    ItemInstance(
                        pk=r[0],
                        deadline=dl,
                        original_deadline=odl,
                        elapsed_wd=new[2],
                        remaining_wd=new[3],
                        suspended_wd=new[4],
                        light=new[5],
                    )
                )
            if new[5] != r[7] and new[5] in {engine.YELLOW, engine.RED}:
                _alert(
                    alerts,
                    who.item(new[5], r[8], r[9], r[10]),
                    project_id=r[1],
                    level="item",
                    item_id=r[0],
                    light=new[5],
                    on=today,
                    message=f"{r[17]} · {r[16]}: {_light_text(new[5])}",
                )
        ItemInstance.objects.bulk_update(
            changed,
            ["deadline", "original_deadline", "elapsed_wd", "remaining_wd", "suspended_wd", "light"],
            500,
        )
        counts["items"] = len(changed)


def _refresh_stages(run: _Refresh) -> list:
    """Refresh step 3: Stages: clock from the stage's acceptance, suspended while any of its items is."""
    today, cal, who, alerts, counts, scope, project_ids, ratio, minimum = (
        run.today,
        run.cal,
        run.who,
        run.alerts,
        run.counts,
        run.scope,
        run.project_ids,
        run.ratio,
        run.minimum,
    )
    srows = list(
        StageInstance.objects.filter(scope, accepted_on__isnull=False)
        .filter(Q(state=StageInstance.State.ACTIVE) | Q(project_id__in=project_ids or []))
        .values_list(
            "pk",
            "project_id",
            "accepted_on",
            "limit_wd",
            "completed_on",
            "light",
            "lead_department_id",
            "project__helper_id",
            "stage",
            "project__name",
            "deadline",
            "elapsed_wd",
            "remaining_wd",
        )
    )
    if srows:
        cols = list(zip(*srows, strict=True))
        sids = np.array(cols[0])
        start = np.array(cols[2], dtype="datetime64[D]")
        limit = np.array(cols[3], dtype=np.int64)
        done = np.array([c is not None for c in cols[4]])
        until = np.array([c or today for c in cols[4]], dtype="datetime64[D]")
        susp = list(
            Suspension.objects.filter(item__stage_id__in=sids.tolist()).values_list(
                "item__stage_id", "start", "end"
            )
        )
        pos = {int(pk): i for i, pk in enumerate(sids.tolist())}
        open_now = {s[0] for s in susp if s[1] <= today and (s[2] is None or s[2] >= today)}
        paused = np.array([pk in open_now for pk in sids.tolist()])
        days = cal.days_covering(start.min(), max(start.max(), np.datetime64(today)), margin_years=2)
        c = engine.clocks(
            days,
            start,
            limit,
            until,
            [pos[s[0]] for s in susp],
            np.array([s[1] for s in susp], dtype="datetime64[D]"),
            np.array([s[2] if s[2] else "NaT" for s in susp], dtype="datetime64[D]"),
        )
        light = engine.lights(
            c.remaining, limit, c.deadline, today, paused=paused, done=done, ratio=ratio, minimum=minimum
        )
        changed = []
        for i, r in enumerate(srows):
            dl = None if np.isnat(c.deadline[i]) else c.deadline[i].astype(dt.date)
            new = (dl, int(c.elapsed[i]), int(c.remaining[i]), str(light[i]))
            if new != (r[10], r[11], r[12], r[5]):
                changed.append(
                    StageInstance(pk=r[0], deadline=dl, elapsed_wd=new[1], remaining_wd=new[2], light=new[3])
                )
            if new[3] != r[5] and new[3] in {engine.YELLOW, engine.RED}:
                _alert(
                    alerts,
                    who.stage(new[3], r[6], r[7]),
                    project_id=r[1],
                    level="stage",
                    stage_id=r[0],
                    light=new[3],
                    on=today,
                    message=f"{r[9]} · {Stage(r[8]).label}: {_light_text(new[3])}",
                )
        StageInstance.objects.bulk_update(changed, ["deadline", "elapsed_wd", "remaining_wd", "light"], 500)
        counts["stages"] = len(changed)
    return srows


def _refresh_projects(run: _Refresh, srows: list) -> None:
    """Refresh step 4: Projects: government working days are the sum of the stages' (time between stages is the applicant's)."""
    today, who, alerts, counts, ratio, minimum = (
        run.today,
        run.who,
        run.alerts,
        run.counts,
        run.ratio,
        run.minimum,
    )
    touched = set(r[1] for r in srows) if srows else set()
    if touched:
        totals: dict[int, int] = {}
        for pid, elapsed in StageInstance.objects.filter(project_id__in=touched).values_list(
            "project_id", "elapsed_wd"
        ):
            totals[pid] = totals.get(pid, 0) + elapsed
        prow = list(
            Project.objects.filter(pk__in=touched, total_limit_wd__isnull=False).values_list(
                "pk",
                "total_limit_wd",
                "approval_light",
                "lead_department_id",
                "helper_id",
                "name",
                "approval_elapsed_wd",
            )
        )
        if prow:
            limit = np.array([p[1] for p in prow], dtype=np.int64)
            elapsed = np.array([totals.get(p[0], 0) for p in prow], dtype=np.int64)
            all_done = set(
                Project.objects.filter(pk__in=touched)
                .exclude(stages__state__in=["waiting", "active"])
                .values_list("pk", flat=True)
            )
            done = np.array([p[0] in all_done for p in prow])
            light = engine.lights(
                limit - elapsed,
                limit,
                np.full(len(prow), "NaT", dtype="datetime64[D]"),
                today,
                done=done,
                ratio=ratio,
                minimum=minimum,
            )
            moved = []
            for i, p in enumerate(prow):
                if (p[2], p[6]) != (str(light[i]), int(elapsed[i])):
                    moved.append(
                        Project(pk=p[0], approval_light=str(light[i]), approval_elapsed_wd=int(elapsed[i]))
                    )
                if p[2] != str(light[i]) and str(light[i]) in {engine.YELLOW, engine.RED}:
                    _alert(
                        alerts,
                        who.project(str(light[i]), p[3], p[4]),
                        project_id=p[0],
                        level="project",
                        light=str(light[i]),
                        on=today,
                        message=f"{p[5]}: {_('whole approval')} {_light_text(str(light[i]))}",
                    )

            Project.objects.bulk_update(moved, ["approval_light", "approval_elapsed_wd"], 500)
            counts["projects"] = len(moved)


def _refresh_problems(run: _Refresh) -> None:
    """Refresh step 5: Problems past their due date go to the leaders, once."""
    today, who, alerts, counts, scope = run.today, run.who, run.alerts, run.counts, run.scope
    overdue = list(
        Problem.objects.filter(
            scope, state=Problem.State.OPEN, due_on__lt=today, escalated_on__isnull=True
        ).values_list("pk", "project_id", "owner_id", "description", "project__name")
    )
    for pk, pid, owner, desc, pname in overdue:
        _alert(
            alerts,
            set(who.leaders) | set(who.heads.get(owner, [])),
            project_id=pid,
            level="problem",
            problem_id=pk,
            light=engine.RED,
            on=today,
            message=f"{pname}: {_('problem overdue')} · {desc[:80]}",
        )
    if overdue:
        Problem.objects.filter(pk__in=[o[0] for o in overdue]).update(escalated_on=today)
    counts["escalated"] = len(overdue)


ACTION_LABELS = ItemAction.choices
