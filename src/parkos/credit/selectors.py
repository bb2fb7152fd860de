"""Every read of credit supervision, scoped to the user; rule-field columns and the evaluation's events."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from parkos.core.clocks import step_light
from parkos.core.selectors import working_calendar

from . import engine
from .models import (
    DISCREDIT_KINDS,
    ENDED,
    Conflict,
    CreditConfig,
    CreditProfile,
    CreditRecord,
    Declaration,
    DrawRecord,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionState,
    InspectionTask,
    Inspector,
    RecordKind,
    RecordStatus,
    RepairApplication,
    RepairState,
    TaskState,
    runs_credit,
)


# ---- rule fields and the evaluation's events (no user: the rule engine and the evaluation count everyone) --------
def _profile_column(ids: list[int], field: str, default: Any, dtype) -> tuple[np.ndarray, np.ndarray]:
    n = len(ids)
    col = np.full(n, default, dtype=dtype)
    pos = {e: i for i, e in enumerate(ids)}
    for e, v in CreditProfile.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", field):
        col[pos[e]] = v
    return col, np.zeros(n, dtype=bool)


def class_column(year: int, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The effective credit class of each enterprise (none → B, spec §2.1) as a rule field's column."""
    return _profile_column(ids, "effective_class", "B", object)


def serious_column(year: int, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    return _profile_column(ids, "serious", False, bool)


def abnormal_column(year: int, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    return _profile_column(ids, "abnormal", False, bool)


EVALUATION_EVENT = {RecordKind.SERIOUS: "严重失信", RecordKind.DATA_FRAUD: "数据造假"}


def evaluation_events(year: int, ids: list[int]) -> dict[int, list[str]]:
    """For the 亩均 evaluation of `year`: 严重失信 and 数据造假 records decided by the end of that year and still in
    force today (a repaired or expired record no longer counts, from the day it ended)."""
    out: dict[int, list[str]] = {}
    rows = (
        CreditRecord.objects.filter(
            enterprise_id__in=ids, kind__in=list(EVALUATION_EVENT), decided_on__year__lte=year
        )
        .exclude(status__in=sorted(ENDED))
        .values_list("enterprise_id", "kind")
        .distinct()
    )
    for e, kind in rows:
        out.setdefault(e, []).append(EVALUATION_EVENT[kind])
    return out


# ---- attachments of repair applications ----------------------------------------------------------------------
def repair_visible(user, pk: int) -> bool:
    return RepairApplication.objects.restrict(user, "view").filter(pk=pk).exists()


def repair_takes_files(user, pk: int) -> bool:
    return (
        user.is_enterprise_user
        and RepairApplication.objects.restrict(user, "view")
        .filter(pk=pk, state=RepairState.SUBMITTED)
        .exists()
    )


def repair_url(pk: int) -> str:
    return reverse("credit:repairs")


# ---- lists ----------------------------------------------------------------------------------------------------
def record_list(*, user) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.restrict(user, "view").select_related("enterprise", "department")


def record_get(*, user, pk: int) -> CreditRecord:
    return get_object_or_404(record_list(user=user), pk=pk)


def profile_list(*, user) -> QuerySet[CreditProfile]:
    return CreditProfile.objects.restrict(user, "view").select_related("enterprise", "enterprise__park")


def profile_of(*, user, enterprise_id: int) -> CreditProfile | None:
    return profile_list(user=user).filter(enterprise_id=enterprise_id).first()


def repair_list(*, user) -> QuerySet[RepairApplication]:
    return RepairApplication.objects.restrict(user, "view").select_related(
        "record", "enterprise", "department"
    )


def item_list(*, user) -> QuerySet[InspectionItem]:
    return InspectionItem.objects.restrict(user, "view").select_related("department")


def inspector_list(*, user) -> QuerySet[Inspector]:
    return Inspector.objects.restrict(user, "view").select_related("department", "user")


def conflict_list(*, user) -> QuerySet[Conflict]:
    return Conflict.objects.restrict(user, "view").select_related(
        "inspector", "inspector__department", "enterprise"
    )


def plan_list(*, user) -> QuerySet[InspectionPlan]:
    return (
        InspectionPlan.objects.restrict(user, "view")
        .select_related("department")
        .annotate(n_tasks=Count("tasks"))
    )


def task_list(*, user) -> QuerySet[InspectionTask]:
    return (
        InspectionTask.objects.restrict(user, "view")
        .select_related("department", "plan", "record")
        .annotate(
            n_objects=Count("inspections", distinct=True),
            n_published=Count(
                "inspections", filter=Q(inspections__state=InspectionState.PUBLISHED), distinct=True
            ),
        )
    )


def task_get(*, user, pk: int) -> InspectionTask:
    return get_object_or_404(
        InspectionTask.objects.restrict(user, "view")
        .select_related("department", "plan", "created_by", "redraw_of")
        .prefetch_related("items__department"),
        pk=pk,
    )


# ---- withholding the sample from its inspectors until inspection day (spec §6.5) ------------------------------
UNOPENED = [InspectionState.ASSIGNED, InspectionState.MANUAL]


def _drawn_in(user):
    """The tasks in which the user is drawn as an inspector of some object."""
    return Inspection.inspectors.through.objects.filter(inspector__user=user).values("inspection__task_id")


def withheld_q(user) -> Q:
    """The inspections whose enterprise the user may not learn yet: with withholding on, every object not yet
    opened of a task in which the user is drawn as an inspector — whatever else the user's office may see. The
    credit office sees everything."""
    if not user.is_authenticated or user.is_enterprise_user:
        return Q(pk__in=[])
    if not CreditConfig.get().withhold_names or runs_credit(user):
        return Q(pk__in=[])
    return Q(task_id__in=_drawn_in(user), opened_on__isnull=True, state__in=UNOPENED)


def task_inspections(*, user, task: InspectionTask) -> list[Inspection]:
    """The task's objects the user may see, each marked `withheld` when its enterprise is not to be shown yet."""
    qs = (
        Inspection.objects.restrict(user, "view")
        .filter(task=task)
        .select_related("task", "enterprise")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("number")))
        .annotate(
            withheld=Case(When(withheld_q(user), then=True), default=False, output_field=BooleanField())
        )
    )
    return list(qs)


def declarations_of(task: InspectionTask) -> list[Declaration]:
    return list(
        task.declarations.select_related("inspector", "inspector__department").order_by("declared_at")
    )


def inspector_of(user) -> Inspector | None:
    if not user.is_authenticated or user.is_enterprise_user:
        return None
    return Inspector.objects.filter(user=user).first()


def record_held(*, user, task: InspectionTask, today: dt.date | None = None) -> bool:
    """Whether the draw's sample, teams and seed are still held back from this user: while withholding is on, the
    task is drawn, its inspection period runs and some object is not yet opened. The record's hash, published at the
    draw, commits to what is held, so the record released afterwards can be checked against it. The task's organisers
    (who may view it and are not drawn in it) and the credit office see everything."""
    if not CreditConfig.get().withhold_names or task.state != TaskState.DRAWN:
        return False
    today = today or timezone.localdate()
    if task.inspect_by and today > task.inspect_by:
        return False
    if not task.inspections.filter(state__in=UNOPENED, opened_on__isnull=True).exists():
        return False
    if user.is_authenticated and not user.is_enterprise_user:
        if runs_credit(user):
            return False
        organiser = InspectionTask.objects.restrict(user, "view").filter(pk=task.pk).exists()
        if (
            organiser
            and not Inspection.inspectors.through.objects.filter(
                inspection__task=task, inspector__user=user
            ).exists()
        ):
            return False
    return True


HELD_KEYS = ("secret", "public_entropy", "seed", "result")


def held_export(record: DrawRecord) -> dict[str, Any]:
    """The record as published while it is held: everything but the secret, the seed and the result (from which the
    sample follows); `record_hash` still the hash of the whole record."""
    return {k: v for k, v in record_export(record).items() if k not in HELD_KEYS} | {"held": True}


def inspection_list(*, user) -> QuerySet[Inspection]:
    return (
        Inspection.objects.restrict(user, "view")
        .exclude(task__state=TaskState.VOID)
        .exclude(withheld_q(user))
        .select_related("task", "task__department", "enterprise")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("number")))
    )


def published_results() -> QuerySet[Inspection]:
    """The public 一公开 list: every published result (no login)."""
    return (
        Inspection.objects.filter(state=InspectionState.PUBLISHED)
        .exclude(task__state=TaskState.VOID)
        .select_related("task", "task__department", "enterprise")
    )


def public_records() -> QuerySet[DrawRecord]:
    """Every draw record is public (spec §6.4): anyone can download and re-run it."""
    return DrawRecord.objects.select_related("task", "task__department", "inputs", "operator")


def record_of_task(*, pk: int) -> DrawRecord:
    return get_object_or_404(public_records(), task_id=pk)


def record_export(record: DrawRecord) -> dict[str, Any]:
    """The draw record as the JSON anyone downloads and re-runs (spec §6.4); `record_hash` is SHA-256 of the
    canonical JSON of everything else."""
    inp = record.inputs
    out = {
        "task_id": record.task.code,
        "task": record.task.name,
        "algorithm_version": record.algorithm,
        "pool_hash": inp.pool_hash,
        "inspector_hash": inp.inspector_hash,
        "conflict_hash": inp.conflict_hash,
        "config_hash": inp.config_hash,
        "commitment": record.commitment,
        "secret": record.secret,
        "witness_code": record.witness_code,
        "public_entropy": record.public_entropy,
        "seed": record.seed,
        "inputs": {
            "pool": inp.pool,
            "inspectors": inp.inspectors,
            "conflicts": inp.conflicts,
            "config": inp.config,
        },
        "exclusions": inp.exclusions,
        "result": record.result,
        "output_hash": record.output_hash,
        "operator": str(record.operator),
        "witnesses": record.witnesses,
        "frozen_at": inp.frozen_at.isoformat(),
        "drawn_at": record.drawn_at.isoformat(),
    }
    return out


def canonical_hash(payload: dict[str, Any]) -> str:
    body = {k: v for k, v in payload.items() if k != "record_hash"}
    return engine.sha256_hex(
        json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    )


def task_events(task: InspectionTask):
    """The task's timeline: its own steps and its objects' (opened, withdrawn, assigned, results, publication)."""
    from parkos.core.models import RecordEvent

    objects = Inspection.objects.filter(task=task).values("pk")
    return (
        RecordEvent.objects.filter(
            Q(workflow="credit.task", object_id=task.pk)
            | Q(workflow="credit.inspection", object_id__in=objects)
        )
        .select_related("by")
        .order_by("at", "pk")
    )


def names_of(usccs: list[str]) -> dict[str, str]:
    """Enterprise names by USCC (for officials: the public record shows the codes only)."""
    from parkos.enterprises.models import Enterprise

    return dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "name"))


# ---- lights --------------------------------------------------------------------------------------------------
def with_publish_lights(rows, today: dt.date | None = None) -> None:
    """Each inspection's publication light (approvals.md §8.3 colours) against its 20-working-day limit."""
    today = today or timezone.localdate()
    cfg = CreditConfig.get()
    cal = working_calendar()
    for r in rows:
        if r.publish_due is None:
            r.light = ""
            continue
        if r.published_on:
            r.light = "done" if r.published_on <= r.publish_due else "red"
            continue
        remaining = cal.working_days_between(today, r.publish_due)
        r.light = step_light(remaining, cfg.result_publish_wd)


def with_record_lights(rows, today: dt.date | None = None) -> None:
    """A 双公示 decision's publication light against its 7-working-day limit."""
    today = today or timezone.localdate()
    cfg = CreditConfig.get()
    cal = working_calendar()
    for r in rows:
        if r.publish_due is None:
            r.light = ""
        elif r.published_on:
            r.light = "done" if r.published_on <= r.publish_due else "red"
        else:
            r.light = step_light(cal.working_days_between(today, r.publish_due), cfg.decision_publish_wd)


# ---- the zone calendar's time limits (registries.deadline_sources) ----------------------------------------------
def deadlines(user, today: dt.date, until: dt.date, limit: int) -> list:
    """The credit time limits this user must meet by `until` (overdue ones included): inspection results and 双公示
    decisions to publish, repair applications to decide — each with its light, soonest first (three queries)."""
    from django.utils.translation import gettext as _

    from parkos.core.registries import Deadline

    results = list(
        Inspection.objects.restrict(user, "change")
        .filter(state=InspectionState.RESULT, published_on__isnull=True, publish_due__lte=until)
        .select_related("task", "enterprise")
        .order_by("publish_due", "pk")[:limit]
    )
    with_publish_lights(results, today)
    records = list(
        CreditRecord.objects.restrict(user, "change")
        .filter(published_on__isnull=True, publish_due__lte=until)
        .exclude(status__in=ENDED)
        .select_related("enterprise")
        .order_by("publish_due", "pk")[:limit]
    )
    with_record_lights(records, today)
    cfg = CreditConfig.get()
    cal = working_calendar()
    repairs = list(
        RepairApplication.objects.restrict(user, "change")
        .filter(state=RepairState.SUBMITTED, due__lte=until)
        .select_related("record", "enterprise")
        .order_by("due", "pk")[:limit]
    )
    out = [
        Deadline(
            i.publish_due,
            _("Publish the inspection result of %(name)s") % {"name": i.enterprise.name},
            reverse("credit:task", args=[i.task_id]),
            i.light,
            i.task.name,
        )
        for i in results
    ]
    out += [
        Deadline(
            r.publish_due,
            _("Publish %(kind)s: %(title)s") % {"kind": r.get_kind_display(), "title": r.title},
            reverse("credit:record", args=[r.pk]),
            r.light,
            r.enterprise.name,
        )
        for r in records
    ]
    out += [
        Deadline(
            a.due,
            _("Decide the repair application of %(name)s") % {"name": a.enterprise.name},
            reverse("credit:record", args=[a.record_id]),
            step_light(cal.working_days_between(today, a.due), cfg.repair_decision_wd),
            a.record.title,
        )
        for a in repairs
    ]
    return sorted(out, key=lambda d: d.due)[:limit]


# ---- overview --------------------------------------------------------------------------------------------------
def overview(*, user, today: dt.date | None = None) -> dict[str, Any]:
    """The credit overview: classes overall, by park and by industry; list entries in force; windows ending."""
    today = today or timezone.localdate()
    profiles = profile_list(user=user)
    by_park = list(
        profiles.values("enterprise__park__name", "effective_class")
        .annotate(n=Count("pk"))
        .order_by("enterprise__park__name")
    )
    by_division = list(
        profiles.values("enterprise__industry_division", "effective_class")
        .annotate(n=Count("pk"))
        .order_by("enterprise__industry_division")
    )
    records = record_list(user=user)
    in_force = records.filter(kind__in=sorted(DISCREDIT_KINDS)).exclude(status__in=sorted(ENDED))
    lists = dict(in_force.values_list("kind").annotate(n=Count("pk")).order_by())
    soon = today + dt.timedelta(days=30)
    ending = in_force.filter(publish_until__gte=today, publish_until__lte=soon).order_by("publish_until")[:10]
    repairable = in_force.filter(status=RecordStatus.PUBLISHED, repair_from__lte=today).count()
    return {
        "classes": class_counts(user=user),
        "by_park": by_park,
        "by_division": by_division,
        "lists": lists,
        "ending": list(ending),
        "repairable": repairable,
        "pending_repairs": repair_list(user=user).filter(state=RepairState.SUBMITTED).count(),
    }


def class_counts(*, user) -> dict[str, int]:
    """Enterprises by effective class (the overview's figures and the cockpit tile)."""
    got = dict(profile_list(user=user).values_list("effective_class").annotate(n=Count("pk")).order_by())
    return {c: got.get(c, 0) for c in "ABCD"}


def publication_figures(*, user, year: int, until: dt.date) -> dict[str, Any]:
    """Results published in `year` up to `until`: how many, how many after their limit, the share on time
    (half up, one place), and results entered and still waiting to be published."""
    from parkos.core.numbers import percent

    live = inspection_list(user=user).order_by()
    published = live.filter(published_on__year=year, published_on__lte=until)
    n = published.count()
    late = published.filter(published_on__gt=F("publish_due")).count()
    waiting = live.filter(state=InspectionState.RESULT).count()
    return {"published": n, "late": late, "waiting": waiting, "rate": percent(n - late, n)}


def workload(*, user, year: int) -> QuerySet[Inspector]:
    """Each inspector's objects this year: assigned, results entered, published."""
    live = ~Q(inspections__task__state=TaskState.VOID) & Q(inspections__task__planned_on__year=year)
    return inspector_list(user=user).annotate(
        n_total=Count("inspections", filter=live, distinct=True),
        n_open=Count(
            "inspections", filter=live & Q(inspections__state=InspectionState.ASSIGNED), distinct=True
        ),
        n_done=Count(
            "inspections",
            filter=live & Q(inspections__state__in=[InspectionState.RESULT, InspectionState.PUBLISHED]),
            distinct=True,
        ),
    )


def stratum_rows(record: DrawRecord) -> list[dict[str, Any]]:
    strata = record.result.get("strata", {})
    return [
        {"cls": c, "N": strata.get(c, {}).get("N", 0), "n": strata.get(c, {}).get("n", 0)}
        for c in engine.CLASSES
    ]
