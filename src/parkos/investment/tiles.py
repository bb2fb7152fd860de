"""The investment cockpit tiles: projects signed and funds in place in the period (the figures page's 合计 for the
leads the user sees), beside the same cut a year earlier, each opening the figures page of the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.periods import Period, year_earlier

from . import selectors


def _total(user, period: Period, today: dt.date) -> dict[str, Any]:
    return selectors.figures(
        user=user, year=period.year, quarter=period.quarter, month=period.month, today=today
    )["total"]


def _signed(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    now = _total(user, period, today)
    before = _total(user, period.previous_year(), year_earlier(period.cut(today)))
    return {
        "value": now["signed"],
        "unit": _("projects"),
        "previous": before["signed"],
        "detail": _("%(amount)s 10k yuan contracted") % {"amount": f"{now['signed_amount']:,.2f}"},
    }


def _funds(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    now = _total(user, period, today)
    before = _total(user, period.previous_year(), year_earlier(period.cut(today)))
    return {
        "value": now["funds"],
        "unit": _("10k yuan"),
        "previous": before["funds"],
        "detail": _("of which foreign direct investment %(usd)s 10k US$") % {"usd": f"{now['fdi_usd']:,.2f}"},
    }


def _url(period: Period) -> str:
    return f"{reverse('investment:figures')}?{period.query()}"


def _staff(user) -> bool:
    return not user.is_enterprise_user


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "investment.signed",
            _("Projects signed"),
            _signed,
            url=_url,
            visible=_staff,
            order=40,
            target=True,
        )
    )
    registries.tiles.register(
        registries.Tile(
            "investment.funds", _("Funds in place"), _funds, url=_url, visible=_staff, order=41, target=True
        )
    )
