"""双随机、一公开 (specs/credit.md §3–§6): items, inspectors, conflicts, plans, tasks, the frozen inputs, the SR-1
draw and its append-only record, manual assignment, results and their publication."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import counters, notify, workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Department
from parkos.core.selectors import working_calendar
from parkos.core.services import check_version, clean_and_save
from parkos.enterprises.models import Enterprise, EnterpriseStatus

from .. import engine
from ..models import (
    PROBLEM_RESULTS,
    Conflict,
    CreditConfig,
    Declaration,
    DrawInputs,
    DrawRecord,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionState,
    InspectionTask,
    Inspector,
    Result,
    TaskState,
    runs_credit,
)
from ..selectors import canonical_hash, record_export
from ..workflows import INSPECTION, TASK

ASSIGNED_KIND = "credit.assigned"
PUBLISH_DUE_KIND = "credit.publish_due"
YEAR_LIMIT = {"A": 1, "B": 1, "C": 2, "D": None, "UNKNOWN": 1}  # spec §4.3 max_inspections_per_year

# exclusion reasons (codes; the pages translate them)
CLOSED, A_EXEMPT, RECENT, YEAR_LIMIT_REACHED = "closed", "a_exempt", "recent", "year_limit"


def _staff_of(user, department_id: int | None) -> bool:
    """A department's own staff (or the credit office) may change its directory entries, items, plans and tasks."""
    if user.is_enterprise_user or not user.may("change"):
        return False
    return runs_credit(user) or (department_id is not None and department_id == user.department_id)


def _save_fields(obj, data: dict[str, Any], fields: Sequence[str]) -> None:
    for f in fields:
        if f in data:
            setattr(obj, f, data[f])


# ---- directories -----------------------------------------------------------------------------------------------
ITEM_FIELDS = (
    "code",
    "name",
    "department_id",
    "kind",
    "basis",
    "qualification",
    "ratio_a",
    "ratio_b",
    "ratio_c",
    "ratio_d",
    "ratio_unknown",
    "a_class_exempt",
    "active",
)


@transaction.atomic
def item_save(
    *, user, data: dict[str, Any], pk: int | None = None, version: int | None = None
) -> InspectionItem:
    """An entry of the item list, by its department or the credit office."""
    if pk is None:
        item = InspectionItem(department_id=data.get("department_id") or user.department_id)
    else:
        item = get_object_or_404(InspectionItem.objects.restrict(user, "change").select_for_update(), pk=pk)
        check_version(item, version)
        item.version += 1
    _save_fields(item, data, ITEM_FIELDS)
    if not _staff_of(user, item.department_id):
        raise Forbidden(_("Only the item's department or the credit office changes it."))
    clean_and_save(item, user=user)
    return item


INSPECTOR_FIELDS = (
    "number",
    "name",
    "department_id",
    "user_id",
    "certificate_no",
    "certificate_until",
    "qualifications",
    "leave_from",
    "leave_until",
    "active",
)


@transaction.atomic
def inspector_save(
    *, user, data: dict[str, Any], pk: int | None = None, version: int | None = None
) -> Inspector:
    if pk is None:
        ins = Inspector(department_id=data.get("department_id") or user.department_id)
    else:
        ins = get_object_or_404(Inspector.objects.restrict(user, "change").select_for_update(), pk=pk)
        check_version(ins, version)
        ins.version += 1
    _save_fields(ins, data, INSPECTOR_FIELDS)
    if not _staff_of(user, ins.department_id):
        raise Forbidden(_("Only the inspector's department or the credit office changes the entry."))
    if ins.leave_from and ins.leave_until and ins.leave_until < ins.leave_from:
        raise Invalid(_("The leave ends before it starts."), fields={"leave_until": [_("before the start")]})
    clean_and_save(ins, user=user)
    return ins


@transaction.atomic
def conflict_declare(
    *,
    user,
    inspector_id: int,
    enterprise_id: int,
    reason: str,
    declared_on: dt.date | None = None,
    note: str = "",
) -> Conflict:
    """A conflict (回避) declared by or for an inspector of the user's department."""
    ins = get_object_or_404(Inspector.objects.restrict(user, "change"), pk=inspector_id)
    if not _staff_of(user, ins.department_id) and ins.user_id != user.pk:
        raise Forbidden(_("Only the inspector or their department declares a conflict."))
    if Conflict.objects.filter(inspector=ins, enterprise_id=enterprise_id).exists():
        raise Invalid(_("This conflict is already declared."))
    c = Conflict(
        inspector=ins,
        enterprise_id=enterprise_id,
        reason=reason,
        declared_on=declared_on or timezone.localdate(),
        note=note.strip(),
    )
    clean_and_save(c, user=user)
    return c


@transaction.atomic
def plan_save(
    *, user, year: int, name: str, department_id: int | None = None, published_on=None
) -> InspectionPlan:
    department_id = department_id or user.department_id
    if not _staff_of(user, department_id):
        raise Forbidden(_("Only the department or the credit office plans its inspections."))
    plan = InspectionPlan(
        year=year, name=name.strip(), department_id=department_id, published_on=published_on
    )
    clean_and_save(plan, user=user)
    return plan


# ---- tasks -----------------------------------------------------------------------------------------------------
def _task_code(year: int) -> str:
    n = counters.next_number(f"credit.task.{year}")
    return f"{year}-SJ-{n:03d}"


@transaction.atomic
def task_create(
    *,
    user,
    name: str,
    item_ids: Iterable[int],
    planned_on: dt.date,
    plan_id: int | None = None,
    department_id: int | None = None,
    team_size: int | None = None,
    max_load: int | None = None,
    park_id: int | None = None,
    industry_division: str = "",
    inspect_by: dt.date | None = None,
    redraw_of: InspectionTask | None = None,
    redraw_reason: str = "",
) -> InspectionTask:
    """A task over one or several items (items of several departments: a joint task). Its commitment — SHA-256 of a
    secret only the draw reveals — is fixed now and shown from now on."""
    cfg = CreditConfig.get()
    items = list(InspectionItem.objects.filter(pk__in=list(item_ids), active=True))
    if not items:
        raise Invalid(_("Choose at least one inspection item in force."), fields={"items": [_("required")]})
    department_id = department_id or user.department_id or items[0].department_id
    if not _staff_of(user, department_id):
        raise Forbidden(_("Only the department or the credit office plans its inspections."))
    if not runs_credit(user) and not any(i.department_id == department_id for i in items):
        raise Invalid(
            _("A task leads with one of its department's own items."), fields={"items": [_("not yours")]}
        )
    if plan_id and not InspectionPlan.objects.filter(pk=plan_id).exists():
        raise Invalid(_("Choose a plan."), fields={"plan": [_("unknown")]})
    secret = secrets.token_hex(32)
    task = InspectionTask(
        code=_task_code(planned_on.year),
        name=name.strip(),
        plan_id=plan_id,
        department_id=department_id,
        planned_on=planned_on,
        inspect_by=inspect_by,
        team_size=team_size or cfg.team_size,
        max_load=max_load if max_load is not None else cfg.max_load,
        park_id=park_id,
        industry_division=industry_division,
        commitment=engine.commitment_of(secret),
        secret=secret,
        redraw_of=redraw_of,
        redraw_reason=redraw_reason.strip(),
        created_by=user,
    )
    clean_and_save(task, user=user)
    task.items.set(items)
    workflow.record(TASK, task, "plan", user=user, on=timezone.localdate(), frm="")
    return task


def _locked_task(user, pk: int) -> InspectionTask:
    return get_object_or_404(InspectionTask.objects.restrict(user, "change").select_for_update(), pk=pk)


LIVE = ~Q(task__state=TaskState.VOID)


def _object_pool(
    task: InspectionTask, items: list[InspectionItem]
) -> tuple[list, dict[str, str], dict[str, int]]:
    """The eligible objects (uscc, class) and the left-out ones with their reason (spec §3, §4.3): not operating,
    class A where every item spares it (无事不扰), inspected for the same item within the period (except C/D), the
    year's inspections reached."""
    cfg = CreditConfig.get()
    ents = Enterprise.objects.all()
    if task.park_id:
        ents = ents.filter(park_id=task.park_id)
    if task.industry_division:
        ents = ents.filter(industry_division=task.industry_division)
    exclusions: dict[str, str] = {}
    cls_of: dict[str, str] = {}
    id_of: dict[str, int] = {}
    for pk, uscc, status, cls, inputs in ents.values_list(
        "pk", "uscc", "status", "credit_profile__effective_class", "credit_profile__inputs"
    ):
        if status != EnterpriseStatus.OPERATING:
            exclusions[uscc] = CLOSED
            continue
        cls_of[uscc] = cls if cls and inputs else "UNKNOWN"
        id_of[uscc] = pk
    if all(i.a_class_exempt for i in items):
        exclusions.update({u: A_EXEMPT for u, c in cls_of.items() if c == "A"})
    live = LIVE & ~Q(task_id=task.pk)
    since = task.planned_on - dt.timedelta(days=cfg.exclude_recent_days)
    for u in Inspection.objects.filter(
        live, task__items__in=[i.pk for i in items], task__planned_on__gte=since
    ).values_list("enterprise__uscc", flat=True):
        if u in cls_of and cls_of[u] not in {"C", "D"} and u not in exclusions:
            exclusions[u] = RECENT
    year_counts: dict[str, int] = {}
    for u in Inspection.objects.filter(live, task__planned_on__year=task.planned_on.year).values_list(
        "enterprise__uscc", flat=True
    ):
        year_counts[u] = year_counts.get(u, 0) + 1
    for u, k in year_counts.items():
        limit = YEAR_LIMIT.get(cls_of.get(u, ""), None)
        if u in cls_of and u not in exclusions and limit is not None and k >= limit:
            exclusions[u] = YEAR_LIMIT_REACHED
    pool = [(u, c) for u, c in cls_of.items() if u not in exclusions]
    return pool, exclusions, id_of


def _inspector_pool(task: InspectionTask, items: list[InspectionItem], dept_code: dict[int, str]) -> list:
    """The inspectors of the items' departments who may go on the draw day (spec §5): active, certificate valid,
    not on leave, holding each item's qualification; with the open inspections they already carry."""
    on = task.planned_on
    needs: dict[int, set[str]] = {}
    for i in items:
        if i.qualification:
            needs.setdefault(i.department_id, set()).add(i.qualification)
    open_load: dict[str, int] = {}
    for number in Inspection.objects.filter(LIVE, state=InspectionState.ASSIGNED).values_list(
        "inspectors__number", flat=True
    ):
        if number:
            open_load[number] = open_load.get(number, 0) + 1
    out = []
    for ins in Inspector.objects.filter(
        active=True, department_id__in=list(dept_code), certificate_until__gte=on
    ):
        if ins.leave_from and ins.leave_from <= on <= (ins.leave_until or on):
            continue
        if not needs.get(ins.department_id, set()) <= ins.qualification_set():
            continue
        out.append(
            engine.Inspector(
                ins.number,
                dept_code[ins.department_id],
                tuple(sorted(ins.qualification_set())),
                open_load.get(ins.number, 0),
            )
        )
    return out


def _conflicts(task: InspectionTask, item_ids: list[int], numbers: set[str], pool_ids: list[int]) -> set:
    """Declared conflicts, and the rotation rule (spec §5.3): who inspected an object in the previous round of the
    same items does not inspect it again."""
    conflicts = set(
        Conflict.objects.filter(inspector__number__in=numbers, enterprise_id__in=pool_ids).values_list(
            "inspector__number", "enterprise__uscc"
        )
    )
    previous = (
        InspectionTask.objects.filter(items__in=item_ids, state__in=[TaskState.DRAWN, TaskState.CLOSED])
        .exclude(pk=task.pk)
        .order_by("-planned_on", "-pk")
        .first()
    )
    if previous is not None:
        conflicts |= {
            (n, u)
            for n, u in Inspection.objects.filter(task=previous, enterprise_id__in=pool_ids).values_list(
                "inspectors__number", "enterprise__uscc"
            )
            if n in numbers
        }
    return conflicts


def build_inputs(task: InspectionTask, today: dt.date) -> dict[str, Any]:
    """The draw's inputs from the registry and the directories as they are now (spec §6.1), canonical: the pool,
    the inspectors, the conflicts, the configuration (the items' highest ratios; one inspector of each department
    of a joint task), and the exclusions for the record."""
    items = list(task.items.all())
    depts = sorted({i.department_id for i in items})
    dept_code = dict(Department.objects.filter(pk__in=depts).values_list("pk", "code"))
    pool, exclusions, id_of = _object_pool(task, items)
    inspectors = _inspector_pool(task, items, dept_code)
    conflicts = _conflicts(
        task, [i.pk for i in items], {i.id for i in inspectors}, [id_of[u] for u, _c in pool]
    )
    ratios = {
        "A": max(i.ratio_a for i in items),
        "B": max(i.ratio_b for i in items),
        "C": max(i.ratio_c for i in items),
        "D": max(i.ratio_d for i in items),
        "UNKNOWN": max(i.ratio_unknown for i in items),
    }
    required = tuple(sorted(dept_code[d] for d in depts)) if len(depts) > 1 else ()
    config = engine.DrawConfig(
        ratios={c: Fraction(str(r)) for c, r in ratios.items()},
        team_size=max(task.team_size, len(required)),
        max_load=task.max_load,
        required_depts=required,
    )
    return {
        "pool": engine.pool_bytes(pool).decode(),
        "inspectors": engine.inspector_bytes(inspectors).decode(),
        "conflicts": engine.conflict_bytes(conflicts).decode(),
        "config": config.canonical(),
        "exclusions": dict(sorted(exclusions.items())),
    }


@transaction.atomic
def task_freeze(*, user, pk: int, on: dt.date | None = None, version: int | None = None) -> DrawInputs:
    """Fix the inputs and publish their hashes before the draw (spec §6.1)."""
    task = _locked_task(user, pk)
    if version is not None:
        check_version(task, version)
    on = on or timezone.localdate()
    inputs = build_inputs(task, on)
    if not inputs["pool"]:
        raise Invalid(_("No enterprise is left to draw from: check the task's park, industry and items."))
    frozen: dict[str, DrawInputs] = {}

    def effects(_t) -> None:
        frozen["row"] = DrawInputs.objects.create(
            task=task,
            frozen_by=user,
            pool_hash=engine.sha256_hex(inputs["pool"].encode()),
            inspector_hash=engine.sha256_hex(inputs["inspectors"].encode()),
            conflict_hash=engine.sha256_hex(inputs["conflicts"].encode()),
            config_hash=engine.sha256_hex(inputs["config"].encode()),
            **inputs,
        )

    workflow.transition(TASK, task, "freeze", user=user, on=on, effects=effects)
    return frozen["row"]


@transaction.atomic
def task_draw(
    *, user, pk: int, witness_code: str, witnesses: str, on: dt.date | None = None, version: int | None = None
) -> DrawRecord:
    """The draw at the meeting: the witness types a code nobody knew in advance, the task reveals its secret, the
    SR-1 draw runs on the frozen inputs; the record is written once and the inspections created."""
    task = _locked_task(user, pk)
    if version is not None:
        check_version(task, version)
    on = on or timezone.localdate()
    witness_code = witness_code.strip()
    errors = {}
    if len(witness_code) < 4 or "|" in witness_code:
        errors["witness_code"] = [_("The witness types at least 4 characters (no “|”).")]
    if not witnesses.strip():
        errors["witnesses"] = [_("Name the supervising witnesses.")]
    if errors:
        raise Invalid(_("Please correct the errors below."), fields=errors)
    holder: dict[str, DrawRecord] = {}

    def effects(_t) -> None:
        inputs = DrawInputs.objects.get(task=task)
        base = {
            "task_id": task.code,
            "witness_code": witness_code,
            "secret": task.secret,
            "inputs": {
                "pool": inputs.pool,
                "inspectors": inputs.inspectors,
                "conflicts": inputs.conflicts,
                "config": inputs.config,
            },
        }
        result, seed = engine.recompute(base)
        rec = DrawRecord(
            task=task,
            inputs=inputs,
            commitment=task.commitment,
            secret=task.secret,
            witness_code=witness_code,
            public_entropy=engine.entropy_of(witness_code, task.secret),
            seed=seed.hex(),
            result=engine.result_payload(result),
            output_hash=result.output_hash(),
            operator=user,
            witnesses=witnesses.strip(),
            drawn_at=timezone.now(),
        )
        rec.inputs = inputs
        rec.record_hash = canonical_hash(record_export(rec))
        rec.save()
        holder["record"] = rec
        _create_inspections(task, result, on)

    workflow.transition(TASK, task, "draw", user=user, on=on, note=witnesses.strip(), effects=effects)
    return holder["record"]


def _create_inspections(task: InspectionTask, result: engine.DrawResult, on: dt.date) -> None:
    usccs = [d.uscc for d in result.sample]
    ent = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "pk"))
    rows = [
        Inspection(
            task=task,
            enterprise_id=ent[d.uscc],
            order=k,
            cls=d.cls,
            state=InspectionState.MANUAL if d.uscc in result.manual else InspectionState.ASSIGNED,
            manual_reason=result.manual.get(d.uscc, ""),
        )
        for k, d in enumerate(result.sample, start=1)
    ]
    Inspection.objects.bulk_create(rows)
    by_uscc = {
        ent_u: r
        for ent_u, r in zip(usccs, Inspection.objects.filter(task=task).order_by("order"), strict=True)
    }
    numbers = {n for team in result.assignments.values() for n in team}
    ins = dict(Inspector.objects.filter(number__in=numbers).values_list("number", "pk"))
    through = Inspection.inspectors.through
    through.objects.bulk_create(
        [
            through(inspection_id=by_uscc[u].pk, inspector_id=ins[n])
            for u, team in result.assignments.items()
            for n in team
        ]
    )
    users: dict[int, int] = {}
    for uid in Inspector.objects.filter(number__in=numbers, user__isnull=False).values_list(
        "user_id", flat=True
    ):
        users[uid] = users.get(uid, 0) + 1
    if users:
        notify.send_many(
            [
                notify.Message(
                    kind=ASSIGNED_KIND,
                    recipients={uid},
                    message=_("Task %(code)s: you inspect %(n)s enterprise(s).")
                    % {"code": task.code, "n": n},
                    on=on,
                    target=task,
                    url=reverse("credit:task", args=[task.pk]),
                    once_key=f"assigned-{task.pk}-{uid}",
                )
                for uid, n in users.items()
            ]
        )


@transaction.atomic
def task_redraw(*, user, pk: int, reason: str, planned_on: dt.date | None = None) -> InspectionTask:
    """A redraw: a new task with the same items and a written reason; the old task and its record stay (void)."""
    old = _locked_task(user, pk)
    if not reason.strip():
        raise Invalid(_("A redraw needs a written reason."), fields={"reason": [_("required")]})
    if (
        Inspection.objects.filter(task=old)
        .exclude(state__in=[InspectionState.ASSIGNED, InspectionState.MANUAL])
        .exists()
    ):
        raise Invalid(_("Results were already entered for this task: it cannot be redrawn."))
    if hasattr(old, "redrawn_by"):
        raise Invalid(_("This task was already redrawn."))
    workflow.transition(TASK, old, "void", user=user, on=timezone.localdate(), note=reason.strip())
    return task_create(
        user=user,
        name=old.name,
        item_ids=old.items.values_list("pk", flat=True),
        planned_on=planned_on or max(old.planned_on, timezone.localdate()),
        plan_id=old.plan_id,
        department_id=old.department_id,
        team_size=old.team_size,
        max_load=old.max_load,
        park_id=old.park_id,
        industry_division=old.industry_division,
        inspect_by=old.inspect_by,
        redraw_of=old,
        redraw_reason=reason,
    )


@transaction.atomic
def task_close(*, user, pk: int, on: dt.date | None = None) -> InspectionTask:
    task = _locked_task(user, pk)
    if task.inspections.exclude(state=InspectionState.PUBLISHED).exists():
        raise Invalid(_("Every result is published before the task is closed."))
    workflow.transition(TASK, task, "close", user=user, on=on or timezone.localdate())
    return task


# ---- inspections -------------------------------------------------------------------------------------------------
def _locked_inspection(user, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.restrict(user, "view").select_for_update(of=("self",)).select_related("task"),
        pk=pk,
    )


@transaction.atomic
def inspection_assign(
    *, user, pk: int, inspector_ids: Sequence[int], on: dt.date | None = None, version: int | None = None
) -> Inspection:
    """A supervisor completes the team of an object the draw could not staff (spec §6.3), from any unit's
    directory, never with a conflicted inspector."""
    insp = _locked_inspection(user, pk)
    if version is not None:
        check_version(insp, version)
    chosen = list(Inspector.objects.filter(pk__in=list(inspector_ids), active=True))
    if len(chosen) < insp.task.team_size:
        raise Invalid(
            _("Choose at least %(n)s inspectors.") % {"n": insp.task.team_size},
            fields={"inspectors": [_("too few")]},
        )
    barred = set(
        Conflict.objects.filter(enterprise_id=insp.enterprise_id, inspector__in=chosen).values_list(
            "inspector__name", flat=True
        )
    )
    if barred:
        raise Invalid(
            _("In conflict with this enterprise: %(names)s.") % {"names": "、".join(sorted(barred))},
            fields={"inspectors": [_("conflict")]},
        )

    def effects(_t) -> None:
        insp.inspectors.set(chosen)
        insp.manual_reason = ""

    workflow.transition(INSPECTION, insp, "assign", user=user, on=on or timezone.localdate(), effects=effects)
    return insp


@transaction.atomic
def result_enter(
    *,
    user,
    pk: int,
    result: str,
    inspected_on: dt.date,
    problems: str = "",
    version: int | None = None,
) -> Inspection:
    """The result of one object, entered by an inspector of its team or its department ("谁检查、谁录入"): the
    publication limit (20 working days) and, for problems found, the rectification deadline run from that day."""
    insp = _locked_inspection(user, pk)
    if version is not None:
        check_version(insp, version)
    if result not in Result.values:
        raise Invalid(_("Choose a result from the standard list."), fields={"result": [_("required")]})
    today = timezone.localdate()
    if inspected_on > today or inspected_on < insp.task.planned_on:
        raise Invalid(
            _("The inspection date lies between the draw (%(start)s) and today.")
            % {"start": insp.task.planned_on},
            fields={"inspected_on": [_("out of range")]},
        )
    if result in PROBLEM_RESULTS and not problems.strip():
        raise Invalid(_("Describe the problems found."), fields={"problems": [_("required")]})
    drawn_in_task = Inspection.inspectors.through.objects.filter(
        inspection__task_id=insp.task_id, inspector__user=user
    ).exists()
    if drawn_in_task and not Declaration.objects.filter(task_id=insp.task_id, inspector__user=user).exists():
        raise Invalid(_("Sign the task's no-conflict declaration first."))  # whatever the inspector's office
    cfg = CreditConfig.get()
    cal = working_calendar()

    def effects(_t) -> None:
        insp.result, insp.inspected_on, insp.problems = result, inspected_on, problems.strip()
        insp.opened_on = insp.opened_on or inspected_on
        insp.publish_due = cal.add_working_days(inspected_on, cfg.result_publish_wd)
        needs_fix = result in {Result.ORDERED, Result.PENDING, Result.NOT_PUBLISHED}
        insp.rectify_due = cal.add_working_days(inspected_on, cfg.rectify_wd) if needs_fix else None

    workflow.transition(INSPECTION, insp, "enter_result", user=user, on=today, effects=effects)
    return insp


@transaction.atomic
def result_publish(*, user, pk: int, on: dt.date | None = None, version: int | None = None) -> Inspection:
    """The department publishes the result (一公开); the light shows whether it kept the limit."""
    insp = _locked_inspection(user, pk)
    if version is not None:
        check_version(insp, version)
    on = on or timezone.localdate()
    if insp.inspected_on and on < insp.inspected_on:
        raise Invalid(_("A result is published on or after the inspection."))

    def effects(_t) -> None:
        insp.published_on = on

    workflow.transition(INSPECTION, insp, "publish", user=user, on=on, effects=effects)
    return insp


@transaction.atomic
def rectified(*, user, pk: int, on: dt.date | None = None) -> Inspection:
    insp = _locked_inspection(user, pk)
    if not insp.rectify_due:
        raise Invalid(_("No rectification was ordered for this inspection."))
    on = on or timezone.localdate()

    def effects(_t) -> None:
        insp.rectified_on = on

    workflow.transition(INSPECTION, insp, "rectified", user=user, on=on, effects=effects)
    return insp
