"""The request queue's search, filters and sort: one FilterSet for the page, its export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core import lists

from .models import Channel, Request, RequestState

OPEN_STATES = [RequestState.RECEIVED, RequestState.DISPATCHED, RequestState.ACCEPTED]
SORTS = {k: k for k in ("received_on", "due_on", "number", "state", "enterprise__name")}


def _state(qs: QuerySet, name: str, value: str) -> QuerySet:
    return qs.filter(state__in=OPEN_STATES) if value == "open" else qs.filter(state=value)


def _light(qs: QuerySet, name: str, value: str) -> QuerySet:
    from .selectors import lights_of

    rows = list(qs.filter(state__in=OPEN_STATES).values_list("pk", "due_on", "limit_wd", "state"))
    lights = lights_of(rows)
    return qs.filter(pk__in=[pk for pk, (light, _r) in lights.items() if light == value])


class RequestFilters(lists.FilterSet):
    q = lists.Search("title", "number", "enterprise__name", "text")
    state = df.ChoiceFilter(choices=[("open", _("Not yet closed")), *RequestState.choices], method=_state)
    category = lists.Id("category_id")
    department = lists.Id("department_id")
    channel = df.ChoiceFilter(choices=Channel.choices)
    light = df.ChoiceFilter(choices=[(x, x) for x in ("green", "yellow", "red")], method=_light)
    sort = lists.Sort(SORTS, default="due_on")

    class Meta:
        model = Request
        fields: list[str] = []
