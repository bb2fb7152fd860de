"""Reads for the evaluation: the engine's input columns from the database, runs and results (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404

from parkos.core import registries
from parkos.enterprises.models import AnnualIndicator, LandParcel

from . import engine
from .filters import ResultFilters
from .models import EvaluationInput, EvaluationResult, EvaluationRun, EvaluationScheme

# engine input column -> AnnualIndicator field
ANNUAL_MAP = {
    "tax": "tax_paid",
    "va": "value_added",
    "revenue": "revenue",
    "profit": "total_profit",
    "rd": "rd_expense",
    "employees": "employees",
    "energy": "energy_tce",
    "electricity": "electricity_10k_kwh",
    "cod": "cod_t",
    "nh3n": "ammonia_n_t",
    "so2": "so2_t",
    "nox": "nox_t",
}


def scheme_for_year(year: int) -> tuple[engine.Scheme, str]:
    """The year's scheme (as edited by administrators) or the default."""
    row = EvaluationScheme.objects.filter(year=year).first()
    if row is None:
        return engine.DEFAULT_SCHEME, "default"
    return engine.Scheme.from_dict(row.config), row.profile


MISSING = -1.0e300  # stands for NULL in the float columns read for the engine


def evaluation_inputs(year: int) -> tuple[engine.Inputs, list[int]]:
    """Every enterprise with figures for the year, as engine columns (three queries, no ORM objects).

    The cohort, land and events come from the year's evaluation input (the bureaus' feed); where there is
    none, from the registry: its 规上 flag and its land parcels (owned + rented in − rented out)."""
    # floats straight from SQL; a sentinel instead of NULL lets numpy convert each column in one call
    floats = {f"f_{k}": Cast(Coalesce(f, Value(MISSING)), FloatField()) for k, f in ANNUAL_MAP.items()}
    qs = (
        AnnualIndicator.objects.filter(year=year)
        .order_by("enterprise_id")
        .annotate(**floats)
        .values_list(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__industry_division",
            "enterprise__established_on",
            "enterprise__is_above_scale",
            *floats,
        )
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:  # the ORM's SQL, read without a Python converter per cell
        cur.execute(sql, params)
        rows = cur.fetchall()
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * (5 + len(ANNUAL_MAP))
    ids = list(cols[0])
    extra = {
        e[0]: e[1:]
        for e in EvaluationInput.objects.filter(year=year)
        .annotate(mu=Cast("land_mu", FloatField()))
        .values_list("enterprise_id", "is_above_scale", "mu", "vetoes", "downgrades")
    }
    land = dict(  # only where the feed gave no land figure, and only for industrial enterprises
        LandParcel.objects.filter(
            enterprise__industry_division__gte="06", enterprise__industry_division__lte="46"
        )
        .exclude(enterprise__evaluation_inputs__year=year)
        .values("enterprise_id")
        .annotate(
            mu=Cast(
                Sum("area_mu", filter=Q(tenure__in=["owned", "rented_in"]))
                - Sum("area_mu", filter=Q(tenure="rented_out"), default=0),
                FloatField(),
            )
        )
        .values_list("enterprise_id", "mu")
    )
    ev = [extra.get(eid) for eid in ids]
    outside = _outside_events(year, ids)
    numbers = {}
    for k, c in zip(ANNUAL_MAP, cols[5:], strict=True):
        arr = np.array(c, dtype=float)
        arr[arr == MISSING] = np.nan
        numbers[k] = arr
    numbers["land"] = _floats([e[1] if e else land.get(eid) for e, eid in zip(ev, ids, strict=True)])
    inp = engine.Inputs(
        uscc=np.array(cols[1], dtype=str).reshape(n),
        division=np.array([d or "" for d in cols[2]], dtype=str).reshape(n),
        established=np.array(["NaT" if d is None else d for d in cols[3]], dtype="datetime64[D]").reshape(n),
        is_above=np.array(
            [e[0] if e else bool(f) for e, f in zip(ev, cols[4], strict=True)], dtype=bool
        ).reshape(n),
        numbers=numbers,
        vetoes=[_merged(e[2] if e else [], outside.get(eid)) for e, eid in zip(ev, ids, strict=True)],
        downgrades=[_merged(e[3] if e else [], outside.get(eid)) for e, eid in zip(ev, ids, strict=True)],
    )
    return inp, ids


def _outside_events(year: int, ids: list[int]) -> dict[int, list[str]]:
    """Events other apps register for the evaluation (`registries.evaluation_events`: 严重失信 from credit…), by
    enterprise; the scheme decides which of them veto or downgrade."""
    out: dict[int, list[str]] = {}
    for source in registries.evaluation_events:
        for eid, names in source.events(year, ids).items():
            out.setdefault(eid, []).extend(names)
    return out


def _merged(own, outside: list[str] | None) -> list[str]:
    """The feed's own events and the other apps' (each name once, the feed's first)."""
    return list(dict.fromkeys([*(own or []), *(outside or [])]))


def inputs_from_raw(usccs: list[str], raw: list[dict[str, Any]]) -> engine.Inputs:
    """Engine columns from the inputs stored with results (to reproduce a run)."""
    return engine.Inputs(
        uscc=np.array(usccs, dtype=str),
        division=np.array([r["division"] for r in raw], dtype=str),
        established=np.array([r["established"] or "NaT" for r in raw], dtype="datetime64[D]"),
        is_above=np.array([r["above"] for r in raw], dtype=bool),
        numbers={k: _floats([r["n"][j] for r in raw]) for j, k in enumerate(engine.INPUT_COLUMNS)},
        vetoes=[r["vetoes"] for r in raw],
        downgrades=[r["downgrades"] for r in raw],
    )


def as_list(a: np.ndarray) -> list[float | None]:
    """A float column as a list with None for NaN (what JSON and the database take)."""
    return [None if x != x else x for x in a.astype(float).tolist()]


def _floats(values) -> np.ndarray:
    return np.fromiter((np.nan if v is None else v for v in values), dtype=float, count=len(values))


def run_latest(*, year: int) -> EvaluationRun | None:
    return EvaluationRun.objects.filter(year=year, status=EvaluationRun.Status.DONE).order_by("-pk").first()


def run_list(*, user) -> QuerySet[EvaluationRun]:
    return (
        EvaluationRun.objects.select_related("created_by").order_by("-created_at")
        if user.may("view")
        else (EvaluationRun.objects.none())
    )


def run_get(*, user, pk: int) -> EvaluationRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def result_list(*, user, run: EvaluationRun) -> QuerySet[EvaluationResult]:
    return EvaluationResult.objects.restrict(user, "view").filter(run=run).select_related("enterprise")


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


# ---- pages -----------------------------------------------------------------------------------------------
def result_page_list(*, user, run: EvaluationRun, filters=None) -> QuerySet[EvaluationResult]:
    """A run's results the user may see, filtered and sorted by `filters` (a query dict; `filters.ResultFilters`)."""
    return ResultFilters(
        filters, queryset=result_list(user=user, run=run).select_related("enterprise__park")
    ).qs


def result_get(*, user, run: EvaluationRun, enterprise_id: int) -> EvaluationResult:
    return get_object_or_404(result_list(user=user, run=run), enterprise_id=enterprise_id)


def score_histogram(*, user, run: EvaluationRun, bins: int = 20) -> dict[str, Any]:
    """Counts of rated totals in equal-width bins, per cohort (one query)."""
    rows = list(result_list(user=user, run=run).filter(status=engine.RATED).values_list("cohort", "total"))
    out: dict[str, Any] = {"edges": [], engine.ABOVE: [], engine.BELOW: []}
    totals = np.array([t for _c, t in rows], dtype=float)
    if not len(totals):
        return out
    edges = np.linspace(0, max(float(totals.max()), 1.0), bins + 1)
    out["edges"] = [f"{a:.0f}–{b:.0f}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    cohorts = np.array([c for c, _t in rows])
    for c in (engine.ABOVE, engine.BELOW):
        out[c] = np.histogram(totals[cohorts == c], bins=edges)[0].tolist()
    return out


def class_counts(*, user, run: EvaluationRun) -> dict[str, dict[str, int]]:
    rows = (
        result_list(user=user, run=run)
        .exclude(final_class="")
        .values("cohort", "final_class")
        .annotate(n=Count("pk"))
    )
    out = {engine.ABOVE: dict.fromkeys(engine.CLASSES, 0), engine.BELOW: dict.fromkeys(engine.CLASSES, 0)}
    for r in rows:
        out[r["cohort"]][r["final_class"]] = r["n"]
    return out


def result_history(*, user, enterprise_id: int, year: int, years: int = 3) -> list[EvaluationResult]:
    """The enterprise's results in the latest finished run of each of the last `years` years."""
    qs = (
        EvaluationResult.objects.restrict(user, "view")
        .filter(
            enterprise_id=enterprise_id,
            run__status=EvaluationRun.Status.DONE,
            run__year__gt=year - years,
            run__year__lte=year,
        )
        .select_related("run")
        .order_by("-run__year", "-run_id")
    )
    seen: dict[int, EvaluationResult] = {}
    for r in qs:
        seen.setdefault(r.run.year, r)
    return [seen[y] for y in sorted(seen, reverse=True)]


def latest_result(*, user, enterprise_id: int) -> EvaluationResult | None:
    return (
        EvaluationResult.objects.restrict(user, "view")
        .filter(enterprise_id=enterprise_id, run__status=EvaluationRun.Status.DONE)
        .order_by("-run__year", "-run_id")
        .first()
    )


def evaluation_years() -> list[int]:
    years = set(AnnualIndicator.objects.values_list("year", flat=True).distinct())
    years |= set(EvaluationRun.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def report_blockers(*, run: EvaluationRun, result: EvaluationResult) -> dict[str, list[str]]:
    """The events that hold a class down whatever the indicators do: the run scheme's 否决 events that set the
    enterprise to D and its 降档 events, as recorded in the result's inputs."""
    from .exports import indicator_codes

    scheme = engine.Scheme.from_dict(run.scheme)
    inputs = result.detail(indicator_codes(scheme))["inputs"]
    vetoes = [e for e in inputs["vetoes"] or [] if e in scheme.vetoes] if result.final_class == "D" else []
    downgrades = [e for e in inputs["downgrades"] or [] if e in scheme.downgrades] if not vetoes else []
    return {"vetoes": vetoes, "downgrades": downgrades}


def report_rows(*, run: EvaluationRun, result: EvaluationResult) -> list[dict[str, Any]]:
    """The report's indicator table: value, benchmark, ratio, cap, weight, score, rule used, what-if."""
    from .exports import PERCENT, indicator_codes

    scheme = engine.Scheme.from_dict(run.scheme)
    detail = result.detail(indicator_codes(scheme))
    rows = []
    for ind in scheme.indicators(result.cohort):
        b = run.benchmarks.get(result.cohort, {}).get(ind.code)
        v = detail["values"].get(ind.code)
        pct = 100 if ind.code in PERCENT else 1
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": "%" if pct == 100 else engine.CATALOGUE[ind.code][3],
                "value": engine.display(v * pct) if v is not None else None,
                "benchmark": engine.display(b * pct, 4) if b is not None else None,
                "ratio": engine.display(v / b, 4) if v is not None and b else None,
                "cap": ind.cap,
                "weight": ind.weight,
                "score": engine.display(detail["scores"].get(ind.code)),
                "mean_score": ind.code in detail["mean"],
                "whatif": engine.display(detail["whatif"][ind.code] * pct, 4)
                if ind.code in detail["whatif"]
                else None,
            }
        )
    return rows


def class_column(year: int, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The 亩均 class of each enterprise in `ids` for a year (the published run, else the latest), as a rule
    field's column: (classes, missing)."""
    n = len(ids)
    col = np.array([""] * n, dtype=object)
    miss = np.ones(n, dtype=bool)
    run = EvaluationRun.objects.filter(year=year, state=EvaluationRun.State.PUBLISHED).order_by("-pk").first()
    run = run or EvaluationRun.objects.filter(year=year).order_by("-pk").first()
    if run is None:
        return col, miss
    pos = {e: i for i, e in enumerate(ids)}
    for e, c in (
        EvaluationResult.objects.filter(run=run)
        .exclude(final_class="")
        .values_list("enterprise_id", "final_class")
    ):
        i = pos.get(e)
        if i is not None:
            col[i], miss[i] = c, False
    return col, miss


def objection_list(*, user, run=None, year: int | None = None, enterprise_id: int | None = None):
    """The objections the user may see: to one run, or of one enterprise in a year."""
    from .models import Objection

    qs = Objection.objects.restrict(user, "view").select_related("enterprise", "submitted_by")
    if run is not None:
        qs = qs.filter(run=run)
    if year is not None:
        qs = qs.filter(run__year=year)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs


def scheme_row(year: int):
    """The stored scheme of a year (None: the default applies)."""
    from .models import EvaluationScheme

    return EvaluationScheme.objects.filter(year=year).first()


def enterprise_results(*, user, enterprise_id: int) -> list[EvaluationResult]:
    """The enterprise's result in the latest finished run of every year, newest first (the enterprise page)."""
    qs = (
        EvaluationResult.objects.restrict(user, "view")
        .filter(enterprise_id=enterprise_id, run__status=EvaluationRun.Status.DONE)
        .select_related("run")
        .order_by("-run__year", "-run_id")
    )
    seen: dict[int, EvaluationResult] = {}
    for r in qs:
        seen.setdefault(r.run.year, r)
    return list(seen.values())


def classes_of(ids: list[int], *, year: int | None = None) -> tuple[int | None, dict[int, str]]:
    """The class each enterprise in `ids` got in the latest finished evaluation (of `year` or before): (the
    evaluation's year, {enterprise id: class}); enterprises without a class are left out. One query for the run,
    one for the classes."""
    runs = EvaluationRun.objects.filter(status=EvaluationRun.Status.DONE)
    if year is not None:
        runs = runs.filter(year__lte=year)
    run = runs.order_by("-year", "-pk").first()
    if run is None or not ids:
        return (run.year if run else None), {}
    rows = (
        EvaluationResult.objects.filter(run=run, enterprise_id__in=ids)
        .exclude(final_class="")
        .values_list("enterprise_id", "final_class")
    )
    return run.year, dict(rows)
