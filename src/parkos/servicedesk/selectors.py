"""Reads of the service desk, scoped to the user: the request queue with SLA lights, one request with its
timeline, visits and card holders. (Ratings, 差评 cases and their metrics are the ratings app's.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from parkos.core.selectors import working_calendar
from parkos.ratings import public as ratings

from . import engine
from .filters import OPEN_STATES, RequestFilters
from .models import Request, ServiceCard, Visit


def lights_of(
    rows: list[tuple[int, dt.date, int, str]], today: dt.date | None = None
) -> dict[int, tuple[str, int | None]]:
    """(light, remaining working days) per request from (pk, due_on, limit_wd, state), in one calendar pass."""
    today = today or timezone.localdate()
    if not rows:
        return {}
    due = np.array([r[1] for r in rows], dtype="datetime64[D]")
    remaining = working_calendar().working_days_between(np.full(len(rows), np.datetime64(today, "D")), due)
    out = {}
    for (pk, _due, limit, state), rem in zip(rows, remaining.tolist(), strict=True):
        done = state not in OPEN_STATES
        out[pk] = (engine.light(int(rem), int(limit), done=done), None if done else int(rem))
    return out


def request_list(*, user, filters=None):
    """The requests the user may see, filtered and sorted by `filters` (a query dict; `filters.RequestFilters`)."""
    qs = Request.objects.restrict(user, "view").select_related(
        "enterprise", "category", "department", "officer"
    )
    return RequestFilters(filters, queryset=qs).qs


def with_lights(page) -> None:
    """Attach light and remaining working days to the requests of a page."""
    lights = lights_of([(r.pk, r.due_on, r.limit_wd, r.state) for r in page])
    for r in page:
        r.light, r.remaining = lights.get(r.pk, ("grey", None))


def request_get(*, user, pk: int) -> Request:
    try:
        return (
            Request.objects.restrict(user, "view")
            .select_related(
                "enterprise", "category", "department", "officer", "card", "visit", "submitted_by"
            )
            .get(pk=pk)
        )
    except Request.DoesNotExist:
        raise Http404 from None


def request_detail(*, user, pk: int) -> dict[str, Any]:
    r = request_get(user=user, pk=pk)
    with_lights([r])
    rating, followups = ratings.rating_of(target="servicedesk.request", target_id=r.pk)
    return {
        "request": r,
        "events": r.events.select_related("by"),
        "co": r.co_departments.all(),
        "rating": rating,
        "followups": followups,
    }


def closed_requests(year: int, user=None) -> list[dict[str, Any]]:
    """The requests closed in a year (scoped to `user`; None: all), grouped the way 好差评 figures are."""
    qs = Request.objects.filter(closed_on__year=year)
    if user is not None:
        qs = qs.filter(pk__in=Request.objects.restrict(user, "view").values("pk"))
    return [
        {"id": pk, "closed_on": on, "department": d, "officer": o, "category": c}
        for pk, on, d, o, c in qs.values_list(
            "pk", "closed_on", "department__name", "officer__display_name", "category__name"
        )
    ]


def categories():
    from .models import Category

    return Category.objects.select_related("department")


def visit_list(*, user):
    return (
        Visit.objects.restrict(user, "view")
        .select_related("enterprise", "department")
        .prefetch_related("requests")
        .order_by("-on", "-pk")
    )


def visit_get(*, user, pk: int):
    """One visit the user may see, or None (a request raised in a visit the user cannot see is raised without it)."""
    return visit_list(user=user).filter(pk=pk).first()


def card_list(*, user, year: int):
    qs = ServiceCard.objects.filter(year=year).select_related("enterprise", "officer", "officer__department")
    if user.is_enterprise_user:
        qs = qs.filter(enterprise__accounts__user=user)
    elif not user.is_zone_wide:
        from .models import is_service_centre

        if not is_service_centre(user):
            qs = qs.filter(Q(officer=user) | Q(officer__department_id=user.department_id))
    return qs.order_by("number")
