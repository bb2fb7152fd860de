"""Approvals: laying out a project's stages from a flow, the catalogue and flows, each item's steps (the item
workflow with its effects: dates, clocks, suspensions, extensions, results, verification), re-filing, and the
帮代办 officer's records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Role
from parkos.core.selectors import working_calendar
from parkos.core.services import attach_files
from parkos.core.services import check_version as _check_version
from parkos.core.services import clean_and_save as _clean_and_save

from ..models import (
    FLOW_FIELDS,
    ITEM_FIELDS,
    ApprovalConfig,
    ApprovalItem,
    Authorization,
    Extension,
    FlowTemplate,
    Handover,
    ItemInstance,
    ItemMode,
    ItemResult,
    ItemState,
    Stage,
    StageInstance,
    Suspension,
)
from ..workflows import ITEM
from .common import MAX_EXTENSION_WD, _on, _project_for_change
from .refresh import refresh


# ---- approvals: set-up ------------------------------------------------------------------------------------------
def _configurer(user) -> None:
    if not ApprovalConfig.may_change(user):
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
    for k in set(FLOW_FIELDS) & data.keys():
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
    for k in set(ITEM_FIELDS) & data.keys():
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
        _false_commitment(item, on, user)
    elif action in {"return", "correction_timeout"}:
        _close_suspension(item, on)
        item.completed_on = on
    elif action == "withdraw":
        _close_suspension(item, on)
        item.completed_on = on if item.accepted_on else None


def _false_commitment(item: ItemInstance, on: dt.date, user) -> None:
    """A 告知承诺 found false in verification is a 失信 record of the applicant (issue #17 §2), written by credit."""
    if not item.project.investor_id:
        return
    from parkos.credit import public as credit

    credit.record_false_commitment(
        user=user,
        enterprise_id=item.project.investor_id,
        title=_("False commitment: %(item)s (%(project)s)")
        % {"item": item.item.name, "project": item.project.name},
        found_on=on,
        ref=f"approvals.item:{item.pk}",
        department_id=item.department_id or user.department_id,
    )


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
    today = today or timezone.localdate()
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
    if h.item is not None and h.item.project_id != project.pk:
        raise Invalid(_("That item belongs to another project."))
    _clean_and_save(h, user=user)
    return h


@transaction.atomic
def authorization_record(*, user, pk: int, data: dict[str, Any]) -> Authorization:
    project = _project_for_change(user, pk)
    a = Authorization(project=project, created_by=user)
    for k in {"signed_on", "valid_until", "signatory", "scope"} & data.keys():
        setattr(a, k, data[k])
    if a.valid_until and a.signed_on and a.valid_until < a.signed_on:
        raise Invalid(
            _("The authorisation ends before it was signed."), fields={"valid_until": [_("too early")]}
        )
    _clean_and_save(a, user=user)
    scans = data.get("file") or []
    if scans:  # the authorisation and its scan together, or neither
        attach_files(
            user=user,
            target="projects.authorization",
            target_id=a.pk,
            uploads=list(scans) if isinstance(scans, list | tuple) else [scans],
        )
    return a
