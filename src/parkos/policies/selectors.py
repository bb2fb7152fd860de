"""Reads of policies: the columns the rules read (one query per source over all enterprises, as numpy arrays),
the library, an enterprise's eligible clauses with the explanation, and per-policy figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parkos.core import registries
from parkos.enterprises.models import AnnualIndicator, Enterprise

from . import engine
from .filters import PolicyFilters
from .models import Application, Clause, Eligibility, Grant, MatchRun, Policy

FLAG_FIELDS = ["is_above_scale", "is_high_tech", "srdi_level", "top500_kind", "is_foreign_funded", "is_listing_reserve",
               "is_headquarters", "industry_code"]  # fmt: skip
INDICATORS = ["revenue", "gross_output", "value_added", "tax_paid", "total_profit", "rd_expense", "employees"]


def latest_year() -> int:
    y = AnnualIndicator.objects.order_by("-year").values_list("year", flat=True).first()
    return int(y) if y else timezone.localdate().year - 1


def build_table(
    year: int,
    need: set[tuple[str, int]],
    enterprise_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> tuple[list[int], engine.Table]:
    """Columns for the operating enterprises (or the given ones): flags, park, age, the needed indicators of the
    needed years, derived ratios and the 亩均 class. Missing data is masked, never guessed."""
    today = today or timezone.localdate()
    qs = Enterprise.objects.filter(status__in=["operating", "suspended"])
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=enterprise_ids)
    rows = list(qs.order_by("pk").values_list("pk", "established_on", "park__code", *FLAG_FIELDS))
    ids = [r[0] for r in rows]
    n = len(ids)
    pos = {e: i for i, e in enumerate(ids)}
    values: dict[tuple[str, int], np.ndarray] = {}
    missing: dict[tuple[str, int], np.ndarray] = {}
    fields = {f for f, _o in need}
    for j, name in enumerate(FLAG_FIELDS):
        col = np.array([r[3 + j] for r in rows], dtype=object)
        if engine.FIELDS[name].kind == "bool":
            col = col.astype(bool)
        values[(name, 0)], missing[(name, 0)] = col, np.zeros(n, dtype=bool)
    values[("park", 0)] = np.array([r[2] or "" for r in rows], dtype=object)
    missing[("park", 0)] = np.array([r[2] is None for r in rows], dtype=bool)
    est = np.array([r[1] or dt.date(1900, 1, 1) for r in rows], dtype="datetime64[D]")
    values[("age_years", 0)] = (np.datetime64(today, "D") - est).astype(int) / 365.25
    missing[("age_years", 0)] = np.array([r[1] is None for r in rows], dtype=bool)
    years_needed = {year + off for f, off in need if engine.FIELDS[f].yearly}
    if fields & {"revenue_growth"}:
        years_needed |= {year + off - 1 for f, off in need if f == "revenue_growth"}
    ind: dict[int, dict[str, np.ndarray]] = {}  # year → indicator → column, NaN where missing
    for y in sorted(years_needed):
        cols = {k: np.full(n, np.nan) for k in INDICATORS}
        rows_y = AnnualIndicator.objects.filter(year=y)
        if enterprise_ids is not None:
            rows_y = rows_y.filter(enterprise_id__in=ids)
        # read as floats in SQL (no Decimal per value), then place the columns at once
        floats = {f"{k}__f": Cast(k, FloatField()) for k in INDICATORS}
        recs = list(rows_y.annotate(**floats).values_list("enterprise_id", *floats))
        if recs:
            at = np.array([pos.get(r[0], -1) for r in recs], dtype=np.int64)
            keep = at >= 0  # enterprises no longer operating drop out here
            data = np.array([r[1:] for r in recs], dtype=float)  # None → NaN
            for j, k in enumerate(INDICATORS):
                cols[k][at[keep]] = data[keep, j]
        ind[y] = cols
    for f, off in need:
        if not engine.FIELDS[f].yearly:
            if f not in engine.BUILTIN_FIELDS:  # a current fact another app registered (credit class, …)
                values[(f, off)], missing[(f, off)] = registries.rule_fields[f].column(year, ids)
            continue
        y = year + off
        raw = ind.get(y) or {k: np.full(n, np.nan) for k in INDICATORS}
        if f in INDICATORS:
            col = raw[f]
        elif f == "rd_intensity":
            with np.errstate(invalid="ignore", divide="ignore"):
                col = np.where(raw["revenue"] > 0, raw["rd_expense"] / raw["revenue"] * 100, np.nan)
        elif f == "revenue_growth":
            prev = ind[y - 1]["revenue"] if y - 1 in ind else np.full(n, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                col = np.where(prev > 0, (raw["revenue"] - prev) / prev * 100, np.nan)
        elif f not in engine.BUILTIN_FIELDS:  # a field another app registered (亩均 class, …)
            values[(f, off)], missing[(f, off)] = registries.rule_fields[f].column(y, ids)
            continue
        else:
            continue
        values[(f, off)], missing[(f, off)] = np.nan_to_num(col), np.isnan(col)
    return ids, engine.Table(n=n, values=values, missing=missing)


# ---- pages ---------------------------------------------------------------------------------------------------
def policy_list(*, user, filters=None):
    """The policies the user may see with their number of clauses, filtered and sorted by `filters` (a query dict;
    `filters.PolicyFilters`)."""
    qs = (
        Policy.objects.restrict(user, "view")
        .select_related("department")
        .annotate(n_clauses=Count("clauses", distinct=True))
    )
    return PolicyFilters(filters, queryset=qs).qs


def match_run_get(*, user, pk: int) -> MatchRun:
    if user.is_enterprise_user or not user.may("view"):
        raise Http404
    return get_object_or_404(MatchRun, pk=pk)


def enterprises_newly_eligible() -> int:
    """Enterprises eligible under some clause that have not yet opened their policies page."""
    return (
        Eligibility.objects.filter(status="eligible", notified=False).values("enterprise").distinct().count()
    )


def application_list(*, user):
    return Application.objects.restrict(user, "view").select_related("clause__policy", "enterprise")


def grants_of(*, user):
    return Grant.objects.restrict(user, "view").select_related("clause__policy", "enterprise")


def matches_of(*, user, clause):
    return Eligibility.objects.restrict(user, "view").filter(clause=clause).select_related("enterprise")


def policy_get(*, user, pk: int, action: str = "view") -> Policy:
    """One policy the user may see (or change, with action="change"); otherwise 404."""
    try:
        return Policy.objects.restrict(user, action).select_related("department").get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404 from None


def may_change(*, user, policy: Policy) -> bool:
    """Whether the user may edit this policy and its clauses (the same test the edit views make)."""
    return (
        not user.is_enterprise_user and Policy.objects.restrict(user, "change").filter(pk=policy.pk).exists()
    )


def clause_get(*, user, pk: int, action: str = "view") -> Clause:
    """One clause of a policy the user may see (or change); otherwise 404."""
    policies = Policy.objects.restrict(user, action)
    try:
        return Clause.objects.select_related("policy").get(pk=pk, policy__in=policies)
    except Clause.DoesNotExist:
        raise Http404 from None


def policy_figures(policy_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per policy: eligible enterprises, applications, grants approved and amount disbursed (one query each)."""
    out: dict[int, dict[str, Any]] = {
        p: {"eligible": 0, "applied": 0, "granted": 0, "disbursed": Decimal(0)} for p in policy_ids
    }
    for p, n in (
        Eligibility.objects.filter(clause__policy_id__in=policy_ids, status="eligible")
        .values("clause__policy_id")
        .annotate(n=Count("enterprise", distinct=True))
        .values_list("clause__policy_id", "n")
    ):
        out[p]["eligible"] = n
    for p, n in (
        Application.objects.filter(clause__policy_id__in=policy_ids)
        .exclude(state="withdrawn")
        .values("clause__policy_id")
        .annotate(n=Count("pk"))
        .values_list("clause__policy_id", "n")
    ):
        out[p]["applied"] = n
    for p, n, s in (
        Grant.objects.filter(clause__policy_id__in=policy_ids, state__in=["approved", "disbursed"])
        .values("clause__policy_id")
        .annotate(n=Count("pk"), s=Sum("amount", filter=Q(state="disbursed")))
        .values_list("clause__policy_id", "n", "s")
    ):
        out[p]["granted"], out[p]["disbursed"] = n, s or Decimal(0)
    return out


def explain_for(*, clause: Clause, enterprise_id: int, year: int | None = None) -> dict[str, Any]:
    """One clause for one enterprise: overall status, each condition with the enterprise's value, the support."""
    return explain_many(clauses=[clause], enterprise_id=enterprise_id, year=year)[0]


def explain_many(
    *, clauses: list[Clause], enterprise_id: int, year: int | None = None
) -> list[dict[str, Any]]:
    """Several clauses for one enterprise over one table of the columns they need (a bounded number of queries)."""
    year = year or latest_year()
    need = engine.columns_needed([c.rule for c in clauses], [c.support for c in clauses if c.support])
    ids, t = build_table(year, need, [enterprise_id])
    if not ids:
        raise Http404
    out = []
    for clause in clauses:
        status = int(engine.evaluate(clause.rule, t)[0])
        amount = float(engine.support_amount(clause.support, t)[0]) if clause.support else float("nan")
        out.append(
            {
                "clause": clause,
                "year": year,
                "status": {engine.MET: "eligible", engine.NOT_MET: "not_eligible", engine.UNKNOWN: "unknown"}[
                    status
                ],
                "conditions": engine.explain(clause.rule, t, 0, year),
                "rule_text": engine.describe(clause.rule, year),
                "support_text": engine.describe_support(clause.support, year),
                "amount": None if np.isnan(amount) else amount,
            }
        )
    return out


def enterprise_matches(*, user, enterprise_id: int, year: int | None = None) -> list[dict[str, Any]]:
    """The stored eligible and to-check clauses of an enterprise the user may see, each explained (on the data
    year of the match)."""
    rows = list(
        Eligibility.objects.restrict(user, "view")
        .filter(enterprise_id=enterprise_id)
        .select_related("clause__policy")
        .order_by("status", "clause__policy__title", "clause__number")
    )
    if not rows:
        return []
    return explain_many(
        clauses=[e.clause for e in rows], enterprise_id=enterprise_id, year=year or rows[0].year
    )


def applications_and_grants_of(*, enterprise) -> tuple[dict, dict]:
    """An enterprise's live application and its grant per clause (for its policies page)."""
    applied = {
        a.clause_id: a for a in Application.objects.filter(enterprise=enterprise).exclude(state="withdrawn")
    }
    grants = {g.clause_id: g for g in Grant.objects.filter(enterprise=enterprise)}
    return applied, grants


def match_counts(clauses) -> list[tuple[int, str, int]]:
    """(clause, status, number of enterprises) of the stored matches of these clauses."""
    return list(
        Eligibility.objects.filter(clause__in=clauses)
        .values_list("clause_id", "status")
        .annotate(n=Count("pk"))
    )


def enterprise_policies(*, user, enterprise_id: int) -> dict[str, list]:
    """One enterprise's matched clauses, applications and grants, as far as the user may see them (three
    queries): the enterprise page's policies tab."""
    return {
        "matches": list(
            Eligibility.objects.restrict(user, "view")
            .filter(enterprise_id=enterprise_id)
            .select_related("clause__policy")
            .order_by("status", "clause__policy__title", "clause__number")
        ),
        "applications": list(
            Application.objects.restrict(user, "view")
            .filter(enterprise_id=enterprise_id)
            .select_related("clause__policy")
            .order_by("-submitted_on", "-pk")
        ),
        "grants": list(
            Grant.objects.restrict(user, "view")
            .filter(enterprise_id=enterprise_id)
            .select_related("clause__policy")
            .order_by("-year", "-pk")
        ),
    }
