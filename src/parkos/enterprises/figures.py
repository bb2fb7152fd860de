"""The registry's zone-level yearly figures (the kernel's `appraisal_figures`): totals over the whole zone that
the readers — the national evaluation self-assessment, the internal appraisal — read. Each is one SQL aggregate;
none of them lists an enterprise."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from parkos.core import registries

from .models import AnnualIndicator, Enterprise, EnterpriseStatus

MANUFACTURING = ("13", "43")  # GB/T 4754 section C: divisions 13 to 43
BIG_MANUFACTURER = {"manufacturers_3bn": Decimal(300_000), "manufacturers_1_5bn": Decimal(150_000)}  # 万元


def _ratio(num, den, scale: int = 1, places: str = "0.0001") -> Decimal | None:
    if num is None or not den:
        return None
    return (Decimal(num) * scale / Decimal(den)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def rd_intensity(year: int) -> Decimal | None:
    """R&D expenditure ÷ operating revenue × 100 of the above-scale enterprises reporting both for the year."""
    agg = AnnualIndicator.objects.filter(
        year=year, enterprise__is_above_scale=True, rd_expense__isnull=False, revenue__gt=0
    ).aggregate(rd=Sum("rd_expense"), rev=Sum("revenue"))
    return _ratio(agg["rd"], agg["rev"], 100)


def high_tech(year: int) -> Decimal:
    """Operating enterprises recognised as high-tech now (the registry keeps the flag, not its history)."""
    n = Enterprise.objects.filter(is_high_tech=True, status=EnterpriseStatus.OPERATING).count()
    return Decimal(n)


def energy_intensity(year: int) -> Decimal | None:
    """Energy use (tce) ÷ industrial value added (万元) of the above-scale enterprises reporting both."""
    agg = AnnualIndicator.objects.filter(
        year=year, enterprise__is_above_scale=True, energy_tce__isnull=False, value_added__gt=0
    ).aggregate(e=Sum("energy_tce"), va=Sum("value_added"))
    return _ratio(agg["e"], agg["va"])


def new_jobs(year: int) -> Decimal | None:
    """The net increase in average employees of the enterprises reporting employees in both years."""

    def reporting(y: int):
        return AnnualIndicator.objects.filter(year=y, employees__isnull=False).values("enterprise_id")

    agg = (
        AnnualIndicator.objects.filter(year__in=(year, year - 1), employees__isnull=False)
        .filter(enterprise_id__in=reporting(year))
        .filter(enterprise_id__in=reporting(year - 1))
        .aggregate(
            now=Sum("employees", filter=Q(year=year)), before=Sum("employees", filter=Q(year=year - 1))
        )
    )
    if agg["now"] is None or agg["before"] is None:
        return None
    return Decimal(agg["now"] - agg["before"])


def new_foreign_funded(year: int) -> Decimal:
    """Foreign-funded enterprises established in the year (新设外商投资企业)."""
    return Decimal(Enterprise.objects.filter(is_foreign_funded=True, established_on__year=year).count())


def value_added(year: int) -> Decimal | None:
    return AnnualIndicator.objects.filter(year=year).aggregate(v=Sum("value_added"))["v"]


def tax(year: int) -> Decimal | None:
    return AnnualIndicator.objects.filter(year=year).aggregate(v=Sum("tax_paid"))["v"]


def big_manufacturers(threshold: Decimal):
    def count(year: int) -> Decimal:
        n = AnnualIndicator.objects.filter(
            year=year,
            revenue__gte=threshold,
            enterprise__industry_division__gte=MANUFACTURING[0],
            enterprise__industry_division__lte=MANUFACTURING[1],
        ).aggregate(n=Count("enterprise_id", distinct=True))["n"]
        return Decimal(n)

    return count


def register() -> None:
    F = registries.AppraisalFigure
    for f in (
        F(
            "enterprises.rd_intensity",
            _("R&D intensity of above-scale enterprises"),
            rd_intensity,
            "%",
            _(
                "R&D expenditure ÷ operating revenue × 100, above-scale enterprises reporting both for the year"
            ),
            10,
        ),
        F(
            "enterprises.high_tech",
            _("High-tech enterprises"),
            high_tech,
            _("enterprises (unit)"),
            _(
                "operating enterprises recognised as high-tech in the registry today (the flag keeps no history)"
            ),
            11,
        ),
        F(
            "enterprises.energy_intensity",
            _("Energy per 10k yuan of industrial value added"),
            energy_intensity,
            _("tce / 10k yuan"),
            _("energy use ÷ industrial value added, above-scale enterprises reporting both for the year"),
            12,
        ),
        F(
            "enterprises.new_jobs",
            _("Net new jobs"),
            new_jobs,
            _("persons"),
            _("increase in average employees over the previous year, enterprises reporting both years"),
            13,
        ),
        F(
            "enterprises.new_foreign_funded",
            _("New foreign-funded enterprises"),
            new_foreign_funded,
            _("enterprises (unit)"),
            _("foreign-funded enterprises in the registry established in the year"),
            14,
        ),
        F(
            "enterprises.value_added",
            _("Industrial value added"),
            value_added,
            _("10k yuan"),
            _("sum of the enterprises' industrial value added for the year"),
            15,
        ),
        F(
            "enterprises.tax",
            _("Taxes paid by the zone's enterprises"),
            tax,
            _("10k yuan"),
            _("sum of the enterprises' taxes paid for the year"),
            16,
        ),
        F(
            "enterprises.manufacturers_1_5bn",
            _("Manufacturers with revenue ≥ 1.5 billion yuan"),
            big_manufacturers(BIG_MANUFACTURER["manufacturers_1_5bn"]),
            _("enterprises (unit)"),
            _(
                "manufacturing enterprises (GB/T 4754 section C) with operating revenue ≥ 150,000 10k yuan (central and western zones)"
            ),
            17,
        ),
        F(
            "enterprises.manufacturers_3bn",
            _("Manufacturers with revenue ≥ 3 billion yuan"),
            big_manufacturers(BIG_MANUFACTURER["manufacturers_3bn"]),
            _("enterprises (unit)"),
            _(
                "manufacturing enterprises (GB/T 4754 section C) with operating revenue ≥ 300,000 10k yuan (eastern zones)"
            ),
            18,
        ),
    ):
        registries.appraisal_figures.register(f)
