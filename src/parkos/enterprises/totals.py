"""The registry's monthly totals (经济运行): output value, revenue, tax and electricity summed per month, department,
park, 规上 flag and industry division, kept beside the enterprise rows so the cockpit, the economy page and the
monthly report read a few thousand rows instead of millions.

Freshness: whatever writes monthly figures or moves an enterprise between departments, parks, 规上 or industries
marks the months it touched stale (signals for single saves, the importers for bulk writes); `fresh()` rebuilds the
stale months before a read, and the daily job rebuilds everything as a safety net. A month is rebuilt from its
rows in one INSERT … SELECT … GROUP BY, so a total always equals the sum of the rows it stands for.

Figures of a period are cumulative (1–N月, as the statistics bureau counts): the period's months up to the latest
month anybody has reported, compared with the same months a year earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max, QuerySet, Sum

from parkos.core.numbers import percent
from parkos.core.periods import Period

from .models import Enterprise, MonthlyIndicator, MonthlyTotal, MonthlyTotalStale

ALL_MONTHS = dt.date(1900, 1, 1)  # the stale mark meaning "rebuild every month"
FIGURES = ("output_value", "revenue", "tax", "electricity_kwh")
GROUPING = ("owner_id", "park_id", "is_above_scale", "industry_division")


# ---- keeping them fresh ------------------------------------------------------------------------------------------
def mark_stale(months: Iterable[dt.date] | None = None) -> None:
    """Months whose totals must be rebuilt before the next read (None: all of them)."""
    marks = {ALL_MONTHS} if months is None else {m.replace(day=1) for m in months}
    MonthlyTotalStale.objects.bulk_create([MonthlyTotalStale(month=m) for m in marks], ignore_conflicts=True)


def _rebuild(months: list[dt.date] | None) -> None:
    table, rows, ent = (m._meta.db_table for m in (MonthlyTotal, MonthlyIndicator, Enterprise))
    marks = ", ".join(["%s"] * len(months or []))
    params = list(months or [])
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table}" + (f" WHERE month IN ({marks})" if months else ""), params)  # noqa: S608
        cur.execute(
            f"""INSERT INTO {table}
                (month, owner_id, park_id, above_scale, industry_division, enterprises,
                 output_value, revenue, tax, electricity_kwh)
            SELECT m.month, e.owner_id, e.park_id, e.is_above_scale, e.industry_division, COUNT(*),
                   COALESCE(SUM(m.output_value), 0), COALESCE(SUM(m.revenue), 0), COALESCE(SUM(m.tax), 0),
                   COALESCE(SUM(m.electricity_kwh), 0)
            FROM {rows} m JOIN {ent} e ON e.id = m.enterprise_id
            {f"WHERE m.month IN ({marks})" if months else ""}
            GROUP BY m.month, e.owner_id, e.park_id, e.is_above_scale, e.industry_division""",  # noqa: S608
            params,
        )


@transaction.atomic
def refresh(months: Iterable[dt.date] | None = None) -> int:
    """Rebuild the totals of `months` (None: every month) and clear their stale marks; returns the rows written."""
    if months is None:
        _rebuild(None)
        MonthlyTotalStale.objects.all().delete()
    else:
        ms = sorted({m.replace(day=1) for m in months})
        if ms:
            _rebuild(ms)
        MonthlyTotalStale.objects.filter(month__in=ms).delete()
    return MonthlyTotal.objects.count()


def fresh() -> None:
    """Rebuild whatever is marked stale (nothing, usually: one indexed read)."""
    stale = list(MonthlyTotalStale.objects.values_list("month", flat=True))
    if not stale:
        return
    refresh(None if ALL_MONTHS in stale else stale)


def daily_refresh(today: dt.date) -> str:
    n = refresh(None)
    return f"{n} monthly total rows rebuilt"


# ---- reading them ------------------------------------------------------------------------------------------------
def _scoped(user) -> QuerySet[MonthlyTotal] | None:
    """The totals of what the user may see; None for an enterprise user (its own rows are read directly)."""
    if user.is_zone_wide:
        return MonthlyTotal.objects.all()
    if user.is_enterprise_user:
        return None
    if user.department_id is None:
        return MonthlyTotal.objects.none()
    return MonthlyTotal.objects.filter(owner_id=user.department_id)


def latest_month(today: dt.date | None = None) -> dt.date | None:
    """The latest month anybody has reported (not after today's month)."""
    qs = MonthlyTotal.objects.all()
    if today:
        qs = qs.filter(month__lte=today.replace(day=1))
    return qs.aggregate(m=Max("month"))["m"]


def months_of(period: Period, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last month counted for the period: up to the latest reported month (None: nothing yet)."""
    latest = latest_month(period.cut(today))
    if latest is None or latest < period.start:
        return None
    last = min(latest, period.end.replace(day=1))
    return period.start, last


KEYS = ("park_id", "above_scale", "industry_division")


def _rows(user, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The sums of the months first..last per park, 规上 flag and industry division, over what the user sees (one
    query over the totals; an enterprise user's own rows directly)."""
    sums: dict[str, Any] = {f: Sum(f) for f in FIGURES}
    scoped = _scoped(user)
    if scoped is None:
        own = MonthlyIndicator.objects.restrict(user, "view").filter(month__gte=first, month__lte=last)
        rows = own.values(
            park_id=F("enterprise__park_id"),
            above_scale=F("enterprise__is_above_scale"),
            industry_division=F("enterprise__industry_division"),
        ).annotate(**sums)
    else:
        rows = scoped.filter(month__gte=first, month__lte=last).values(*KEYS).annotate(**sums)
    return [{**r, **{f: Decimal(r[f] or 0) for f in FIGURES}} for r in rows]


def _add(rows: Iterable[dict[str, Any]]) -> dict[str, Decimal]:
    out = {f: Decimal(0) for f in FIGURES}
    for r in rows:
        for f in FIGURES:
            out[f] += r[f]
    return out


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Decimal]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    return {k: _add(v) for k, v in groups.items()}


def economy(*, user, period: Period, today: dt.date) -> dict[str, Any]:
    """The period's cumulative figures (1–N月) for what the user sees, beside the same months a year earlier: the
    total, 规上 enterprises' part, and the split by park and by industry division. Two queries on fresh totals."""
    fresh()
    span = months_of(period, today)
    if span is None:
        zero = _add([])
        empty: dict[str, Any] = {"span": None, "total": zero, "previous": zero, "above": zero}
        return {
            **empty,
            "above_previous": zero,
            **{f"by_{k}{s}": {} for k in ("park", "division") for s in ("", "_previous")},
        }
    first, last = span
    now, before = _rows(user, first, last), _rows(user, _shift(first), _shift(last))
    return {
        "span": span,
        "total": _add(now),
        "previous": _add(before),
        "above": _add(r for r in now if r["above_scale"]),
        "above_previous": _add(r for r in before if r["above_scale"]),
        "by_park": _by(now, "park_id"),
        "by_park_previous": _by(before, "park_id"),
        "by_division": _by(now, "industry_division"),
        "by_division_previous": _by(before, "industry_division"),
    }


def _shift(d: dt.date) -> dt.date:
    return d.replace(year=d.year - 1)


# ---- what marks months stale -------------------------------------------------------------------------------------
def _monthly_saved(sender, instance: MonthlyIndicator, **kw) -> None:
    mark_stale([instance.month])


def _enterprise_saved(sender, instance: Enterprise, created: bool, **kw) -> None:
    if not created and getattr(instance, "_loaded_grouping", None) != instance.grouping():
        mark_stale()
        instance.__dict__["_loaded_grouping"] = instance.grouping()


def _enterprise_deleted(sender, instance: Enterprise, **kw) -> None:
    mark_stale()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_monthly_saved, sender=MonthlyIndicator, dispatch_uid="totals.monthly_saved")
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid="totals.enterprise_saved")
    post_delete.connect(_enterprise_deleted, sender=Enterprise, dispatch_uid="totals.enterprise_deleted")


# ---- the economy page and the report -----------------------------------------------------------------------------
def growth(now: Decimal, before: Decimal) -> Decimal | None:
    """Growth on the same months a year earlier, in % with one decimal (None without a base)."""
    return percent(now - before, abs(before)) if before else None


def table(e: dict[str, Any], by: str, labels: dict[Any, str]) -> list[dict[str, Any]]:
    """The economy split by park or industry division: each group's figures, last year's and the growth, largest
    output value first; groups without a label (no park, no industry) last."""
    now, before = e[f"by_{by}"], e[f"by_{by}_previous"]
    zero = {f: Decimal(0) for f in FIGURES}
    rows = []
    for key in now.keys() | before.keys():
        a, b = now.get(key, zero), before.get(key, zero)
        rows.append(
            {
                "key": key,
                "label": labels.get(key) or "",
                **a,
                **{f"{f}_previous": b[f] for f in FIGURES},
                **{f"{f}_growth": growth(a[f], b[f]) for f in FIGURES},
            }
        )
    rows.sort(key=lambda r: (not r["label"], -r["output_value"], str(r["label"])))
    return rows


def total_row(e: dict[str, Any]) -> dict[str, Any]:
    a, b = e["total"], e["previous"]
    return {
        **a,
        **{f"{f}_previous": b[f] for f in FIGURES},
        **{f"{f}_growth": growth(a[f], b[f]) for f in FIGURES},
    }


def monthly(*, user, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Decimal]]:
    """Each month's sums from `first` to `last` over what the user sees (one query): the 月报's trend."""
    fresh()
    sums: dict[str, Any] = {f: Sum(f) for f in FIGURES}
    scoped = _scoped(user)
    if scoped is None:
        qs: QuerySet = MonthlyIndicator.objects.restrict(user, "view")
    else:
        qs = scoped
    rows = qs.filter(month__gte=first, month__lte=last).values("month").annotate(**sums)
    return {r["month"]: {f: Decimal(r[f] or 0) for f in FIGURES} for r in rows}


def top(
    *, user, first: dt.date, last: dt.date, n: int = 10, by: str = "output_value"
) -> list[dict[str, Any]]:
    """The `n` enterprises the user sees with the largest sum of `by` over first..last, beside their own sums of the
    same months a year earlier and the growth (two queries over the monthly rows)."""
    if by not in FIGURES:
        raise ValueError(by)
    sums: dict[str, Any] = {f: Sum(f) for f in FIGURES}
    own = MonthlyIndicator.objects.restrict(user, "view")
    rows = list(
        own.filter(month__gte=first, month__lte=last)
        .values("enterprise_id", name=F("enterprise__name"), park=F("enterprise__park__name"))
        .annotate(**sums)
        .filter(**{f"{by}__gt": 0})
        .order_by(f"-{by}", "enterprise_id")[:n]
    )
    before = {
        r["enterprise_id"]: r
        for r in own.filter(
            month__gte=_shift(first),
            month__lte=_shift(last),
            enterprise_id__in=[r["enterprise_id"] for r in rows],
        )
        .values("enterprise_id")
        .annotate(**sums)
    }
    out = []
    for rank, r in enumerate(rows, start=1):
        b = before.get(r["enterprise_id"], {})
        figures = {f: Decimal(r[f] or 0) for f in FIGURES}
        previous = {f: Decimal(b.get(f) or 0) for f in FIGURES}
        out.append(
            {
                "rank": rank,
                "id": r["enterprise_id"],
                "name": r["name"],
                "park": r["park"] or "",
                **figures,
                **{f"{f}_previous": previous[f] for f in FIGURES},
                **{f"{f}_growth": growth(figures[f], previous[f]) for f in FIGURES},
            }
        )
    return out
