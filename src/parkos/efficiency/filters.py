"""The evaluation results list's search, filters and sort (rank within each cohort, nulls last)."""

from __future__ import annotations

import django_filters as df
from django.db.models import F, Q, QuerySet

from parkos.core import lists

from . import engine
from .models import STATUS_LABELS, EvaluationResult

RESULT_SORTS = {
    "rank": "rank",
    "total": "total",
    "tax": "tax_per_mu",
    "name": "enterprise__name",
    "uscc": "enterprise__uscc",
    "class": "final_class",
}


def _search(qs: QuerySet, term: str) -> QuerySet:
    if term.isascii():
        return qs.filter(Q(enterprise__name__icontains=term) | Q(enterprise__uscc__startswith=term.upper()))
    return qs.filter(Q(enterprise__name__contains=term) | Q(enterprise__former_names__contains=term))


def _by_cohort(qs: QuerySet, key: str, desc: bool) -> QuerySet:
    expr = F(key).desc(nulls_last=True) if desc else F(key).asc(nulls_last=True)
    return qs.order_by("cohort", expr, "enterprise__uscc")


class ResultFilters(lists.FilterSet):
    defaults = {"status": engine.RATED}

    q = lists.Search(method=_search)
    cohort = df.ChoiceFilter(choices=[(engine.ABOVE, engine.ABOVE), (engine.BELOW, engine.BELOW)])
    park = lists.Id("enterprise__park_id")
    industry = df.CharFilter(
        max_length=6,
        method=lambda qs, n, v: qs.filter(enterprise__industry_division=v[:2]) if v.isdigit() else qs,
    )
    klass = df.ChoiceFilter(field_name="final_class", choices=[(c, c) for c in engine.CLASSES])
    status = df.ChoiceFilter(choices=list(STATUS_LABELS.items()))
    sort = lists.Sort(RESULT_SORTS, default="rank", order=_by_cohort)

    class Meta:
        model = EvaluationResult
        fields: list[str] = []
