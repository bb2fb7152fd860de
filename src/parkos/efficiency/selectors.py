"""Reads for the evaluation: the engine's input columns from the database, runs and results (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404

from parkos.enterprises.models import AnnualIndicator, LandParcel

from . import engine
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
    land = dict(
        LandParcel.objects.values("enterprise_id")
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
        vetoes=[list(e[2]) if e else [] for e in ev],
        downgrades=[list(e[3]) if e else [] for e in ev],
    )
    return inp, ids


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
