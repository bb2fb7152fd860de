"""ECharts option builders: views pass these dicts to templates, which render them with json_script."""

from __future__ import annotations

from typing import Any


def _num(v: Any) -> float | None:
    return None if v is None else round(float(v), 2)


def bar(categories: list[str], series: dict[str, list[Any]], *, horizontal: bool = False) -> dict[str, Any]:
    cat_axis = {"type": "category", "data": categories}
    val_axis = {"type": "value"}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"show": len(series) > 1},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else val_axis,
        "series": [
            {"name": name, "type": "bar", "data": [_num(v) for v in values]}
            for name, values in series.items()
        ],
    }


def line(
    categories: list[str], series: dict[str, list[Any]], *, bars: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"show": True},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": name,
                "type": "bar" if name in bars else "line",
                "data": [_num(v) for v in values],
                "connectNulls": False,
            }
            for name, values in series.items()
        ],
    }


def timeline(categories: list[str], series: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """Dates per category (milestones planned vs actual): a time axis against the categories."""
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"show": True},
        "grid": {"left": 8, "right": 24, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "category", "data": categories, "inverse": True},
        "series": [
            {"name": name, "type": "scatter", "symbolSize": 14, "data": [[d, c] for d, c in points]}
            for name, points in series.items()
        ],
    }
