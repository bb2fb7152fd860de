"""Differentiated policies by class (差别化政策) and low-efficiency land (腾笼换鸟): reads and writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.models import audited

from . import engine, selectors
from .models import ClassPolicy, EvaluationResult, EvaluationRun, RectificationPlan, runs_evaluation
from .workflows import PLAN

# spec §5 defaults: D +0.30 yuan/kWh, +0.40 after three consecutive D years; all other levers 0
DEFAULTS = {
    "A": {"land_supply_priority": True},
    "D": {
        "electricity_surcharge": Decimal("0.30"),
        "consecutive_surcharge": Decimal("0.40"),
        "subsidy_eligible": False,
    },
}
LEVERS = [
    "electricity_surcharge",
    "consecutive_years",
    "consecutive_surcharge",
    "water_surcharge_pct",
    "land_tax_reduction_pct",
    "land_supply_priority",
    "subsidy_eligible",
]


def policies_for(year: int) -> dict[str, ClassPolicy]:
    """The year's levers per class (unsaved defaults where none were set)."""
    saved = {p.klass: p for p in ClassPolicy.objects.filter(year=year)}
    return {k: saved.get(k) or ClassPolicy(year=year, klass=k, **DEFAULTS.get(k, {})) for k in engine.CLASSES}


@transaction.atomic
def policy_set(*, user, year: int, klass: str, version: int | None, data: dict[str, Any]) -> ClassPolicy:
    if not runs_evaluation(user):
        raise Forbidden(_("You may not change the differentiated policies by class."))
    row = ClassPolicy.objects.select_for_update().filter(year=year, klass=klass).first()
    if row is None:
        row = ClassPolicy(year=year, klass=klass, **DEFAULTS.get(klass, {}))
    elif version != row.version:
        raise Conflict(
            _("Someone else changed this policy; reload the page."), extra={"current": row.version}
        )
    else:
        row.version += 1
    for k in set(LEVERS) & data.keys():
        setattr(row, k, data[k])
    from django.core.exceptions import ValidationError

    try:
        row.full_clean()
    except ValidationError as exc:
        raise Invalid(_("Please correct the errors below."), fields=exc.message_dict) from None
    audited(row, user)
    row.save()
    return row


def consecutive_d(enterprise_ids: list[int], year: int, span: int = 5) -> dict[int, int]:
    """How many years in a row, ending with `year`, each enterprise was class D (latest finished run per year)."""
    rows = (
        EvaluationResult.objects.filter(
            enterprise_id__in=enterprise_ids,
            run__status=EvaluationRun.Status.DONE,
            run__year__gt=year - span,
            run__year__lte=year,
        )
        .order_by("enterprise_id", "-run__year", "-run_id")
        .values_list("enterprise_id", "run__year", "final_class")
    )
    latest: dict[tuple[int, int], str] = {}
    for eid, y, klass in rows:
        latest.setdefault((eid, y), klass)
    out = {}
    for eid in enterprise_ids:
        n = 0
        while latest.get((eid, year - n)) == "D":
            n += 1
        out[eid] = n
    return out


def _results(user, year: int):
    run = EvaluationRun.objects.filter(
        year=year, state=EvaluationRun.State.PUBLISHED
    ).first() or selectors.run_latest(year=year)
    if run is None:
        return None, EvaluationResult.objects.none()
    return run, selectors.result_list(user=user, run=run).filter(status=engine.RATED)


@dataclass
class SurchargeRow:
    result: EvaluationResult
    consecutive: int
    surcharge: Decimal
    electricity: float | None


def surcharge_list(*, user, year: int) -> tuple[EvaluationRun | None, list[SurchargeRow]]:
    """Enterprises whose class carries an electricity surcharge, for the power company."""
    run, qs = _results(user, year)
    pol = policies_for(year)
    charged = [k for k, p in pol.items() if p.electricity_surcharge > 0 or p.consecutive_surcharge > 0]
    results = list(
        qs.filter(final_class__in=charged).select_related("enterprise").order_by("enterprise__uscc")
    )
    streak = consecutive_d([r.enterprise_id for r in results], year)
    codes = None
    out = []
    for r in results:
        p = pol[r.final_class]
        n = streak.get(r.enterprise_id, 0) if r.final_class == "D" else 0
        rate = (
            p.consecutive_surcharge
            if (n >= p.consecutive_years and p.consecutive_surcharge)
            else p.electricity_surcharge
        )
        if rate <= 0:
            continue
        if codes is None:
            from .exports import indicator_codes

            codes = indicator_codes(engine.Scheme.from_dict(run.scheme))
        inputs = r.detail(codes)["inputs"]["n"]
        out.append(SurchargeRow(r, n, rate, inputs[engine.INPUT_COLUMNS.index("electricity")]))
    return run, out


@dataclass
class LowEfficiencyRow:
    result: EvaluationResult
    reasons: list[str]
    tax_per_mu: float | None
    line: float | None
    plan: RectificationPlan | None


def low_efficiency_list(*, user, year: int) -> tuple[EvaluationRun | None, list[LowEfficiencyRow]]:
    """D class, 亩均税收 below a third of its cohort's benchmark, or idle (停产); selected in SQL."""
    run, qs = _results(user, year)
    if run is None:
        return None, []
    lines = {c: (b["tax_per_mu"] / 3 if b.get("tax_per_mu") else None) for c, b in run.benchmarks.items()}
    cond = Q(final_class="D") | Q(enterprise__status="suspended")
    for cohort, line in lines.items():
        if line is not None:
            cond |= Q(cohort=cohort, tax_per_mu__lt=line)
    plans = {p.enterprise_id: p for p in RectificationPlan.objects.restrict(user, "view").filter(year=year)}
    out = []
    for r in qs.filter(cond).select_related("enterprise").order_by("cohort", "rank"):
        line = lines.get(r.cohort)
        reasons = []
        if r.final_class == "D":
            reasons.append(_("class D"))
        if line is not None and r.tax_per_mu is not None and r.tax_per_mu < line:
            reasons.append(_("tax per mu below a third of the benchmark"))
        if r.enterprise.status == "suspended":
            reasons.append(_("idle (production suspended)"))
        out.append(LowEfficiencyRow(r, reasons, r.tax_per_mu, line, plans.get(r.enterprise_id)))
    return run, out


@transaction.atomic
def plan_create(
    *, user, enterprise_id: int, year: int, reason: str, measures: str, deadline: dt.date
) -> RectificationPlan:
    from parkos.enterprises.models import Enterprise

    get_object_or_404(Enterprise.objects.restrict(user, "change"), pk=enterprise_id)
    if not measures.strip():
        raise Invalid(_("Describe the measures."), fields={"measures": [_("required")]})
    if deadline <= timezone.localdate():
        raise Invalid(_("The deadline must be in the future."), fields={"deadline": [_("in the past")]})
    plan = RectificationPlan(
        enterprise_id=enterprise_id,
        year=year,
        reason=reason[:200],
        measures=measures.strip(),
        deadline=deadline,
    )
    audited(plan, user)
    plan.save()
    return plan


@transaction.atomic
def plan_complete(*, user, plan_id: int, version: int | None) -> RectificationPlan:
    plan = get_object_or_404(
        RectificationPlan.objects.restrict(user, "change").select_for_update(), pk=plan_id
    )
    if version != plan.version:
        raise Conflict(_("Someone else changed this plan; reload the page."), extra={"current": plan.version})
    today = timezone.localdate()

    def effects(t) -> None:
        plan.completed_on = today

    workflow.transition(PLAN, plan, "complete", user=user, on=today, effects=effects)
    return plan
