"""Teams, promotion events, the settings section and the yearly scoring scheme."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.services import clean_and_save as _save

from ..models import (
    DEFAULT_BANDS,
    DEFAULT_GRADES,
    SCHEME_FIELDS,
    Event,
    InvestmentConfig,
    ScoringScheme,
    Team,
)
from .common import _staff


# ---- teams, events, settings, schemes ----------------------------------------------------------------------
@transaction.atomic
def team_save(*, user, data: dict[str, Any], members: list[int] | None = None, pk: int | None = None) -> Team:
    if not InvestmentConfig.may_change(user):
        raise Forbidden(_("You may not change the investment teams."))
    team = Team.objects.get(pk=pk) if pk else Team()
    for k in ("name", "code", "department", "leader"):
        if k in data:
            setattr(team, k, data[k])
    _save(team, user=user)
    if members is not None:
        team.members.set(members)
    return team


@transaction.atomic
def event_save(*, user, data: dict[str, Any], pk: int | None = None) -> Event:
    _staff(user)
    ev = Event.objects.get(pk=pk) if pk else Event()
    for k in ("name", "kind", "start_on", "place", "attendees", "notes"):
        if k in data:
            setattr(ev, k, data[k])
    if pk:
        ev.version += 1
    _save(ev, user=user)
    return ev


def config_update(*, user, data: dict[str, Any]):
    if "duplicate_threshold" in data and not 50 <= int(data["duplicate_threshold"] or 0) <= 100:
        raise Invalid(
            _("The threshold is between 50 and 100."), fields={"duplicate_threshold": [_("out of range")]}
        )
    return InvestmentConfig.save_values(user=user, data=data)


def default_scheme(year: int) -> ScoringScheme:
    return ScoringScheme(
        year=year,
        bands=DEFAULT_BANDS,
        per_10k_funds=Decimal("0.001"),
        top500=Decimal(10),
        foreign=Decimal(5),
        headquarters=Decimal(5),
        gap_filled=Decimal(5),
        neglect=Decimal(3),
        grades=DEFAULT_GRADES,
    )


@transaction.atomic
def scheme_save(*, user, year: int, data: dict[str, Any]) -> ScoringScheme:
    if not InvestmentConfig.may_change(user):
        raise Forbidden(_("You may not change the investment scoring scheme."))
    scheme = ScoringScheme.objects.filter(year=year).first() or default_scheme(year)
    for k in SCHEME_FIELDS:
        if k in data:
            setattr(scheme, k, data[k])
    try:
        bands = [(float(lo), float(pts)) for lo, pts in scheme.bands]
        grades = [(str(g), None if m is None else float(m)) for g, m in scheme.grades]
    except (TypeError, ValueError):
        raise Invalid(
            _("Bands are pairs of (lower bound, points); grades pairs of (grade, minimum points)."),
            fields={"bands": [_("invalid")]},
        ) from None
    scheme.bands, scheme.grades = [list(b) for b in sorted(bands)], [list(g) for g in grades]
    if scheme.pk:
        scheme.version += 1
    _save(scheme, user=user)
    return scheme
