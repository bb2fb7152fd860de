"""好差评's cockpit tiles: the year's 好评率 (the ratings page's 合计, to the period's cut, beside the same cut a
year earlier) and the 差评 cases still open now (the case board's open columns), each opening its page."""

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
from .models import CaseState


def _good_rate(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """好评率 of the ratings given in the period's year up to its cut (ratings are counted by the year)."""
    cut = period.cut(today or timezone.localdate())
    now = selectors.rating_total(user=user, year=period.year, until=cut)
    before = selectors.rating_total(user=user, year=period.year - 1, until=year_earlier(cut))
    return {
        "value": now.good_rate,
        "unit": "%",
        "previous": before.good_rate,
        "detail": _("%(n)s ratings, %(b)s bad")
        % {"n": f"{now.n:,}", "b": f"{now.counts[0] + now.counts[1]:,}"},
    }


def _open_cases(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    counts = selectors.open_case_counts(user=user)
    total = sum(counts.values())
    labels = dict(CaseState.choices)
    shown = [s for s in counts if counts[s]]
    return {
        "value": total,
        "unit": pgettext_lazy("unit", "cases"),
        "previous": None,
        "compare": False,
        "detail": " · ".join(f"{labels[s]} {counts[s]}" for s in shown) or _("none open"),
        "alarm": total > 0,
        "chart": charts.bar([str(labels[s]) for s in counts], {str(_("Open cases")): list(counts.values())}),
    }


def _staff(user) -> bool:
    return not user.is_enterprise_user


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "ratings.good_rate",
            _("Good-rating rate"),
            _good_rate,
            url=lambda period: f"{reverse('ratings:ratings')}?year={period.year}",
            visible=_staff,
            order=52,
        )
    )
    registries.tiles.register(
        registries.Tile(
            "ratings.open_cases",
            _("Open bad-rating cases"),
            _open_cases,
            url=lambda period: reverse("ratings:cases"),
            visible=_staff,
            order=53,
        )
    )
