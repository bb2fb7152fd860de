"""Charts as images for documents (the 月报's .docx): the same ECharts options the pages draw (`core.charts`),
drawn by matplotlib into a PNG, so a page and its document show one chart.

Bar and line series over a category axis (vertical or horizontal bars), a second value axis for the series an
option puts on it, the legend when there are several series, 暂无数据 when there is nothing to draw. Chinese text
uses the first CJK font the machine has (Noto Sans CJK from fonts-noto-cjk; matplotlib falls back glyph by glyph
to DejaVu Sans for the rest).
"""

from __future__ import annotations

import io
import threading
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: draw into memory only

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "SimHei")
PALETTE = ("#206bc4", "#f59f00", "#2fb344", "#d63939", "#ae3ec9", "#17a2b8")
DPI = 150
_lock = threading.Lock()  # matplotlib's font cache is not thread-safe
_families: list[str] | None = None


def _fonts() -> list[str]:
    """The CJK families installed here, then DejaVu Sans (matplotlib's own)."""
    global _families
    if _families is None:
        have = {f.name for f in font_manager.fontManager.ttflist}
        _families = [f for f in CJK_FONTS if f in have] + ["DejaVu Sans"]
    return _families


def _thousands(value: float, _pos: int) -> str:
    """The one number format on the value axes: thousands separators, decimals only where the ticks need them."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _axis_name(axis: Any) -> str:
    if isinstance(axis, list):
        axis = axis[0] if axis else {}
    return str((axis or {}).get("name") or "")


def png(option: dict[str, Any], *, title: str = "", width_mm: float = 150, height_mm: float = 80) -> bytes:
    """The chart of an ECharts `option` (from `core.charts.bar` or `line`) as a PNG of the given size."""
    with _lock:
        fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=DPI)
        fig.set_layout_engine("constrained")
        ax = fig.add_subplot()
        fonts = _fonts()
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            text.set_fontfamily(fonts)
        if title:
            ax.set_title(title, fontsize=11, fontfamily=fonts)
        if option.get("empty"):
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                str(option["title"]["text"]),
                ha="center",
                va="center",
                fontsize=12,
                color="#9aa0ac",
                fontfamily=fonts,
                transform=ax.transAxes,
            )
        else:
            _draw(ax, option, fonts)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()


def _draw(ax, option: dict[str, Any], fonts: list[str]) -> None:
    x_axis, y_axis = option["xAxis"], option["yAxis"]
    horizontal = isinstance(y_axis, dict) and y_axis.get("type") == "category"
    categories = [str(c) for c in (y_axis if horizontal else x_axis)["data"]]
    series = option["series"]
    right = [s for s in series if s.get("yAxisIndex") == 1]
    left = [s for s in series if s.get("yAxisIndex") != 1]
    twin = ax.twinx() if right and not horizontal else None
    bars = [s for s in series if s["type"] == "bar"]
    width = 0.8 / max(len(bars), 1)
    positions = range(len(categories))
    handles = []
    for i, s in enumerate(series):
        target = twin if twin is not None and s in right else ax
        values = [float("nan") if v is None else float(v) for v in s["data"]]
        color = PALETTE[i % len(PALETTE)]
        if s["type"] == "bar":
            k = bars.index(s)
            shifted = [p - 0.4 + width * (k + 0.5) for p in positions]
            draw = target.barh if horizontal else target.bar
            handles.append(draw(shifted, values, width, label=str(s["name"]), color=color))
        else:
            (h,) = target.plot(
                list(positions), values, marker="o", markersize=3, label=str(s["name"]), color=color
            )
            handles.append(h)
    if horizontal:
        ax.set_yticks(list(positions), categories)
        ax.invert_yaxis()  # the first category on top, as ECharts draws it
        ax.set_xlabel(_axis_name(x_axis))
    else:
        ax.set_xticks(list(positions), categories)
        ax.set_ylabel(_axis_name(y_axis))
        if twin is not None and isinstance(y_axis, list) and len(y_axis) > 1:
            twin.set_ylabel(_axis_name(y_axis[1]), fontfamily=fonts)
        if len(categories) > 6 or max((len(c) for c in categories), default=0) > 6:
            for label in ax.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
    for a in (ax, twin):
        if a is None:
            continue
        for label in a.get_xticklabels() + a.get_yticklabels():
            label.set_fontfamily(fonts)
            label.set_fontsize(8)
        a.spines[["top"]].set_visible(False)
        (a.xaxis if horizontal else a.yaxis).set_major_formatter(_thousands)
    ax.grid(axis="x" if horizontal else "y", color="#e6e7e9", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(series) > 1 or left and right:
        ax.legend(handles=handles, prop={"family": fonts, "size": 8}, frameon=False, loc="best")
