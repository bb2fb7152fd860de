"""ECharts option builders: views pass these dicts to templates, which render them with json_script.

Every chart says 暂无数据 when it has nothing to draw (never a bare frame), names its value axis's unit (万元, %,
家…), and a second series of another scale (tax beside revenue) goes on its own right-hand axis.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

DAY_MS = 24 * 3600 * 1000
GRID = {"left": 8, "right": 16, "bottom": 8, "top": 40, "containLabel": True}


def _num(v: Any) -> float | None:
    return None if v is None else round(float(v), 2)


def _value_axis(unit: str = "") -> dict[str, Any]:
    axis: dict[str, Any] = {"type": "value"}
    if unit:
        axis["name"] = unit
    return axis


def empty(option: dict[str, Any]) -> dict[str, Any]:
    """Mark `option` as having nothing to draw: the chart shows 暂无数据 in its middle."""
    option["title"] = {
        "text": _("No data"),
        "left": "center",
        "top": "middle",
        "textStyle": {"color": "#9aa0ac", "fontSize": 14, "fontWeight": "normal"},
    }
    option["empty"] = True
    return option


def _finish(option: dict[str, Any]) -> dict[str, Any]:
    return option if _any_value(option) else empty(option)


def _any_value(option: dict[str, Any]) -> bool:
    for s in option["series"]:
        for v in s.get("data", []):
            if isinstance(v, (list, tuple)):
                if v and v[0] is not None:
                    return True
            elif isinstance(v, dict):
                if v.get("value") is not None:
                    return True
            elif v is not None:
                return True
    return False


def bar(
    categories: list[str],
    series: dict[str, list[Any]],
    *,
    horizontal: bool = False,
    unit: str = "",
    stacked: bool = False,
) -> dict[str, Any]:
    """Bars over categories, one colour a series (`stacked`: one bar a category, the series on top of each other)."""
    cat_axis = {"type": "category", "data": categories}
    val_axis = _value_axis(unit)
    return _finish(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"show": len(series) > 1},
            "grid": GRID,
            "xAxis": val_axis if horizontal else cat_axis,
            "yAxis": cat_axis if horizontal else val_axis,
            "series": [
                {
                    "name": name,
                    "type": "bar",
                    "data": [_num(v) for v in values],
                    **({"stack": "all"} if stacked else {}),
                }
                for name, values in series.items()
            ],
        }
    )


def line(
    categories: list[str],
    series: dict[str, list[Any]],
    *,
    bars: tuple[str, ...] = (),
    unit: str = "",
    right: tuple[str, ...] = (),
    right_unit: str = "",
) -> dict[str, Any]:
    """Lines (or `bars`) over categories; the series named in `right` are drawn against a second axis."""
    y_axis: Any = _value_axis(unit)
    if right:
        y_axis = [y_axis, {**_value_axis(right_unit or unit), "splitLine": {"show": False}}]
    return _finish(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"show": True},
            "grid": GRID,
            "xAxis": {"type": "category", "data": categories},
            "yAxis": y_axis,
            "series": [
                {
                    "name": name,
                    "type": "bar" if name in bars else "line",
                    "data": [_num(v) for v in values],
                    "connectNulls": False,
                    **({"yAxisIndex": 1} if name in right else {}),
                }
                for name, values in series.items()
            ],
        }
    )


def timeline(categories: list[str], series: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """Dates per category (milestones planned vs actual): a time axis by day against the categories."""
    return _finish(
        {
            "tooltip": {"trigger": "item"},
            "legend": {"show": True},
            "grid": {**GRID, "right": 24},
            "xAxis": {"type": "time", "minInterval": DAY_MS, "axisLabel": {"formatter": "{yyyy}-{MM}-{dd}"}},
            "yAxis": {"type": "category", "data": categories, "inverse": True},
            "series": [
                {"name": name, "type": "scatter", "symbolSize": 14, "data": [[d, c] for d, c in points]}
                for name, points in series.items()
            ],
        }
    )


def funnel(items: list[tuple[str, int]]) -> dict[str, Any]:
    """Stages and their counts, widest first as given; all zero is 暂无数据."""
    option = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "label": {"formatter": "{b}: {c}"},
                "data": [{"name": name, "value": n} for name, n in items],
            }
        ],
    }
    return option if any(n for _name, n in items) else empty(option)


def radar(indicators: list[tuple[str, float]], series: dict[str, list[Any]]) -> dict[str, Any]:
    """A radar of scores: `indicators` are (name, maximum) axes, each series one polygon (a zone, a median)."""
    has = any(v is not None for values in series.values() for v in values)
    option = {
        "tooltip": {},
        "legend": {"show": len(series) > 1, "bottom": 0},
        "radar": {"indicator": [{"name": n, "max": m} for n, m in indicators], "radius": "62%"},
        "series": [
            {
                "type": "radar",
                "data": [
                    {"name": name, "value": [_num(v) if v is not None else 0 for v in values]}
                    for name, values in series.items()
                ],
            }
        ],
    }
    return option if has and indicators else empty(option)


def geo_map(
    name: str,
    geojson: dict[str, Any],
    regions: list[dict[str, Any]],
    points: list[dict[str, Any]] | None = None,
    *,
    figure: str = "",
    unit: str = "",
) -> dict[str, Any]:
    """A map of the zone's parks (`geojson`, registered by charts.js under `name`), each region coloured by its
    figure (`regions`: name, value, url) on a continuous scale, with layers of points over it (`points`: a series
    name, a colour and data of name, longitude, latitude, url). A click on a region or a point opens its `url`."""
    option: dict[str, Any] = {"tooltip": {"trigger": "item"}, "series": []}
    if not geojson.get("features"):
        return empty(option)
    values = [r["value"] for r in regions if r.get("value") is not None]
    top = max((float(v) for v in values), default=0.0)
    option.update(
        {
            "registerMap": {"name": name, "geoJSON": geojson},
            "legend": {"show": bool(points), "bottom": 0},
            "visualMap": {
                "type": "continuous",
                "min": 0,
                "max": top or 1,
                "calculable": True,
                "left": 8,
                "bottom": 32,
                "text": [unit, ""] if unit else None,
                "seriesIndex": 0,
                "inRange": {"color": ["#e8f1fb", "#206bc4"]},
            },
            "geo": {
                "map": name,
                "roam": True,
                "label": {"show": True, "color": "#1d273b"},
                "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1},
                "emphasis": {"label": {"show": True}},
            },
        }
    )
    option["series"] = [
        {
            "type": "map",
            "map": name,
            "geoIndex": 0,
            "name": figure,
            "data": [
                {"name": r["name"], "value": _num(r.get("value")), "url": r.get("url", "")} for r in regions
            ],
        },
        *[
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": layer["name"],
                "symbolSize": 7,
                "itemStyle": {"color": layer["color"], "borderColor": "#ffffff", "borderWidth": 0.5},
                "data": [
                    {
                        "name": p["name"],
                        "value": [float(p["longitude"]), float(p["latitude"])],
                        "url": p["url"],
                    }
                    for p in layer["data"]
                ],
            }
            for layer in points or []
        ],
    ]
    if not option["visualMap"]["text"]:
        del option["visualMap"]["text"]
    return option
