"""The lead list's search, filters and sort: one FilterSet for the list, the board, the export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core import lists

from .models import Lead, Source, Stage, State

SORTS = {
    k: k
    for k in (
        "entered_on",
        "investor_name",
        "amount",
        "stage",
        "last_activity_on",
        "next_step_on",
        "team__code",
    )
}
KINDS = {
    "top500": ~Q(top500_list=""),
    "foreign": ~Q(foreign_country=""),
    "hq": ~Q(hq_level=""),
    "soe": Q(is_central_soe=True),
    "leader": Q(is_industry_leader=True),
    "gap": Q(fills_gap=True),
}


def _state(qs: QuerySet, name: str, value: str) -> QuerySet:
    return qs if value == "all" else qs.filter(state=value)


def _neglected(qs: QuerySet, name: str, value: str) -> QuerySet:
    from .selectors import neglected_q

    return qs.filter(neglected_q()) if value in {"1", "true", "True"} else qs


class LeadFilters(lists.FilterSet):
    defaults = {"state": State.OPEN}  # the open leads unless asked otherwise

    q = lists.Search("investor_name", "title", "uscc")
    stage = df.ChoiceFilter(choices=Stage.choices)
    state = df.ChoiceFilter(choices=[*State.choices, ("all", _("All"))], method=_state)
    team = lists.Id("team_id")
    source = df.ChoiceFilter(choices=Source.choices)
    chain = lists.Id("node__chain_id")
    event = lists.Id("event_id")
    kind = df.ChoiceFilter(choices=[(k, k) for k in KINDS], method=lambda qs, n, v: qs.filter(KINDS[v]))
    neglected = df.CharFilter(method=_neglected, max_length=5)
    signed_from = df.DateFilter(
        field_name="signed_on", lookup_expr="gte"
    )  # signed in a period (the cockpit's links)
    signed_to = df.DateFilter(field_name="signed_on", lookup_expr="lte")
    sort = lists.Sort(SORTS, default="-entered_on")

    class Meta:
        model = Lead
        fields: list[str] = []
