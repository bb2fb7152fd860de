"""The registry's cockpit tiles (经济运行): output value, revenue, tax and electricity of the period's reported
months (1–N月) beside the same months a year earlier, and the 规上 enterprises — each the economy page's 合计
for what the user sees, opening that page for the period; the enterprises that became 规上 (入规) or high-tech
(升高) in the period, opening the registry list filtered to them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core import registries
from parkos.core.numbers import percent
from parkos.core.periods import Period, year_earlier

from . import selectors, totals

FIGURES = (  # key, label, unit, order, takes a target (目标任务: output value and tax, for the zone and each park)
    ("output_value", _("Output value"), _("10k yuan"), 10, True),
    ("revenue", _("Operating revenue"), _("10k yuan"), 11, False),
    ("tax", _("Tax"), _("10k yuan"), 12, True),
    ("electricity_kwh", _("Electricity"), _("kWh"), 13, False),
)


def economy(user, period: Period, today: dt.date) -> dict[str, Any]:
    """The economy of the period, once per cockpit whatever the number of tiles reading it."""
    return registries.tile_memo(
        user, ("economy", period, today), lambda: totals.economy(user=user, period=period, today=today)
    )


def span_label(span) -> str:
    if span is None:
        return str(_("nothing reported yet"))
    first, last = span
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} – {last:%Y-%m}"


def _figure(field: str, unit):
    def figure(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
        e = economy(user, period, today or timezone.localdate())
        return {
            "value": e["total"][field] if e["span"] else None,
            "unit": unit,
            "previous": e["previous"][field] if e["span"] else None,
            "detail": span_label(e["span"]),
        }

    return figure


def _by_park(field: str):
    def by_park(user, period: Period, today: dt.date | None = None) -> dict[Any, Any]:
        e = economy(user, period, today or timezone.localdate())
        return {park: v[field] for park, v in e["by_park"].items()} if e["span"] else {}

    return by_park


def _above_scale(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """规上 enterprises now, and their share of the period's output value."""
    e = economy(user, period, today or timezone.localdate())
    n = selectors.enterprise_list(user=user, filters={"flag": "above_scale"}).count()
    out, total = e["above"]["output_value"], e["total"]["output_value"]
    share = percent(out, total)
    return {
        "value": n,
        "unit": pgettext_lazy("unit", "enterprises"),
        "previous": None,
        "compare": False,
        "detail": _("%(share)s %% of the output value") % {"share": "—" if share is None else share},
    }


def _url(period: Period) -> str:
    return f"{reverse('enterprises:economy')}?{period.query()}"


GAINED = {"above_scale": _("Entered above-scale"), "high_tech": _("Became high-tech")}


def _gained_filters(flag: str, start: dt.date, end: dt.date) -> dict[str, str]:
    return {f"{flag}_from": start.isoformat(), f"{flag}_to": end.isoformat()}


def _gained(flag: str):
    """入规 / 升高: the enterprises that gained the flag in the period (and hold it now) — the registry list's count."""

    def figure(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
        cut = period.cut(today or timezone.localdate())

        def count(p: Period, until: dt.date) -> int:
            return selectors.enterprise_list(user=user, filters=_gained_filters(flag, p.start, until)).count()

        return {
            "value": count(period, cut),
            "unit": pgettext_lazy("unit", "enterprises"),
            "previous": count(period.previous_year(), year_earlier(cut)),
            "detail": _("switched on in the registry in the period"),
        }

    return figure


def _gained_url(flag: str):
    return lambda period: (
        f"{reverse('enterprises:list')}?{urlencode(_gained_filters(flag, period.start, period.end))}"
    )


def register() -> None:
    for field, label, unit, order, target in FIGURES:
        registries.tiles.register(
            registries.Tile(
                f"enterprises.{field}",
                label,
                _figure(field, unit),
                url=_url,
                order=order,
                target=target,
                by_park=_by_park(field),
            )
        )
    registries.tiles.register(
        registries.Tile(
            "enterprises.above_scale",
            _("Above-scale enterprises"),
            _above_scale,
            url=lambda period: f"{reverse('enterprises:list')}?flag=above_scale",
            visible=lambda user: not user.is_enterprise_user,
            order=14,
        )
    )
    for k, (flag, label) in enumerate(GAINED.items()):
        registries.tiles.register(
            registries.Tile(
                f"enterprises.{flag}_gained",
                label,
                _gained(flag),
                url=_gained_url(flag),
                visible=lambda user: not user.is_enterprise_user,
                order=15 + k,
            )
        )
