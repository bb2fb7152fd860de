"""The key projects' cockpit tiles: 开工率 and 投产率 of the period (the rates page's 合计 for all projects the user
sees), beside the same cut a year earlier, each opening the projects behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.periods import Period, year_earlier

from . import selectors


def _rate(user, period: Period, metric: str, today: dt.date) -> Any:
    return selectors.rates(user=user, period=period, by="all", today=today)["total"][metric]


def _figure(metric: str):
    def figure(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
        today = today or timezone.localdate()
        now = _rate(user, period, metric, today)
        cut = period.cut(today)
        before = _rate(user, period.previous_year(), metric, year_earlier(cut))
        return {
            "value": now["rate"],
            "unit": "%",
            "previous": before["rate"],
            "detail": _("%(a)s of %(p)s planned") % {"a": now["achieved"], "p": now["planned"]},
        }

    return figure


def _url(metric: str):
    return lambda period: f"{reverse('projects:rates')}?{period.query()}&by=all&metric={metric}"


def _staff(user) -> bool:
    return not user.is_enterprise_user


def register() -> None:
    for key, label, order in (("start", _("Start rate"), 30), ("production", _("Production rate"), 31)):
        registries.tiles.register(
            registries.Tile(
                f"projects.{key}", label, _figure(key), url=_url(key), visible=_staff, order=order
            )
        )
