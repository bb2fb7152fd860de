"""The service desk's cockpit tile: the requests not yet closed that the user sees, by light (the request list's
own filters, so the tile and the list count the same), opening that list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import charts, registries
from parkos.core.models import Light
from parkos.core.periods import Period

from . import selectors

LIGHTS = tuple((light.value, light.label) for light in (Light.RED, Light.YELLOW, Light.GREEN))


def _open(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    rows = list(
        selectors.request_list(user=user, filters={"state": "open"}).values_list(
            "pk", "due_on", "limit_wd", "state"
        )
    )
    lights = [light for light, _rem in selectors.lights_of(rows, today).values()]
    n = {k: lights.count(k) for k, _label in LIGHTS}
    return {
        "value": len(rows),
        "unit": _("requests"),
        "previous": None,
        "compare": False,
        "detail": " · ".join(f"{label} {n[k]:,}" for k, label in LIGHTS),
        "alarm": n["red"] > 0,
        "chart": charts.bar(
            [str(label) for _k, label in LIGHTS], {str(_("Open requests")): [n[k] for k, _l in LIGHTS]}
        ),
    }


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "servicedesk.open",
            _("Open requests"),
            _open,
            url=lambda period: f"{reverse('servicedesk:requests')}?state=open",
            order=50,
        )
    )
