"""The work plan's cockpit tile: the year's plan tasks the user sees by status (the plan board's own counts), the
overdue ones first, opening the board filtered to them."""

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
from .models import Plan, Status

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
    rows = selectors.task_list(user=user, plan=plan).order_by().values("status").annotate(n=Count("pk"))
    n = dict.fromkeys(Status.values, 0) | {r["status"]: r["n"] for r in rows}
    return {
        "value": n[Status.OVERDUE],
        "unit": pgettext_lazy("unit", "tasks"),
        "previous": None,
        "compare": False,
        "detail": " · ".join(f"{s.label} {n[s]:,}" for s in SHOWN),
        "alarm": n[Status.OVERDUE] > 0,
        "chart": charts.bar([str(s.label) for s in SHOWN], {str(_("Tasks")): [n[s] for s in SHOWN]}),
    }


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
