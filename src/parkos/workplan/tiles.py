"""The work plan's cockpit tile: the year's plan tasks the user sees by status (the plan board's own counts), the
overdue ones first, with on time / lagging / overdue by chapter, opening the board filtered to the overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core import charts, registries
from parkos.core.periods import Period

from . import selectors
from .models import Plan, Point, Status

SHOWN = (Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.LAGGING, Status.OVERDUE)


def _plan(period: Period) -> Plan | None:
    """The plan of the period's year (the latest one up to it when that year has none)."""
    return Plan.objects.filter(year__lte=period.year).order_by("-year", "-pk").first()


def _tasks(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    plan = registries.tile_memo(user, ("workplan.plan", period.year), lambda: _plan(period))
    if plan is None:
        return {
            "value": None,
            "unit": pgettext_lazy("unit", "tasks"),
            "previous": None,
            "compare": False,
            "detail": _("no plan yet"),
        }
    rows = list(
        selectors.task_list(user=user, plan=plan)
        .order_by()
        .values("point_id", "status")
        .annotate(n=Count("pk"))
    )
    n = dict.fromkeys(Status.values, 0)
    for r in rows:
        n[r["status"]] += r["n"]
    return {
        "value": n[Status.OVERDUE],
        "unit": pgettext_lazy("unit", "tasks"),
        "previous": None,
        "compare": False,
        "detail": " · ".join(f"{s.label} {n[s]:,}" for s in SHOWN),
        "alarm": n[Status.OVERDUE] > 0,
        "chart": _by_chapter(plan, rows),
    }


ON_TIME = (Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED)


def _by_chapter(plan: Plan, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """On time / lagging / overdue tasks of each chapter (一、二、…: a task counts for the chapter its point is in)."""
    points = {p["pk"]: p for p in Point.objects.filter(plan=plan).values("pk", "parent_id", "level", "label")}

    def chapter(pk: int) -> int:
        while points[pk]["parent_id"] is not None:
            pk = points[pk]["parent_id"]
        return pk

    chapters = [pk for pk, p in points.items() if p["parent_id"] is None]
    counts = {c: dict.fromkeys(Status.values, 0) for c in chapters}
    for r in rows:
        counts[chapter(r["point_id"])][r["status"]] += r["n"]
    shown = [c for c in chapters if any(counts[c].values())]
    series = {
        str(_("On time")): [sum(counts[c][s] for s in ON_TIME) for c in shown],
        str(Status.LAGGING.label): [counts[c][Status.LAGGING] for c in shown],
        str(Status.OVERDUE.label): [counts[c][Status.OVERDUE] for c in shown],
    }
    return charts.bar([points[c]["label"].rstrip("、") for c in shown], series, stacked=True)


def _url(period: Period) -> str:
    plan = _plan(period)
    return (
        f"{reverse('workplan:board', args=[plan.pk])}?status={Status.OVERDUE}"
        if plan
        else reverse("workplan:index")
    )


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "workplan.overdue",
            _("Overdue plan tasks"),
            _tasks,
            url=_url,
            visible=lambda user: not user.is_enterprise_user,
            order=60,
        )
    )
