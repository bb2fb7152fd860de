"""What the investment services share: permissions, the lead under change, the duplicate check of names."""

from __future__ import annotations

import functools
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.services import check_version

from .. import engine
from ..models import (
    InvestmentConfig,
    Lead,
    Stage,
    State,
    Team,
    acts_as_office,
    region_names,
)


class DuplicateFound(Invalid):
    """The new lead names an investor already in open leads; `extra["matches"]` lists them as far as the user
    may see them."""

    code = "duplicate"


def _staff(user) -> None:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change investment leads."))


def _coordinator(user) -> None:
    """The joint-meeting office acts (decides, holds meetings); leaders, who see every lead, only read."""
    if not acts_as_office(user):
        raise Forbidden(_("Only the joint-meeting office decides conflicts and holds meetings."))


def _lead_for_change(user, pk: int, version: int | None = None) -> Lead:
    _staff(user)
    lead = get_object_or_404(Lead.objects.restrict(user, "change").select_for_update(), pk=pk)
    if version is not None:
        check_version(lead, version)
    return lead


def user_teams(user) -> list[Team]:
    return list(Team.objects.filter(members=user)) if user.is_authenticated else []


# ---- duplicates ------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _normaliser_for(regions: tuple[str, ...]) -> engine.Normaliser:
    return engine.Normaliser(regions=regions)


def normaliser() -> engine.Normaliser:
    return _normaliser_for(region_names(InvestmentConfig.get()))


def open_leads():
    return Lead.objects.filter(state=State.OPEN).exclude(stage=Stage.LANDED)


def find_matches(
    names: list[str], usccs: list[str], *, exclude: set[int] | None = None
) -> list[list[tuple[int, float, str]]]:
    """For each name, the open leads naming the same investor: (lead id, score, matched by), best first."""
    cfg = InvestmentConfig.get()
    norm = normaliser()
    rows = list(open_leads().exclude(pk__in=exclude or set()).values_list("pk", "name_key", "uscc"))
    pairs = engine.match(
        [norm(n) for n in names],
        [engine.clean_uscc(u) for u in usccs],
        [k for _p, k, _u in rows],
        [u for _p, _k, u in rows],
        cfg.duplicate_threshold,
    )
    out: list[list[tuple[int, float, str]]] = [[] for _ in names]
    for p in pairs:
        out[p.new].append((rows[p.old][0], p.score, p.by))
    return out


def match_view(user, lead: Lead, score: float, by: str) -> dict[str, Any]:
    """What the user may see of a matching lead: everything of their own team's, only who and where of
    another team's (enough to take it to the joint meeting)."""
    own = Lead.objects.restrict(user, "view").filter(pk=lead.pk).exists()
    return {
        "id": lead.pk,
        "investor_name": lead.investor_name,
        "uscc": lead.uscc if own else "",
        "title": lead.title if own else "",
        "team": lead.team.name,
        "team_id": lead.team_id,
        "officer": str(lead.officer) if lead.officer else "",
        "stage": str(Stage(lead.stage).label),
        "entered_on": lead.entered_on.isoformat(),
        "score": score,
        "by": by,
        "own": own,
    }
