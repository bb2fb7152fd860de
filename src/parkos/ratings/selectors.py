"""Reads of 好差评, scoped to the user: the 差评 case board with each step's deadline and light, one case, and the
rating and case metrics of spec §5 by department, officer, category or month (the public figures by department,
nothing personal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from parkos.core import registries
from parkos.core.clocks import step_light
from parkos.core.selectors import working_calendar

from . import engine
from .models import BadRatingCase, CaseState, Rating, RatingConfig


def rated_ids(*, target: str, ids) -> set[int]:
    """Which of these services of `target` were rated (first ratings, not follow-ups)."""
    return set(
        Rating.objects.filter(target=target, target_id__in=list(ids), followup_of__isnull=True).values_list(
            "target_id", flat=True
        )
    )


def levels_of(*, target: str, ids) -> dict[int, int]:
    """The level of the first rating of each of these services of `target` that was rated (one query)."""
    return dict(
        Rating.objects.filter(target=target, target_id__in=list(ids), followup_of__isnull=True).values_list(
            "target_id", "level"
        )
    )


def to_rate(*, user, limit: int = 50) -> list:
    """The services this enterprise user received inside the rating window and has not rated, from every target
    that lists them, newest first (each record carries its `target` key for the rating form and its target's
    `rate_label` and `rate_date`)."""
    if not user.is_authenticated or not user.is_enterprise_user:
        return []
    since = timezone.localdate() - dt.timedelta(days=RatingConfig.get().rating_window_days)
    out: list = []
    for t in registries.rating_targets:
        if t.pending is None:
            continue
        rows = list(t.pending(user, since)[: limit * 2])
        done = rated_ids(target=t.key, ids=[r.pk for r in rows])
        for r in rows:
            if r.pk not in done:
                r.target = t.key
                r.rate_label, r.rate_date = t.summary(r) if t.summary else (str(r), None)
                out.append(r)
    return sorted(out, key=lambda r: r.rate_date or dt.date.min, reverse=True)[:limit]


def rating_of(*, target: str, target_id: int) -> tuple[Rating | None, list[Rating]]:
    """The first rating of one service with its case (None: not rated), and the follow-up ratings of that case."""
    rows = list(
        Rating.objects.filter(target=target, target_id=target_id).select_related("case").order_by("pk")
    )
    first = next((x for x in rows if x.followup_of_id is None), None)
    case_id = getattr(getattr(first, "case", None), "pk", None) if first is not None else None
    followups = list(Rating.objects.filter(followup_of_id=case_id).order_by("pk")) if case_id else []
    return first, followups


def case_list(*, user, state: str = ""):
    qs = BadRatingCase.objects.restrict(user, "view").select_related(
        "rating", "rating__enterprise", "department", "handler"
    )
    return qs.filter(state=state) if state in CaseState.values else qs


def case_board(*, user) -> list[dict[str, Any]]:
    """Cases by state with each one's current step deadline and its light."""
    cases = list(case_list(user=user).order_by("received_on", "pk")[:500])
    cfg = RatingConfig.get()
    today = timezone.localdate()
    cal = working_calendar()
    cols: dict[str, list] = {s: [] for s in CaseState.values}
    for c in cases:
        due = step_due(c)
        c.step_due = due
        if due is None or c.state in {CaseState.CLOSED, CaseState.UPHELD}:
            c.light = "done" if c.state in {CaseState.CLOSED, CaseState.UPHELD} else "grey"
        else:
            rem = cal.working_days_between(today, due)
            c.light = step_light(int(rem), step_limit(c, cfg))
        cols[c.state].append(c)
    return [{"state": s, "label": CaseState(s).label, "cases": cols[s]} for s in CaseState.values]


def step_limit(c: BadRatingCase, cfg) -> int:
    """The current step's own time limit (working days; the follow-up window is in calendar days), against
    which its light is judged (spec §4.2)."""
    if c.state == CaseState.RECTIFYING:
        complex_ = c.kind == BadRatingCase.Kind.COMPLEX
        return cfg.case_rectify_complex_wd if complex_ else cfg.case_rectify_simple_wd
    limits: dict[str, int] = {
        CaseState.RECEIVED: cfg.case_contact_wd,
        CaseState.ASSIGNED: cfg.case_contact_wd,
        CaseState.VERIFYING: cfg.case_verify_wd,
        CaseState.EXPLAINED: cfg.case_verify_wd,
        CaseState.APPEALED: cfg.appeal_review_wd,
        CaseState.FEEDBACK: cfg.followup_window_days,
    }
    return limits.get(c.state, cfg.case_verify_wd)


def step_due(c: BadRatingCase) -> dt.date | None:
    due: dict[str, dt.date | None] = {
        CaseState.ASSIGNED: c.contact_due,
        CaseState.RECEIVED: c.contact_due,
        CaseState.VERIFYING: c.verify_due,
        CaseState.RECTIFYING: c.rectify_due,
        CaseState.APPEALED: c.appeal_due,
        CaseState.EXPLAINED: c.verify_due,
        CaseState.FEEDBACK: c.followup_due,
    }
    return due.get(c.state)


def case_get(*, user, pk: int) -> BadRatingCase:
    try:
        return case_list(user=user).get(pk=pk)
    except BadRatingCase.DoesNotExist:
        raise Http404 from None


# ---- metrics -----------------------------------------------------------------------------------------------------
GROUPS = {
    "department": ("department__name", pgettext_lazy("group", "Department")),
    "officer": ("officer__display_name", pgettext_lazy("group", "Service officer")),
    "category": ("category", pgettext_lazy("group", "Request category")),
    "month": ("on", pgettext_lazy("group", "Month")),
}


def _group_key(by: str, value) -> object:
    if by == "month":
        return value.strftime("%Y-%m") if value else "—"
    return value or "—"


def _valid(user, year: int, until: dt.date | None = None):
    """The year's ratings that count (appeal-upheld ones and follow-ups left out) that the user sees, to `until`."""
    qs = Rating.objects.filter(
        pk__in=Rating.objects.restrict(user, "view").values("pk"),
        on__year=year,
        excluded=False,
        followup_of__isnull=True,
    )
    return qs.filter(on__lte=until) if until else qs


def rating_total(*, user, year: int, until: dt.date | None = None) -> engine.RatingMetrics:
    """The 合计 of the ratings page: every rating of the year the user sees (to `until`), one set of metrics."""
    levels = np.array(list(_valid(user, year, until).values_list("level", flat=True)), dtype=int)
    return engine.rating_metrics(levels, strict=RatingConfig.get().strict_good_rate)


OPEN_CASES = [s for s in CaseState.values if s not in {CaseState.CLOSED, CaseState.UPHELD}]


def open_case_counts(*, user) -> dict[str, int]:
    """The bad-rating cases not yet closed (nor ended by an upheld appeal) that the user sees, by state."""
    rows = case_list(user=user).filter(state__in=OPEN_CASES).values_list("state").annotate(n=Count("pk"))
    counts = dict.fromkeys(OPEN_CASES, 0)
    counts.update({state: n for state, n in rows})
    return counts


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
    if not public:
        ratings = ratings.filter(pk__in=Rating.objects.restrict(user, "view").values("pk"))
        cases_qs = cases_qs.filter(pk__in=BadRatingCase.objects.restrict(user, "view").values("pk"))
    qs = ratings.filter(on__year=year, excluded=False, followup_of__isnull=True)
    rows = list(qs.values_list(field, "level"))
    groups = np.array([_group_key(by, r[0]) for r in rows], dtype=object)
    levels = np.array([r[1] for r in rows], dtype=int)
    grouped = engine.grouped_rating_metrics(groups, levels, strict=RatingConfig.get().strict_good_rate)
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
    closed_n: dict[object, int] = {}
    rated_n: dict[object, int] = {}
    for (
        t
    ) in registries.rating_targets:  # 主动评价率: services finished in the year that their enterprise rated
        if t.closed_in is None:
            continue
        closed = t.closed_in(year, None if public else user)
        rated = set(
            Rating.objects.filter(
                target=t.key,
                target_id__in=[c["id"] for c in closed],
                followup_of__isnull=True,
                excluded=False,
            ).values_list("target_id", flat=True)
        )
        for c in closed:
            key = _group_key(by, c["closed_on"] if by == "month" else c[by])
            closed_n[key] = closed_n.get(key, 0) + 1
            rated_n[key] = rated_n.get(key, 0) + (c["id"] in rated)
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


def rated_service(*, user, rating) -> tuple[str, str]:
    """What a rating is about, in words, and a link to it when this user may open it."""
    from .models import describe

    return describe(user, rating.target, rating.target_id)
