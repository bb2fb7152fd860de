"""经济运行月报: the month's economy from the registry's monthly totals and the cockpit's figures, for the page and
the 公文 (.docx, `exports.report_docx`) alike — one set of numbers read once.

The economy is cumulative (1–N月, as the statistics bureau counts) up to the month, beside the same months a year
earlier, with the month on its own; by park and by industry division; the largest enterprises; the year's trend
month by month; and the cockpit's figures of key projects and investment, and every figure with a target against
the time elapsed (时序进度) at the month's end. Scoped like everything else: a department's report counts its
enterprises and projects only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from parkos.core import charts
from parkos.core.periods import Period
from parkos.core.selectors import parks
from parkos.enterprises import industries, totals

from . import selectors

TOP = 10  # enterprises in the 重点企业 table
PROGRESS_APPS = ("projects.", "investment.")  # the tiles of the 重点项目和招商引资 section
PERSONAL = ("core.",)  # tiles of the reader's own inbox: not a figure of the zone


def may_view(user) -> bool:
    """The zone's officials read the report (of what they may see); an enterprise user has its own cockpit."""
    return bool(user.is_authenticated and not user.is_enterprise_user)


def default_month(today: dt.date) -> tuple[int, int]:
    """The latest month reported (not after this month), else the month before this one."""
    totals.fresh()
    latest = totals.latest_month(today)
    if latest is not None:
        return latest.year, latest.month
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_report(*, user, year: int, month: int, today: dt.date) -> dict[str, Any]:
    """Everything the 月报 says about `month` of `year`, counted at the month's end (today while it runs)."""
    if not may_view(user):
        raise Http404
    cut = min(month_end(year, month), today)
    ytd = totals.economy(user=user, period=Period(year), today=cut)
    alone = totals.economy(user=user, period=Period(year, month=month), today=cut)
    park_names = {p.pk: p.name for p in parks()}
    by_park = totals.table(ytd, "park", park_names)
    divisions = ytd["by_division"].keys() | ytd["by_division_previous"].keys()
    by_division = totals.table(ytd, "division", {k: industries.label(k) for k in divisions if k})
    span = ytd["span"]
    reported = alone["span"] is not None
    trend = totals.monthly(user=user, first=dt.date(year - 1, 1, 1), last=dt.date(year, month, 1))
    top = totals.top(user=user, first=span[0], last=span[1], n=TOP) if span else []
    figures = [
        t
        for t in selectors.tiles(user=user, period=Period(year), today=cut)
        if not t["key"].startswith(PERSONAL)
    ]
    data = {
        "year": year,
        "month": month,
        "cut": cut,
        "today": today,
        "span": span,
        "reported": reported,
        "total": totals.total_row(ytd),
        "above": totals.total_row({"total": ytd["above"], "previous": ytd["above_previous"]}),
        "month_total": totals.total_row(alone),
        "by_park": by_park,
        "by_division": by_division,
        "top": top,
        "trend": trend,
        "progress": [t for t in figures if t["key"].startswith(PROGRESS_APPS)],
        "goals": [t for t in figures if t.get("goal")],
        "figures": figures,
        "zone_wide": user.is_zone_wide,
        "scope": "" if user.is_zone_wide else str(user.department or ""),
    }
    data["charts"] = report_charts(data)
    return data


def report_charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's charts as ECharts options: the page draws them, the .docx renders the same as images."""
    return {
        "trend": trend_chart(data["trend"], data["year"], data["month"]),
        "parks": parks_chart(data["by_park"]),
        "divisions": charts.bar(
            [r["label"] or _("No industry") for r in data["by_division"][:10]],
            {_("Output value to date (10k yuan)"): [r["output_value"] for r in data["by_division"][:10]]},
            horizontal=True,
            unit=_("10k yuan"),
        ),
    }


def trend_chart(trend: dict[dt.date, dict[str, Any]], year: int, month: int) -> dict[str, Any]:
    """Output value month by month against last year's, and the tax on its own axis (`totals.monthly`)."""

    def series(y: int, f: str) -> list[Any]:
        return [trend.get(dt.date(y, m, 1), {}).get(f) for m in range(1, month + 1)]

    this, last = _("Output value, %(y)s") % {"y": year}, _("Output value, %(y)s") % {"y": year - 1}
    tax = _("Tax, %(y)s") % {"y": year}
    return charts.line(
        [_("Month %(m)s") % {"m": m} for m in range(1, month + 1)],
        {
            this: series(year, "output_value"),
            last: series(year - 1, "output_value"),
            tax: series(year, "tax"),
        },
        bars=(this, last),
        unit=_("10k yuan"),
        right=(tax,),
    )


def parks_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each park's output value against the same months a year earlier (`totals.table` by park)."""
    return charts.bar(
        [r["label"] or _("No park") for r in rows],
        {
            _("Output value to date (10k yuan)"): [r["output_value"] for r in rows],
            _("Same months last year"): [r["output_value_previous"] for r in rows],
        },
        unit=_("10k yuan"),
    )


def economy_panels(*, user, period: Period, today: dt.date) -> list[dict[str, Any]]:
    """The big screen's economy panels for a period: the year's trend to the period's last reported month and the
    parks' output (three queries on the monthly totals)."""
    e = totals.economy(user=user, period=period, today=today)
    if e["span"] is None:
        return []
    last = e["span"][1]
    trend = totals.monthly(user=user, first=dt.date(last.year - 1, 1, 1), last=last)
    by_park = totals.table(e, "park", {p.pk: p.name for p in parks()})
    return [
        {
            "key": "economy-trend",
            "title": _("Output value and tax by month"),
            "chart": trend_chart(trend, last.year, last.month),
        },
        {"key": "economy-parks", "title": _("Output value by park"), "chart": parks_chart(by_park)},
    ]
