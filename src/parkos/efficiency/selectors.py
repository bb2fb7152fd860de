"""Reads for the evaluation: the engine's input columns from the database, runs and results (scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet, Sum
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


def evaluation_inputs(year: int) -> tuple[engine.Inputs, list[int], list[dict[str, Any]]]:
    """Every enterprise with figures for the year, as engine columns (three queries, no ORM objects).

    The cohort, land and events come from the year's evaluation input (the bureaus' feed); where there is
    none, from the registry: its 规上 flag and its land parcels (owned + rented in − rented out)."""
    fields = list(ANNUAL_MAP.values())
    annual = list(
        AnnualIndicator.objects.filter(year=year)
        .order_by("enterprise_id")
        .values_list(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__industry_division",
            "enterprise__established_on",
            "enterprise__is_above_scale",
            *fields,
        )
    )
    extra = {
        e[0]: e[1:]
        for e in EvaluationInput.objects.filter(year=year).values_list(
            "enterprise_id", "is_above_scale", "land_mu", "vetoes", "downgrades"
        )
    }
    land = dict(
        LandParcel.objects.values("enterprise_id")
        .annotate(
            mu=Sum("area_mu", filter=Q(tenure__in=["owned", "rented_in"]))
            - Sum("area_mu", filter=Q(tenure="rented_out"), default=0)
        )
        .values_list("enterprise_id", "mu")
    )
    ids, usccs, divisions, established, above, lands, vetoes, downs = [], [], [], [], [], [], [], []
    cols: dict[str, list] = {k: [] for k in ANNUAL_MAP}
    raw: list[dict[str, Any]] = []
    for rec in annual:
        eid, u, div, est, flag, *vals = rec
        ev = extra.get(eid)
        ids.append(eid)
        usccs.append(u)
        divisions.append(div or "")
        established.append(est)
        above.append(ev[0] if ev else flag)
        lands.append(ev[1] if ev else land.get(eid))
        vetoes.append(list(ev[2]) if ev else [])
        downs.append(list(ev[3]) if ev else [])
        for k, v in zip(ANNUAL_MAP, vals, strict=True):
            cols[k].append(v)
        raw.append(
            {
                "land": _num(lands[-1]),
                **{k: _num(v) for k, v in zip(ANNUAL_MAP, vals, strict=True)},
                "division": div or "",
                "established": est.isoformat() if est else None,
                "above": above[-1],
                "vetoes": vetoes[-1],
                "downgrades": downs[-1],
            }
        )
    numbers = {k: _floats(v) for k, v in cols.items()}
    numbers["land"] = _floats(lands)
    inp = engine.Inputs(
        uscc=np.array(usccs, dtype=str),
        division=np.array(divisions, dtype=str),
        established=np.array([d or "NaT" for d in established], dtype="datetime64[D]"),
        is_above=np.array(above, dtype=bool),
        numbers=numbers,
        vetoes=vetoes,
        downgrades=downs,
    )
    return inp, ids, raw


def inputs_from_raw(usccs: list[str], raw: list[dict[str, Any]]) -> engine.Inputs:
    """Engine columns from the inputs stored with results (to reproduce a run)."""
    return engine.Inputs(
        uscc=np.array(usccs, dtype=str),
        division=np.array([r["division"] for r in raw], dtype=str),
        established=np.array([r["established"] or "NaT" for r in raw], dtype="datetime64[D]"),
        is_above=np.array([r["above"] for r in raw], dtype=bool),
        numbers={k: _floats([r.get(k) for r in raw]) for k in engine.INPUT_COLUMNS},
        vetoes=[r["vetoes"] for r in raw],
        downgrades=[r["downgrades"] for r in raw],
    )


def _num(v) -> float | None:
    return None if v is None else float(v)


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


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
