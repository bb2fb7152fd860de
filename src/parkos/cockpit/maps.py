"""Parks on a map: the parks' outlines (imported GeoJSON) coloured by a cockpit figure that splits by park (the
tile's own `by_park`, so the map and the cockpit agree), with enterprises placed by their coordinates and coloured
by their 亩均 class or their credit risk class, or key projects coloured by their approval light; a click opens the park's enterprises or
the record. Scoped: a department's map colours and places what it sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import charts, geo, registries
from parkos.core.models import Light
from parkos.core.periods import Period
from parkos.core.selectors import parks
from parkos.credit import public as credit
from parkos.efficiency import public as efficiency
from parkos.enterprises.models import Enterprise
from parkos.projects import public as projects

MAX_POINTS = 3000  # points a layer draws (the count of all is shown beside)
CLASS_COLORS = {"A": "#2fb344", "B": "#206bc4", "C": "#f59f00", "D": "#d63939", "": "#9aa0ac"}
LIGHT_COLORS = {Light.GREEN: "#2fb344", Light.YELLOW: "#f59f00", Light.RED: "#d63939", Light.GREY: "#9aa0ac"}
LAYERS = {
    "": gettext_lazy("No points"),
    "efficiency": gettext_lazy("Enterprises by per-mu class"),
    "projects": gettext_lazy("Key projects by approval light"),
    "credit": gettext_lazy("Enterprises by credit risk class"),
}


def may_view(user) -> bool:
    return bool(user.is_authenticated and not user.is_enterprise_user)


def figures(user) -> list[registries.Tile]:
    """The cockpit figures that split by park and that the user sees."""
    return [t for t in registries.tiles if t.by_park is not None and t.visible(user)]


def _located_enterprises(user) -> tuple[Any, list[dict[str, Any]]]:
    qs = Enterprise.objects.restrict(user, "view").filter(longitude__isnull=False, latitude__isnull=False)
    return qs, list(qs.order_by("pk").values("id", "name", "longitude", "latitude")[:MAX_POINTS])


def _class_layers(rows: list[dict[str, Any]], classes: dict[int, str], name) -> list[dict[str, Any]]:
    """The enterprises as one layer per class (A, B, C, D, none), each named by `name(class)`."""
    layers = []
    for klass in ("A", "B", "C", "D", ""):
        data = [
            {**r, "url": reverse("enterprises:detail", args=[r["id"]])}
            for r in rows
            if classes.get(r["id"], "") == klass
        ]
        if data:
            layers.append({"name": name(klass), "color": CLASS_COLORS[klass], "data": data})
    return layers


def _enterprise_points(user) -> dict[str, Any]:
    qs, rows = _located_enterprises(user)
    year, classes = efficiency.classes_of([r["id"] for r in rows])
    layers = _class_layers(rows, classes, lambda k: _("Class %(c)s") % {"c": k} if k else _("Not evaluated"))
    note = _("Classes of the %(y)s evaluation.") % {"y": year} if year else _("No evaluation yet.")
    return {"layers": layers, "total": qs.count(), "shown": len(rows), "note": note}


def _credit_points(user) -> dict[str, Any]:
    qs, rows = _located_enterprises(user)
    classes = credit.effective_classes([r["id"] for r in rows])
    layers = _class_layers(rows, classes, lambda k: _("Credit class %(c)s") % {"c": k})
    note = _("Effective credit risk classes (none counts as B).")
    return {"layers": layers, "total": qs.count(), "shown": len(rows), "note": note}


def _project_points(user) -> dict[str, Any]:
    total, rows = projects.located(user=user, limit=MAX_POINTS)
    labels = dict(Light.choices)
    layers = []
    for light, color in LIGHT_COLORS.items():
        data = [
            {**r, "url": reverse("projects:detail", args=[r["id"]])}
            for r in rows
            if r["approval_light"] == light
        ]
        if data:
            layers.append({"name": str(labels[light]), "color": color, "data": data})
    return {"layers": layers, "total": total, "shown": len(rows), "note": ""}


def map_data(*, user, figure: str, layer: str, period: Period, today: dt.date) -> dict[str, Any]:
    """The map's chart for a figure of the period and a layer of points, with what is missing to draw it."""
    if not may_view(user):
        raise Http404
    registries.tile_memo_clear(user)
    offered = figures(user)
    tile = next((t for t in offered if t.key == figure), offered[0] if offered else None)
    zone_parks = list(parks())
    values = tile.by_park(user, period, today) if tile and tile.by_park else {}
    unit = str(tile.figure(user, period, today).get("unit") or "") if tile else ""
    regions = [
        {"name": p.name, "value": values.get(p.pk, 0), "url": f"{reverse('enterprises:list')}?park={p.pk}"}
        for p in zone_parks
        if p.boundary
    ]
    points = {"efficiency": _enterprise_points, "projects": _project_points, "credit": _credit_points}.get(
        layer
    )
    placed = points(user) if points else {"layers": [], "total": 0, "shown": 0, "note": ""}
    chart = charts.geo_map(
        "zone",
        geo.feature_collection(zone_parks),
        regions,
        placed["layers"],
        figure=str(tile.label) if tile else "",
        unit=unit,
    )
    return {
        "chart": chart,
        "figure": tile.key if tile else "",
        "figures": [(t.key, t.label) for t in offered],
        "layer": layer if points else "",
        "layers": list(LAYERS.items()),
        "regions": sorted(regions, key=lambda r: -r["value"]),
        "unit": unit,
        "without_boundary": [p.name for p in zone_parks if not p.boundary],
        "points": placed,
    }
