"""The registry's zone-level yearly figures (the kernel's `appraisal_figures`): totals over the whole zone that
the readers — the national evaluation self-assessment, the internal appraisal — read. A year's figures all come
from one SQL aggregate (`yearly`, the registry's batch); none of them lists an enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, FilteredRelation, Q, Sum
from django.utils.translation import gettext_lazy as _

from parkos.core import registries

from .models import Enterprise, EnterpriseStatus

MANUFACTURING = ("13", "43")  # GB/T 4754 section C: divisions 13 to 43
BIG_MANUFACTURER = {"manufacturers_3bn": Decimal(300_000), "manufacturers_1_5bn": Decimal(150_000)}  # 万元


def _ratio(num, den, scale: int = 1, places: str = "0.0001") -> Decimal | None:
    if num is None or not den:
        return None
    return (Decimal(num) * scale / Decimal(den)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def yearly(year: int) -> dict[str, Decimal | None]:
    """Every figure of the registry for a year in one pass: the enterprises joined with their yearly indicators of
    that year and of the year before (one row each at most), summed and counted under filters.

    - R&D intensity: R&D expenditure ÷ operating revenue × 100 of the above-scale enterprises reporting both;
    - energy per value added: energy use (tce) ÷ industrial value added (万元), above-scale enterprises reporting both;
    - net new jobs: average employees this year less last year, enterprises reporting both years;
    - high-tech: operating enterprises recognised now (the registry keeps the flag, not its history);
    - new foreign-funded enterprises: established in the year;
    - value added and taxes: the sums of the year; large manufacturers: GB/T 4754 section C (divisions 13–43)
      with operating revenue at or above 150,000 or 300,000 万元."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    above = Q(is_above_scale=True)
    rd = above & Q(now__rd_expense__isnull=False, now__revenue__gt=0)
    energy = above & Q(now__energy_tce__isnull=False, now__value_added__gt=0)
    jobs = Q(now__employees__isnull=False, before__employees__isnull=False)
    made = Q(industry_division__gte=MANUFACTURING[0], industry_division__lte=MANUFACTURING[1])
    big = {
        key: Count("pk", filter=made & Q(now__revenue__gte=threshold))
        for key, threshold in BIG_MANUFACTURER.items()
    }
    agg = Enterprise.objects.annotate(
        now=FilteredRelation("annual_indicators", condition=Q(annual_indicators__year=year)),
        before=FilteredRelation("annual_indicators", condition=Q(annual_indicators__year=year - 1)),
    ).aggregate(
        rd=Sum("now__rd_expense", filter=rd),
        rd_revenue=Sum("now__revenue", filter=rd),
        energy=Sum("now__energy_tce", filter=energy),
        energy_va=Sum("now__value_added", filter=energy),
        jobs_now=Sum("now__employees", filter=jobs),
        jobs_before=Sum("before__employees", filter=jobs),
        value_added=Sum("now__value_added"),
        tax=Sum("now__tax_paid"),
        high_tech=Count("pk", filter=Q(is_high_tech=True, status=EnterpriseStatus.OPERATING)),
        new_foreign_funded=Count("pk", filter=Q(is_foreign_funded=True, established_on__range=(first, last))),
        **big,
    )
    jobs_known = agg["jobs_now"] is not None and agg["jobs_before"] is not None
    return {
        "enterprises.rd_intensity": _ratio(agg["rd"], agg["rd_revenue"], 100),
        "enterprises.energy_intensity": _ratio(agg["energy"], agg["energy_va"]),
        "enterprises.new_jobs": Decimal(agg["jobs_now"] - agg["jobs_before"]) if jobs_known else None,
        "enterprises.high_tech": Decimal(agg["high_tech"]),
        "enterprises.new_foreign_funded": Decimal(agg["new_foreign_funded"]),
        "enterprises.value_added": agg["value_added"],
        "enterprises.tax": agg["tax"],
        **{f"enterprises.{key}": Decimal(agg[key]) for key in BIG_MANUFACTURER},
    }


def _one(key: str):
    return lambda year: yearly(year)[key]


def register() -> None:
    def F(key, label, compute, unit, basis, order) -> registries.AppraisalFigure:  # noqa: N802  (reads like the class)
        return registries.AppraisalFigure(key, label, compute, unit, basis, order, batch=yearly)

    for f in (
        F(
            "enterprises.rd_intensity",
            _("R&D intensity of above-scale enterprises"),
            _one("enterprises.rd_intensity"),
            "%",
            _(
                "R&D expenditure ÷ operating revenue × 100, above-scale enterprises reporting both for the year"
            ),
            10,
        ),
        F(
            "enterprises.high_tech",
            _("High-tech enterprises"),
            _one("enterprises.high_tech"),
            _("enterprises (unit)"),
            _(
                "operating enterprises recognised as high-tech in the registry today (the flag keeps no history)"
            ),
            11,
        ),
        F(
            "enterprises.energy_intensity",
            _("Energy per 10k yuan of industrial value added"),
            _one("enterprises.energy_intensity"),
            _("tce / 10k yuan"),
            _("energy use ÷ industrial value added, above-scale enterprises reporting both for the year"),
            12,
        ),
        F(
            "enterprises.new_jobs",
            _("Net new jobs"),
            _one("enterprises.new_jobs"),
            _("persons"),
            _("increase in average employees over the previous year, enterprises reporting both years"),
            13,
        ),
        F(
            "enterprises.new_foreign_funded",
            _("New foreign-funded enterprises"),
            _one("enterprises.new_foreign_funded"),
            _("enterprises (unit)"),
            _("foreign-funded enterprises in the registry established in the year"),
            14,
        ),
        F(
            "enterprises.value_added",
            _("Industrial value added"),
            _one("enterprises.value_added"),
            _("10k yuan"),
            _("sum of the enterprises' industrial value added for the year"),
            15,
        ),
        F(
            "enterprises.tax",
            _("Taxes paid by the zone's enterprises"),
            _one("enterprises.tax"),
            _("10k yuan"),
            _("sum of the enterprises' taxes paid for the year"),
            16,
        ),
        F(
            "enterprises.manufacturers_1_5bn",
            _("Manufacturers with revenue ≥ 1.5 billion yuan"),
            _one("enterprises.manufacturers_1_5bn"),
            _("enterprises (unit)"),
            _(
                "manufacturing enterprises (GB/T 4754 section C) with operating revenue ≥ 150,000 10k yuan (central and western zones)"
            ),
            17,
        ),
        F(
            "enterprises.manufacturers_3bn",
            _("Manufacturers with revenue ≥ 3 billion yuan"),
            _one("enterprises.manufacturers_3bn"),
            _("enterprises (unit)"),
            _(
                "manufacturing enterprises (GB/T 4754 section C) with operating revenue ≥ 300,000 10k yuan (eastern zones)"
            ),
            18,
        ),
    ):
        registries.appraisal_figures.register(f)
