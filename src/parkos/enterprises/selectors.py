"""Reads of the registry, always scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parkos.core.selectors import history_entries

from .filters import EnterpriseFilters
from .models import (
    ENTERPRISE_FIELDS,
    AnnualIndicator,
    Contact,
    Enterprise,
    EnterpriseAccount,
    LandParcel,
    MonthlyIndicator,
)


def enterprise_list(*, user, filters=None, action: str = "view") -> QuerySet[Enterprise]:
    """The enterprises the user may see (or act on), filtered and sorted by `filters` (a query dict; see
    `filters.EnterpriseFilters`)."""
    qs = Enterprise.objects.restrict(user, action).select_related("park", "owner")
    return EnterpriseFilters(filters, queryset=qs).qs


def enterprise_get(*, user, pk: int, action: str = "view") -> Enterprise:
    """One enterprise the user may see (or change); out of scope is indistinguishable from missing."""
    return get_object_or_404(Enterprise.objects.restrict(user, action).select_related("park", "owner"), pk=pk)


def enterprise_of_user(*, user) -> Enterprise | None:
    if not user.is_authenticated or not user.is_enterprise_user:
        return None
    return Enterprise.objects.filter(accounts__user=user).first()


def enterprise_export_records(qs: QuerySet[Enterprise]):
    """Rows for the enterprise template (same columns as the import), streamed from one query."""
    related = {"park": "park__name", "owner": "owner__name"}
    cols = ["uscc", *(related.get(f, f) for f in ENTERPRISE_FIELDS)]
    for row in qs.values(*cols).iterator(chunk_size=5000):
        row["park"] = row.pop("park__name")
        row["owner"] = row.pop("owner__name")
        yield row


def _of(model, *, user, enterprise: Enterprise | None, related_name: str) -> QuerySet:
    """An enterprise's rows of `model` that the user may see — read through the enterprise, so each row knows it
    without joining it again — or, without an enterprise, all the user may see with their enterprises."""
    if enterprise is None:
        return model.objects.restrict(user, "view").select_related("enterprise")
    return getattr(enterprise, related_name).restrict(user, "view")


def land_list(*, user, enterprise: Enterprise | None = None) -> QuerySet[LandParcel]:
    return _of(LandParcel, user=user, enterprise=enterprise, related_name="land_parcels")


def annual_list(*, user, enterprise: Enterprise | None = None) -> QuerySet[AnnualIndicator]:
    return _of(AnnualIndicator, user=user, enterprise=enterprise, related_name="annual_indicators")


def monthly_list(*, user, enterprise: Enterprise | None = None) -> QuerySet[MonthlyIndicator]:
    return _of(MonthlyIndicator, user=user, enterprise=enterprise, related_name="monthly_indicators")


def contact_list(*, user, enterprise: Enterprise) -> QuerySet[Contact]:
    return Contact.objects.restrict(user, "view").filter(enterprise=enterprise)


def enterprise_profile(*, user, pk: int) -> dict[str, Any]:
    """Everything the enterprise page shows, in a fixed number of queries."""
    ent = enterprise_get(user=user, pk=pk)
    land = list(land_list(user=user, enterprise=ent))
    annual = list(annual_list(user=user, enterprise=ent).order_by("year"))
    monthly = list(monthly_list(user=user, enterprise=ent).order_by("month"))
    land_total = sum((p.area_mu for p in land if p.tenure != LandParcel.Tenure.RENTED_OUT), start=0)
    history = history_entries(
        [
            (str(Enterprise._meta.verbose_name), Enterprise.history.filter(id=ent.pk)),
            (str(LandParcel._meta.verbose_name), LandParcel.history.filter(enterprise_id=ent.pk)),
            (str(AnnualIndicator._meta.verbose_name), AnnualIndicator.history.filter(enterprise_id=ent.pk)),
            (str(MonthlyIndicator._meta.verbose_name), MonthlyIndicator.history.filter(enterprise_id=ent.pk)),
            (str(Contact._meta.verbose_name), Contact.history.filter(enterprise_id=ent.pk)),
        ]
    )
    return {
        "enterprise": ent,
        "land": land,
        "land_total": land_total,
        "annual": annual,
        "monthly": monthly,
        "contacts": list(contact_list(user=user, enterprise=ent)),
        "history": history,
        "charts": {
            "annual": {
                "years": [a.year for a in annual],
                "revenue": [_num(a.revenue) for a in annual],
                "tax": [_num(a.tax_paid) for a in annual],
                "value_added": [_num(a.value_added) for a in annual],
                "tax_per_mu": [
                    _num(a.tax_paid / land_total) if a.tax_paid is not None and land_total else None
                    for a in annual
                ],
            },
            "monthly": {
                "months": [f"{m.month:%Y-%m}" for m in monthly],
                "output": [_num(m.output_value) for m in monthly],
                "tax": [_num(m.tax) for m in monthly],
                "electricity": [_num(m.electricity_kwh) for m in monthly],
            },
        },
    }


def enterprise_tabs(*, user) -> list:
    """The apps' tabs of the enterprise page (一企一档) this user is offered, in order."""
    from parkos.core import registries

    return [t for t in registries.enterprise_tabs if t.visible(user)]


def _num(v) -> float | None:
    return None if v is None else round(float(v), 2)


def registry_summary(*, user) -> dict[str, Any]:
    """Counts for the home page: by park, by flag, and the latest year's totals (bounded queries)."""
    qs = Enterprise.objects.restrict(user, "view")
    by_park = list(qs.values("park__name").annotate(n=Count("pk")).order_by("-n"))
    flags = qs.aggregate(
        total=Count("pk"),
        above_scale=Count("pk", filter=Q(is_above_scale=True)),
        high_tech=Count("pk", filter=Q(is_high_tech=True)),
        srdi=Count("pk", filter=~Q(srdi_level="")),
        top500=Count("pk", filter=~Q(top500_kind="")),
        listing_reserve=Count("pk", filter=Q(is_listing_reserve=True)),
    )
    annual = AnnualIndicator.objects.restrict(user, "view")
    years = list(
        annual.values("year")
        .annotate(revenue=Sum("revenue"), tax=Sum("tax_paid"), n=Count("pk"))
        .order_by("year")
    )
    return {"by_park": by_park, "flags": flags, "years": years, "today": timezone.localdate()}


def enterprise_by_uscc(*, user, uscc: str) -> Enterprise | None:
    """The enterprise with this USCC if the user may see it."""
    return Enterprise.objects.restrict(user, "view").filter(uscc=uscc).first()


def enterprise_is_managed_by(*, user, enterprise) -> bool:
    """Whether the user looks after (may change) this enterprise."""
    return Enterprise.objects.restrict(user, "change").filter(pk=enterprise.pk).exists()


def accounts_of(*, enterprise) -> QuerySet:
    """An enterprise's user accounts, managers first."""
    return (
        EnterpriseAccount.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("-is_manager", "user__username")
    )


def account_of(*, user):
    return EnterpriseAccount.objects.filter(user=user).first()
