"""The key projects' cockpit tiles: 开工率 and 投产率 of the period (the rates page's 合计 for all projects the user
sees), beside the same cut a year earlier, each opening the projects behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.numbers import round_half_up
from parkos.core.periods import Period, year_earlier

from . import engine, selectors


def _total(user, period: Period, today: dt.date) -> dict[str, Any]:
    """The rates page's 合计 for the period, once per cockpit whatever the number of tiles reading it."""
    return registries.tile_memo(
        user,
        ("projects.rates", period, today),
        lambda: selectors.rates(user=user, period=period, by="all", today=today)["total"],
    )


def _rate(user, period: Period, metric: str, today: dt.date) -> Any:
    return _total(user, period, today)[metric]


def _figure(metric: str):
    def figure(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
        today = today or timezone.localdate()
        now = _rate(user, period, metric, today)
        cut = period.cut(today)
        before = _rate(user, period.previous_year(), metric, year_earlier(cut))
        return {
            "value": now["rate"],
            "unit": "%",
            "previous": before["rate"],
            "detail": _("%(a)s of %(p)s planned") % {"a": now["achieved"], "p": now["planned"]},
        }

    return figure


def _investment(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """年度投资完成率 of the projects with a year plan, against the time elapsed (时序进度)."""
    today = today or timezone.localdate()
    now = _total(user, period, today)
    before = _total(user, period.previous_year(), year_earlier(period.cut(today)))
    share = round_half_up(engine.elapsed_share(period.year, period.cut(today)) * 100, 1)
    gap = now["pace_gap"]
    return {
        "value": now["investment_rate"],
        "unit": "%",
        "previous": before["investment_rate"],
        "detail": _("time elapsed %(share)s %%, %(gap)s points against it")
        % {"share": share, "gap": "—" if gap is None else f"{gap:+}"},
        "alarm": gap is not None and gap < 0,
    }


def _invested(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """年度完成投资: the key projects' investment completed in the year to the cut (with and without a year plan) —
    the figure the year's fixed-asset investment target (固定资产投资) is read against."""
    today = today or timezone.localdate()
    now = _total(user, period, today)
    before = _total(user, period.previous_year(), year_earlier(period.cut(today)))
    return {
        "value": now["invested"] + now["invested_unplanned"],
        "unit": _("10k yuan"),
        "previous": before["invested"] + before["invested_unplanned"],
        "detail": _("%(u)s 10k yuan of it outside the year plans")
        % {"u": f"{now['invested_unplanned']:,.2f}"},
    }


def _funds(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """资金到位率 of the year: funds in place of the projects with a funds plan ÷ that plan."""
    today = today or timezone.localdate()
    now = _total(user, period, today)
    before = _total(user, period.previous_year(), year_earlier(period.cut(today)))
    return {
        "value": now["funds_rate_year"],
        "unit": "%",
        "previous": before["funds_rate_year"],
        "detail": _("%(f)s of %(p)s 10k yuan planned")
        % {"f": f"{now['funds_year']:,.2f}", "p": f"{now['plan_funds']:,.2f}"},
    }


def _url(metric: str):
    return lambda period: f"{reverse('projects:rates')}?{period.query()}&by=all&metric={metric}"


def _staff(user) -> bool:
    return not user.is_enterprise_user


def _red(user, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """Projects whose approval is red now (the list's own filter, so the tile and the list count the same)."""
    red = selectors.project_list(user=user, filters={"light": engine.RED}).count()
    return {
        "value": red,
        "unit": _("projects"),
        "previous": None,
        "compare": False,
        "detail": _("approvals overdue now"),
        "alarm": red > 0,
    }


def register() -> None:
    registries.tiles.register(
        registries.Tile(
            "projects.red",
            _("Red projects"),
            _red,
            url=lambda period: f"{reverse('projects:list')}?light={engine.RED}",
            visible=_staff,
            order=29,
        )
    )
    for key, label, fn, order in (
        ("investment", _("Annual investment completion"), _investment, 32),
        ("funds", _("Funds in place rate"), _funds, 33),
        ("invested", _("Investment completed this year"), _invested, 34),
    ):
        registries.tiles.register(
            registries.Tile(
                f"projects.{key}",
                label,
                fn,
                url=lambda period: f"{reverse('projects:rates')}?{period.query()}&by=all",
                visible=_staff,
                order=order,
                target=key == "invested",
            )
        )
    for key, label, order in (("start", _("Start rate"), 30), ("production", _("Production rate"), 31)):
        registries.tiles.register(
            registries.Tile(
                f"projects.{key}", label, _figure(key), url=_url(key), visible=_staff, order=order
            )
        )
