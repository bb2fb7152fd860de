"""Claim conflicts and the joint meetings that decide them (the owner team, the credit shares, the merge)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.exceptions import Invalid
from parkos.core.models import audited
from parkos.core.services import check_version
from parkos.core.services import clean_and_save as _save

from ..models import (
    JointMeeting,
    Lead,
    LeadConflict,
    Share,
    State,
)
from ..workflows import CONFLICT, LEAD_STATE, MEETING, STAGE
from .common import _coordinator


# ---- conflicts and joint meetings ------------------------------------------------------------------------
def next_meeting(today: dt.date | None = None) -> JointMeeting | None:
    return (
        JointMeeting.objects.filter(
            status=JointMeeting.Status.PLANNED, held_on__gte=today or timezone.localdate()
        )
        .order_by("held_on", "pk")
        .first()
    )


def conflict_open(*, claim: Lead, other: Lead, score: float, by: str, user) -> LeadConflict:
    """Put two teams' claims to the same investor on the next joint meeting's agenda."""
    c = LeadConflict(
        claim=claim, other=other, score=Decimal(str(round(score, 1))), matched_by=by, meeting=next_meeting()
    )
    audited(c, user)
    c.save()
    return c


@transaction.atomic
def meeting_save(
    *, user, data: dict[str, Any], pk: int | None = None, version: int | None = None
) -> JointMeeting:
    """Plan (or edit) a joint meeting; open conflicts not yet on a planned agenda join the earliest one."""
    _coordinator(user)
    m = JointMeeting.objects.select_for_update().get(pk=pk) if pk else JointMeeting()
    if pk:
        if version is not None:
            check_version(m, version)
        m.version += 1
    for k in ("title", "held_on", "place", "chair", "attendees", "minutes"):
        if k in data:
            setattr(m, k, data[k])
    _save(m, user=user)
    _reschedule()
    return m


def _reschedule() -> None:
    """Every open conflict sits on the earliest planned meeting from today on (or waits for one)."""
    nxt = next_meeting()
    stale = LeadConflict.objects.filter(status=LeadConflict.Status.OPEN).filter(
        Q(meeting__isnull=True)
        | Q(meeting__status=JointMeeting.Status.HELD)
        | Q(meeting__held_on__lt=timezone.localdate())
    )
    if nxt is not None:
        stale.update(meeting=nxt)


@transaction.atomic
def meeting_close(*, user, pk: int, minutes: str = "") -> JointMeeting:
    """Record the meeting as held; conflicts it did not decide move to the next planned meeting."""
    _coordinator(user)
    m = JointMeeting.objects.select_for_update().get(pk=pk)

    def held(t) -> None:
        if minutes.strip():
            m.minutes = minutes.strip()

    workflow.transition(
        MEETING, m, "close", user=user, on=timezone.localdate(), note=minutes.strip()[:300], effects=held
    )
    LeadConflict.objects.filter(meeting=m, status=LeadConflict.Status.OPEN).update(meeting=None)
    _reschedule()
    return m


@transaction.atomic
def conflict_decide(
    *,
    user,
    pk: int,
    owner_team_id: int,
    shares: dict[int, Decimal] | None = None,
    decision: str = "",
    on: dt.date | None = None,
) -> LeadConflict:
    """The joint meeting's decision: the owner team's lead goes on; the other is merged into it; the credit is
    split as decided (percent per team, summing to 100; by default all to the owner)."""
    _coordinator(user)
    c = LeadConflict.objects.select_for_update().select_related("claim", "other").get(pk=pk)
    teams = {c.claim.team_id: c.claim, c.other.team_id: c.other}
    if owner_team_id not in teams:
        raise Invalid(_("The owner must be one of the two teams."), fields={"owner_team": [_("not a party")]})
    shares = {
        int(k): Decimal(str(v))
        for k, v in (shares or {owner_team_id: Decimal(100)}).items()
        if Decimal(str(v)) > 0
    }
    if set(shares) - set(teams):
        raise Invalid(
            _("Credit can only be shared between the two teams."), fields={"shares": [_("not a party")]}
        )
    if sum(shares.values()) != 100 or owner_team_id not in shares:
        raise Invalid(
            _("The shares must add up to 100 % and include the owner team."),
            fields={"shares": [_("must total 100")]},
        )
    on = on or timezone.localdate()
    winner = teams[owner_team_id]
    loser = c.other if winner.pk == c.claim.pk else c.claim
    if loser.state == State.OPEN:

        def merged(t) -> None:
            loser.merged_into, loser.closed_on, loser.state_note = winner, on, (decision or "")[:300]

        workflow.transition(
            LEAD_STATE,
            loser,
            "merge",
            user=user,
            on=on,
            note=_("joint meeting: merged into lead #%(id)s") % {"id": winner.pk},
            effects=merged,
        )
    Share.objects.filter(lead=winner).delete()
    for team_id, pct in shares.items():
        officer = winner.officer_id if team_id == winner.team_id else loser.officer_id
        Share.objects.create(lead=winner, team_id=team_id, officer_id=officer, pct=pct)
    workflow.record(
        STAGE,
        winner,
        "remark",
        user=user,
        on=on,
        note=_("joint meeting decision: owner %(team)s") % {"team": winner.team.name},
    )

    def decided(t) -> None:
        c.owner_team_id, c.decided_on, c.decision = owner_team_id, on, decision.strip()
        c.shares = {str(k): float(v) for k, v in shares.items()}
        if c.meeting is None:
            c.meeting = next_meeting(on)

    workflow.transition(CONFLICT, c, "decide", user=user, on=on, note=decision.strip(), effects=decided)
    return c
