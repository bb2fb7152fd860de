"""The registry list's search, filters and sort: one FilterSet for the page, its export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet

from parkos.core import lists

from .models import Enterprise, EnterpriseStatus

SORTS = {
    "name": "name",
    "uscc": "uscc",
    "established": "established_on",
    "capital": "registered_capital",
    "park": "park__code",
    "status": "status",
    "updated": "updated_at",
    "industry": "industry_code",
}
FLAGS = {
    "above_scale": Q(is_above_scale=True),
    "high_tech": Q(is_high_tech=True),
    "srdi": ~Q(srdi_level=""),
    "little_giant": Q(srdi_level="little_giant"),
    "top500": ~Q(top500_kind=""),
    "foreign": Q(is_foreign_funded=True),
    "listing_reserve": Q(is_listing_reserve=True),
    "headquarters": Q(is_headquarters=True),
}


def _search(qs: QuerySet, term: str) -> QuerySet:
    if term.isascii():
        cond = (
            Q(name__icontains=term)
            | Q(former_names__icontains=term)
            | Q(legal_representative__icontains=term)
        )
        if term.isalnum():
            cond |= Q(uscc__startswith=term.upper())
    else:  # Chinese has no case: a plain LIKE spares UPPER() on every row
        cond = (
            Q(name__contains=term) | Q(former_names__contains=term) | Q(legal_representative__contains=term)
        )
    return qs.filter(cond)


def _industry(qs: QuerySet, name: str, value: str) -> QuerySet:
    if not value.isdigit():
        return qs
    if len(value) == 2:
        return qs.filter(industry_division=value)
    return qs.filter(industry_code__startswith=value)


def _gained(flag: str, bound: str):
    """Enterprises holding `flag` that gained it on or after (`gte`) or up to (`lte`) a day (入规, 升高)."""
    since = Enterprise.FLAGS_SINCE[flag]
    return lambda qs, name, value: qs.filter(**{flag: True, f"{since}__{bound}": value})


class EnterpriseFilters(lists.FilterSet):
    q = lists.Search(method=_search)
    park = lists.Id("park_id")
    industry = df.CharFilter(method=_industry, max_length=6)
    flag = df.ChoiceFilter(choices=[(k, k) for k in FLAGS], method=lambda qs, n, v: qs.filter(FLAGS[v]))
    status = df.ChoiceFilter(choices=EnterpriseStatus.choices)
    owner = lists.Id("owner_id")
    above_scale_from = df.DateFilter(
        method=_gained("is_above_scale", "gte")
    )  # 入规 in a period (the cockpit)
    above_scale_to = df.DateFilter(method=_gained("is_above_scale", "lte"))
    high_tech_from = df.DateFilter(method=_gained("is_high_tech", "gte"))  # 升高 in a period
    high_tech_to = df.DateFilter(method=_gained("is_high_tech", "lte"))
    sort = lists.Sort(SORTS, default="name")

    class Meta:
        model = Enterprise
        fields: list[str] = []
