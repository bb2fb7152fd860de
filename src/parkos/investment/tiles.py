"""The investment cockpit tiles: projects signed and funds in place in the period (the figures page's 合计 for the
leads the user sees), beside the same cut a year earlier, each opening the figures page of the period."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core import charts, registries
from parkos.core.numbers import percent
from parkos.core.periods import Period, year_earlier

from . import selectors
from .models import Stage


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


def _gap_filters(start: dt.date, end: dt.date) -> dict[str, str]:
    """The lead list's filters for the leads filling a chain gap signed from `start` to `end` (any state now)."""
    return {"kind": "gap", "state": "all", "signed_from": start.isoformat(), "signed_to": end.isoformat()}


def _gaps(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """Chain gaps filled: the leads filling a gap (补链) signed in the period — the lead list's own count."""
    cut = period.cut(today or timezone.localdate())
    before = period.previous_year()

    def count(p: Period, until: dt.date) -> int:
        return selectors.lead_list(user=user, filters=_gap_filters(p.start, until)).count()

    return {
        "value": count(period, cut),
        "unit": _("projects"),
        "previous": count(before, year_earlier(cut)),
        "detail": _("signed projects that fill a gap of a chain"),
    }


def _gaps_url(period: Period) -> str:
    return f"{reverse('investment:leads')}?{urlencode(_gap_filters(period.start, period.end))}"


def _funnel(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """The year's leads through the stages (the board's funnel): how many entered, how many got to signing."""
    now = selectors.funnel_counts(user=user, year=period.year)
    before = selectors.funnel_counts(user=user, year=period.year - 1)
    entered, signed = now[0]["n"], next((f["n"] for f in now if f["stage"] == Stage.SIGNED), 0)
    return {
        "value": entered,
        "unit": _("leads"),
        "previous": before[0]["n"],
        "detail": _("%(s)s reached signing (%(r)s %%)")
        % {"s": signed, "r": "—" if not entered else percent(signed, entered)},
        "chart": charts.funnel([(str(f["label"]), f["n"]) for f in now]),
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
    registries.tiles.register(
        registries.Tile(
            "investment.funnel",
            _("Leads this year"),
            _funnel,
            url=lambda period: reverse("investment:board"),
            visible=_staff,
            order=42,
        )
    )
    registries.tiles.register(
        registries.Tile(
            "investment.gaps", _("Chain gaps filled"), _gaps, url=_gaps_url, visible=_staff, order=43
        )
    )
