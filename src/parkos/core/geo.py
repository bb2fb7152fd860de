"""Places on the map: coordinates (经度/纬度, WGS-84 decimal degrees, as a GPS or a survey gives them; geocoding an
address needs an online service, so coordinates are entered or imported) and park boundaries read from GeoJSON.

One definition of a coordinate for every model, form and import (`longitude_field()`, `coordinate_cell()`), and one
reader of boundary files (`read_boundaries`), which names the feature, the property and the reason of every fault.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .excel import CellError, decimal_parser

# China's extent, a little widened: a coordinate outside it is a typo (swapped, or a missing decimal point)
BOUNDS = {"longitude": (Decimal(73), Decimal(136)), "latitude": (Decimal(3), Decimal(54))}
LABELS = {"longitude": gettext_lazy("longitude"), "latitude": gettext_lazy("latitude")}
OUTSIDE = {
    "longitude": gettext_lazy("A longitude in the zone is between 73 and 136 (decimal degrees)."),
    "latitude": gettext_lazy("A latitude in the zone is between 3 and 54 (decimal degrees)."),
}


def coordinate_field(axis: str) -> models.DecimalField:
    lo, hi = BOUNDS[axis]
    return models.DecimalField(
        LABELS[axis],
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(lo), MaxValueValidator(hi)],
        help_text=gettext_lazy("WGS-84 decimal degrees, as a GPS gives them"),
    )


def coordinate_check(axis: str, prefix: str) -> models.CheckConstraint:
    from .models import FieldCheck

    lo, hi = BOUNDS[axis]
    return FieldCheck(
        field=axis,
        condition=models.Q(**{f"{axis}__isnull": True})
        | models.Q(**{f"{axis}__gte": lo, f"{axis}__lte": hi}),
        name=f"{prefix}_{axis}_range",
        violation_error_message=OUTSIDE[axis],
    )


def coordinate_cell(axis: str):
    """An Excel cell holding a longitude or a latitude in decimal degrees (six places)."""
    lo, hi = BOUNDS[axis]
    number = decimal_parser(6, minimum=None)

    def parse(v: Any) -> Decimal:
        d = number(v)
        if not lo <= d <= hi:
            raise CellError(_("%(v)s is outside %(lo)s–%(hi)s") % {"v": d, "lo": lo, "hi": hi})
        return d

    return parse


# ---- park boundaries from GeoJSON -------------------------------------------------------------------------------
class BoundaryError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _ring_errors(ring: Any, where: str) -> list[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        return [_("%(w)s: a ring needs at least four positions") % {"w": where}]
    errors = []
    for pos in ring:
        if not (
            isinstance(pos, list) and len(pos) >= 2 and all(isinstance(x, (int, float)) for x in pos[:2])
        ):
            return [_("%(w)s: a position is not [longitude, latitude]") % {"w": where}]
        lng, lat = Decimal(str(pos[0])), Decimal(str(pos[1]))
        (llo, lhi), (alo, ahi) = BOUNDS["longitude"], BOUNDS["latitude"]
        if not (llo <= lng <= lhi and alo <= lat <= ahi):
            errors.append(
                _(
                    "%(w)s: the position %(lng)s, %(lat)s is outside China (longitude %(llo)s–%(lhi)s, latitude %(alo)s–%(ahi)s)"
                )
                % {"w": where, "lng": pos[0], "lat": pos[1], "llo": llo, "lhi": lhi, "alo": alo, "ahi": ahi}
            )
            break
    if ring[0][:2] != ring[-1][:2]:
        errors.append(
            _("%(w)s: the ring is not closed (its last position must repeat the first)") % {"w": where}
        )
    return errors


def _geometry_errors(geometry: Any, where: str) -> list[str]:
    if not isinstance(geometry, dict):
        return [_("%(w)s: no geometry") % {"w": where}]
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords if isinstance(coords, list) else [None]
    else:
        return [
            _("%(w)s: the geometry is a %(k)s; a park is a Polygon or a MultiPolygon")
            % {"w": where, "k": kind}
        ]
    errors: list[str] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return [_("%(w)s: a polygon without rings") % {"w": where}]
        for ring in polygon:
            errors += _ring_errors(ring, where)
    return errors


CODE_KEYS = ("code", "编码", "园区编码")  # the properties a feature may name its park by
NAME_KEYS = ("name", "名称", "园区名称")


def _prop(props: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((props[k] for k in keys if props.get(k)), "")


def read_boundaries(content: bytes, parks: Iterable[Any]) -> dict[int, dict[str, Any]]:
    """The boundary of each park a GeoJSON FeatureCollection names (its feature's `code`/`编码` or `name`/`名称`
    property: the park's code or name), as {park id: geometry}; `BoundaryError` lists every fault, naming the feature."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError([_("The file is not GeoJSON (%(e)s).") % {"e": exc}]) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryError([_("The file is not a GeoJSON FeatureCollection.")])
    by_code = {p.code: p for p in parks}
    by_name = {p.name: p for p in by_code.values()}
    found: dict[int, dict[str, Any]] = {}
    errors: list[str] = []
    for i, feature in enumerate(data["features"], start=1):
        where = _("feature %(i)s") % {"i": i}
        props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        code = str(_prop(props, CODE_KEYS)).strip()
        name = str(_prop(props, NAME_KEYS)).strip()
        park = by_code.get(code) or by_name.get(name)
        if park is None:
            errors.append(
                _("%(w)s: property code “%(c)s” / name “%(n)s” names no park of the zone")
                % {"w": where, "c": code, "n": name}
            )
            continue
        where = f"{where}（{park.name}）"
        if park.pk in found:
            errors.append(_("%(w)s: the park appears twice") % {"w": where})
            continue
        problems = _geometry_errors(feature.get("geometry"), where)
        if problems:
            errors += problems
            continue
        found[park.pk] = {
            "type": feature["geometry"]["type"],
            "coordinates": feature["geometry"]["coordinates"],
        }
    if errors:
        raise BoundaryError(errors)
    if not found:
        raise BoundaryError([_("The file holds no feature.")])
    return found


def feature_collection(parks: Iterable[Any]) -> dict[str, Any]:
    """The parks with a boundary as one FeatureCollection, each feature named by its park (what ECharts registers
    as the zone's map)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": p.name, "code": p.code}, "geometry": p.boundary}
            for p in parks
            if p.boundary
        ],
    }
