"""Reads of the service desk, scoped to the user: the request queue with SLA lights, one request with its
timeline, visits, card holders, the 差评 case board, rating and case metrics by department, officer, category
or month, and the public figures (departments only, nothing personal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from parkos.core.selectors import working_calendar

from . import engine
from .filters import OPEN_STATES, RequestFilters
from .models import BadRatingCase, CaseState, Rating, Request, ServiceCard, ServiceConfig, Visit


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
    ratings = list(Rating.objects.filter(request=r).select_related("case").order_by("pk"))
    return {
        "request": r,
        "events": r.events.select_related("by"),
        "co": r.co_departments.all(),
        "rating": next((x for x in ratings if x.followup_of_id is None), None),
        "followups": [x for x in ratings if x.followup_of_id is not None],
    }


def items_to_rate(*, user) -> list:
    """The enterprise's decided approval items still inside the rating window and not rated yet."""
    from parkos.projects.public import items_decided_since

    from .models import ServiceConfig

    if not user.is_enterprise_user:
        return []
    since = timezone.localdate() - dt.timedelta(days=ServiceConfig.get().rating_window_days)
    rated = Rating.objects.filter(item__isnull=False, followup_of__isnull=True).values("item_id")
    return list(items_decided_since(user=user, since=since, exclude_ids=rated)[:50])


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


def card_list(*, user, year: int):
    qs = ServiceCard.objects.filter(year=year).select_related("enterprise", "officer", "officer__department")
    if user.is_enterprise_user:
        qs = qs.filter(enterprise__accounts__user=user)
    elif not user.is_zone_wide:
        from .models import is_service_centre

        if not is_service_centre(user):
            qs = qs.filter(Q(officer=user) | Q(officer__department_id=user.department_id))
    return qs.order_by("number")


def case_list(*, user, state: str = ""):
    qs = BadRatingCase.objects.restrict(user, "view").select_related(
        "rating", "rating__request", "rating__enterprise", "rating__item__item", "department", "handler"
    )
    return qs.filter(state=state) if state in CaseState.values else qs


def case_board(*, user) -> list[dict[str, Any]]:
    """Cases by state with each one's current step deadline and its light."""
    cases = list(case_list(user=user).order_by("received_on", "pk")[:500])
    cfg = ServiceConfig.get()
    today = timezone.localdate()
    cal = working_calendar()
    cols = {s: [] for s in CaseState.values}
    for c in cases:
        due = step_due(c)
        c.step_due = due
        if due is None or c.state in {CaseState.CLOSED, CaseState.UPHELD}:
            c.light = "done" if c.state in {CaseState.CLOSED, CaseState.UPHELD} else "grey"
        else:
            rem = cal.working_days_between(today, due)
            c.light = engine.light(int(rem), step_limit(c, cfg))
        cols[c.state].append(c)
    return [{"state": s, "label": CaseState(s).label, "cases": cols[s]} for s in CaseState.values]


def step_limit(c: BadRatingCase, cfg: ServiceConfig) -> int:
    """The current step's own time limit (working days; the follow-up window is in calendar days), against
    which its light is judged (spec §4.2)."""
    if c.state == CaseState.RECTIFYING:
        complex_ = c.kind == BadRatingCase.Kind.COMPLEX
        return cfg.case_rectify_complex_wd if complex_ else cfg.case_rectify_simple_wd
    return {
        CaseState.RECEIVED: cfg.case_contact_wd,
        CaseState.ASSIGNED: cfg.case_contact_wd,
        CaseState.VERIFYING: cfg.case_verify_wd,
        CaseState.EXPLAINED: cfg.case_verify_wd,
        CaseState.APPEALED: cfg.appeal_review_wd,
        CaseState.FEEDBACK: cfg.followup_window_days,
    }.get(c.state, cfg.case_verify_wd)


def step_due(c: BadRatingCase) -> dt.date | None:
    return {
        CaseState.ASSIGNED: c.contact_due,
        CaseState.RECEIVED: c.contact_due,
        CaseState.VERIFYING: c.verify_due,
        CaseState.RECTIFYING: c.rectify_due,
        CaseState.APPEALED: c.appeal_due,
        CaseState.EXPLAINED: c.verify_due,
        CaseState.FEEDBACK: c.followup_due,
    }.get(c.state)


def case_get(*, user, pk: int) -> BadRatingCase:
    try:
        return case_list(user=user).get(pk=pk)
    except BadRatingCase.DoesNotExist:
        raise Http404 from None


# ---- metrics -----------------------------------------------------------------------------------------------------
GROUPS = {
    "department": ("department__name", pgettext_lazy("group", "Department")),
    "officer": ("officer__display_name", pgettext_lazy("group", "Service officer")),
    "category": ("category__name", pgettext_lazy("group", "Request category")),
    "month": ("on", pgettext_lazy("group", "Month")),
}


def _group_key(by: str, value) -> object:
    if by == "month":
        return value.strftime("%Y-%m") if value else "—"
    return value or "—"


def rating_metrics(*, user, year: int, by: str = "department", public: bool = False) -> list[dict[str, Any]]:
    """Rating and case metrics of spec §5 per group for a year.

    Ratings: those given in the year, appeal-upheld ones and follow-ups left out (好评率 strict or not, as set).
    Cases: those of the year's ratings for 回访率 and 整改率; 按期整改率 over the cases whose rectification fell
    due in the year, whatever the year of their rating; 整改满意率 over every follow-up rating received in the
    year (a dissatisfied one stays counted after a re-opening). 主动评价率: requests closed in the year that were
    rated (and not removed by an upheld appeal); a group with closed requests and no rating has 0.00.
    `public` drops officers and needs no user."""
    by = by if by in GROUPS and not (public and by == "officer") else "department"
    field = GROUPS[by][0]
    ratings = Rating.objects.all()
    cases_qs = BadRatingCase.objects.all()
    closed_qs = Request.objects.filter(closed_on__year=year)
    if not public:
        ratings = ratings.filter(pk__in=Rating.objects.restrict(user, "view").values("pk"))
        cases_qs = cases_qs.filter(pk__in=BadRatingCase.objects.restrict(user, "view").values("pk"))
        closed_qs = closed_qs.filter(pk__in=Request.objects.restrict(user, "view").values("pk"))
    qs = ratings.filter(on__year=year, excluded=False, followup_of__isnull=True)
    rows = list(qs.values_list(field, "level"))
    keys = np.array([_group_key(by, r[0]) for r in rows], dtype=object)
    levels = np.array([r[1] for r in rows], dtype=int)
    grouped = engine.grouped_rating_metrics(keys, levels, strict=ServiceConfig.get().strict_good_rate)
    year_cases = list(
        cases_qs.filter(rating__in=qs.values("pk")).values_list(f"rating__{field}", "state", "contact_on")
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    due_field = "rectify_due" if by == "month" else f"rating__{field}"
    due_cases = list(
        cases_qs.filter(rectify_due__range=(start, end))
        .exclude(state=CaseState.UPHELD)
        .values_list(due_field, "rectify_due", "feedback_on")
    )
    fu_field = "on" if by == "month" else f"followup_of__rating__{field}"
    followups = list(
        ratings.filter(followup_of__isnull=False, on__year=year)
        .exclude(followup_of__state=CaseState.UPHELD)
        .values_list(fu_field, "level")
    )
    rated_ids = set(
        Rating.objects.filter(
            request__in=closed_qs.values("pk"), followup_of__isnull=True, excluded=False
        ).values_list("request_id", flat=True)
    )
    closed_n: dict[object, int] = {}
    rated_n: dict[object, int] = {}
    for k, pk in closed_qs.values_list({"month": "closed_on"}.get(by, field), "pk"):
        key = _group_key(by, k)
        closed_n[key] = closed_n.get(key, 0) + 1
        rated_n[key] = rated_n.get(key, 0) + (pk in rated_ids)
    nat = np.datetime64("NaT")
    out = []
    keys = set(grouped) | set(closed_n) | {_group_key(by, c[0]) for c in due_cases}
    keys |= {_group_key(by, k) for k, _lv in followups}
    for key in sorted(keys, key=str):
        mine = [c for c in year_cases if _group_key(by, c[0]) == key]
        due = [c for c in due_cases if _group_key(by, c[0]) == key]
        cm = engine.case_metrics(
            upheld=np.array([c[1] == CaseState.UPHELD for c in mine], bool),
            contacted=np.array([c[2] is not None for c in mine], bool),
            closed=np.array([c[1] == CaseState.CLOSED for c in mine], bool),
            deadline=np.array([c[1] for c in due], "datetime64[D]"),
            feedback_on=np.array([c[2] or nat for c in due], "datetime64[D]"),
            followup_levels=np.array([lv for k, lv in followups if _group_key(by, k) == key], int),
            period=(start, end),
        )
        out.append(
            {
                "key": key,
                "m": grouped.get(key) or engine.rating_metrics(np.array([], dtype=int)),
                "cases": cm,
                "closed": closed_n.get(key, 0),
                "participation": engine.rate(rated_n.get(key, 0), closed_n.get(key, 0)),
            }
        )
    return out
