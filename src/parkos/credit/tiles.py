"""Credit's cockpit tiles: the enterprises of high credit risk now (class C or D, the overview's figure) and the
share of inspection results published within their limit in the period's year, each opening its list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core import charts, registries
from parkos.core.periods import Period, year_earlier

from . import selectors


def _high_risk(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    classes = selectors.class_counts(user=user)
    return {
        "value": classes["C"] + classes["D"],
        "unit": pgettext_lazy("unit", "enterprises"),
        "previous": None,
        "compare": False,
        "detail": " · ".join(f"{c} {classes[c]:,}" for c in "ABCD"),
        "alarm": classes["D"] > 0,
        "chart": charts.bar(list("ABCD"), {str(_("Enterprises")): [classes[c] for c in "ABCD"]}),
    }


def _on_time(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    cut = period.cut(today or timezone.localdate())
    now = selectors.publication_figures(user=user, year=period.year, until=cut)
    before = selectors.publication_figures(user=user, year=period.year - 1, until=year_earlier(cut))
    return {
        "value": now["rate"],
        "unit": "%",
        "previous": before["rate"],
        "detail": _("%(n)s published, %(late)s late, %(waiting)s waiting")
        % {"n": f"{now['published']:,}", "late": f"{now['late']:,}", "waiting": f"{now['waiting']:,}"},
    }


def _staff(user) -> bool:
    return not user.is_enterprise_user


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "credit.high_risk",
            _("High credit risk (class C and D)"),
            _high_risk,
            url=lambda period: f"{reverse('credit:classes')}?sort=-class",
            visible=_staff,
            order=56,
        )
    )
    registries.tiles.register(
        registries.Tile(
            "credit.on_time",
            _("Inspection results published on time"),
            _on_time,
            url=lambda period: f"{reverse('credit:results')}?state=published",
            visible=_staff,
            order=57,
        )
    )
