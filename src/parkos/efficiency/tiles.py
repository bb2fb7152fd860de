"""The 亩均 evaluation's cockpit tile: the latest finished evaluation's D-class enterprises (the ones for 腾笼换鸟),
with the class distribution, opening the run's results filtered to class D (its own counts, so they agree)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core import charts, registries
from parkos.core.periods import Period
from parkos.enterprises.models import LandParcel

from . import engine, selectors
from .models import EvaluationRun


def _latest_run(period: Period) -> EvaluationRun | None:
    """The latest finished evaluation of a year up to the period's (亩均 is evaluated per year, on last year's data)."""
    return (
        EvaluationRun.objects.filter(status=EvaluationRun.Status.DONE, year__lte=period.year)
        .order_by("-year", "-pk")
        .first()
    )


def _classes(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    run = registries.tile_memo(user, ("efficiency.run", period.year), lambda: _latest_run(period))
    if run is None:
        return {
            "value": None,
            "unit": pgettext_lazy("unit", "enterprises"),
            "previous": None,
            "compare": False,
            "detail": _("no evaluation yet"),
        }
    counts = selectors.class_counts(user=user, run=run)
    total = {c: counts[engine.ABOVE][c] + counts[engine.BELOW][c] for c in engine.CLASSES}
    return {
        "value": total["D"],
        "unit": pgettext_lazy("unit", "enterprises"),
        "previous": None,
        "compare": False,
        "detail": _("%(year)s evaluation: ") % {"year": run.year}
        + " · ".join(f"{c} {total[c]:,}" for c in engine.CLASSES),
        "chart": charts.bar(
            list(engine.CLASSES), {str(_("Enterprises")): [total[c] for c in engine.CLASSES]}
        ),
        "run": run.pk,
    }


def _low_land(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """腾笼换鸟's pool: the land the latest evaluation's D-class enterprises hold (their registered parcels), the
    low-efficiency land to be freed or put to better use."""
    run = registries.tile_memo(user, ("efficiency.run", period.year), lambda: _latest_run(period))
    if run is None:
        return {
            "value": None,
            "unit": _("mu"),
            "previous": None,
            "compare": False,
            "detail": _("no evaluation yet"),
        }
    d = selectors.result_list(user=user, run=run).filter(final_class="D").values("enterprise_id")
    land = LandParcel.objects.restrict(user, "view").filter(enterprise_id__in=d)
    row = land.aggregate(mu=Sum("area_mu"), n=Count("enterprise_id", distinct=True))
    return {
        "value": row["mu"] or Decimal(0),
        "unit": _("mu"),
        "previous": None,
        "compare": False,
        "detail": _("held by %(n)s D-class enterprises of the %(y)s evaluation")
        % {"n": row["n"], "y": run.year},
    }


def _url(period: Period) -> str:
    run = _latest_run(period)
    return f"{reverse('efficiency:results', args=[run.pk])}?klass=D" if run else reverse("efficiency:index")


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "efficiency.d_class",
            _("D-class enterprises (per-mu)"),
            _classes,
            url=_url,
            visible=lambda user: not user.is_enterprise_user and user.may("view"),
            order=20,
        )
    )
    registries.tiles.register(
        registries.Tile(
            "efficiency.low_land",
            _("Low-efficiency land"),
            _low_land,
            url=_url,
            visible=lambda user: not user.is_enterprise_user and user.may("view"),
            order=21,
        )
    )
