"""The policy app's lists: the library, applications, grants and a clause's matches — one FilterSet each, for the
page, its export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils import timezone

from parkos.core import lists

from .models import Application, Eligibility, Grant, Policy


def _in_force(qs: QuerySet, name: str, value: str) -> QuerySet:
    if value != "1":
        return qs
    today = timezone.localdate()
    return qs.filter(valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))


class PolicyFilters(lists.FilterSet):
    q = lists.Search("title", "doc_number", "issuer")
    level = df.ChoiceFilter(choices=Policy.Level.choices)
    active = df.CharFilter(method=_in_force, max_length=1)
    sort = lists.Sort(
        {"valid_from": "valid_from", "title": "title", "clauses": "n_clauses"}, default="-valid_from"
    )


class ApplicationFilters(lists.FilterSet):
    defaults = {"state": Application.State.SUBMITTED}

    q = lists.Search("enterprise__name", "clause__policy__title", "clause__title")
    state = df.ChoiceFilter(choices=Application.State.choices)
    sort = lists.Sort(
        {"submitted_on": "submitted_on", "enterprise": "enterprise__name", "amount": "amount"},
        default="-submitted_on",
    )


class GrantFilters(lists.FilterSet):
    defaults = {"state": Grant.State.PROPOSED}

    q = lists.Search("enterprise__name", "clause__policy__title", "clause__title", "voucher")
    state = df.ChoiceFilter(choices=Grant.State.choices)
    year = df.NumberFilter(min_value=2000, max_value=2100)
    sort = lists.Sort(
        {
            "clause": "clause__policy__title,clause__number,enterprise__name",
            "enterprise": "enterprise__name",
            "amount": "amount",
        },
        default="clause",
    )


class MatchFilters(lists.FilterSet):
    defaults = {"status": Eligibility.Status.ELIGIBLE}

    q = lists.Search("enterprise__name", "enterprise__uscc")
    status = df.ChoiceFilter(choices=Eligibility.Status.choices)
    sort = lists.Sort({"enterprise": "enterprise__name", "amount": "amount"}, default="enterprise")
