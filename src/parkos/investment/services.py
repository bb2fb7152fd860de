"""Every write of investment promotion: leads with their duplicate check, moves through the funnel (the stage
rules live here), signing (which enters the key project), activities, funds in place, loss; conflicts on the
joint meeting's agenda and its decisions; teams, events, settings and scoring schemes."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.chains import public as chains
from parkos.core import workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import audited
from parkos.core.services import check_version
from parkos.core.services import clean_and_save as _save
from parkos.projects import public as projects

from . import engine
from .models import (
    DEFAULT_BANDS,
    DEFAULT_GRADES,
    LEAD_FIELDS,
    STAGE_ORDER,
    Activity,
    Event,
    Funds,
    HqLevel,
    InvestmentConfig,
    JointMeeting,
    Lead,
    LeadConflict,
    LostReason,
    ScoringScheme,
    Share,
    Stage,
    State,
    Team,
    is_coordinator,
    region_names,
)
from .workflows import CONFLICT, LEAD_STATE, MEETING, STAGE


class DuplicateFound(Invalid):
    """The new lead names an investor already in open leads; `extra["matches"]` lists them as far as the user
    may see them."""

    code = "duplicate"


def _today() -> dt.date:
    return timezone.localdate()


def _staff(user) -> None:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change investment leads."))


def _coordinator(user) -> None:
    if not is_coordinator(user) or not user.may("view"):
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


# ---- leads ---------------------------------------------------------------------------------------------
def _team_allowed(user, team_id: int | None) -> None:
    if team_id is None:
        raise Invalid(_("Choose the team."), fields={"team": [_("required")]})
    if not is_coordinator(user) and not Team.objects.filter(pk=team_id, members=user).exists():
        raise Forbidden(_("You may only enter leads for your own team."))


@transaction.atomic
def lead_create(*, user, data: dict[str, Any], decision: str = "", on: dt.date | None = None) -> Lead:
    """Enter a lead after comparing it with every open lead. With matches and no `decision` it raises
    `DuplicateFound`; `decision="separate"` records that they are different investors (never for an equal USCC),
    `decision="conflict"` enters it and puts each match of another team before the joint meeting."""
    _staff(user)
    on = on or _today()
    data = {
        k: v
        for k, v in data.items()
        if k in LEAD_FIELDS or k in {"team_id", "officer_id", "node_id", "target", "enterprise"}
    }
    lead = Lead(**data, entered_on=on, last_activity_on=on, created_by=user)
    lead.uscc = engine.clean_uscc(lead.uscc)
    if lead.officer_id is None and not is_coordinator(user):
        lead.officer = user
    _team_allowed(user, lead.team_id)
    lead.name_key = normaliser()(lead.investor_name)
    try:
        lead.full_clean()
    except ValidationError as exc:
        raise Invalid(_("Please correct the errors below."), fields=exc.message_dict) from None
    found, others = _check_matches(user, lead, decision)
    _save(lead, user=user)
    note = ""
    if found and decision == "separate":
        note = _("entered as a different investor from lead(s) %(ids)s") % {
            "ids": ", ".join(f"#{p}" for p, _s, _b in found)
        }
    workflow.record(STAGE, lead, "enter", user=user, on=on, note=note, frm="")
    Share.objects.create(lead=lead, team_id=lead.team_id, officer_id=lead.officer_id, pct=Decimal(100))
    if decision == "conflict":
        for other, score, by in others:
            conflict_open(claim=lead, other=other, score=score, by=by, user=user)
    return lead


def _check_matches(user, lead: Lead, decision: str) -> tuple[list, list[tuple[Lead, float, str]]]:
    """The open leads naming the same investor as `lead` (itself and leads already in conflict with it left
    out), and those of them another team follows. Without a decision, matches stop the write (`DuplicateFound`);
    "separate" is refused for an equal USCC; "conflict" needs another team's lead."""
    exclude = {lead.pk} if lead.pk else set()
    if lead.pk:
        exclude |= set(LeadConflict.objects.filter(claim=lead).values_list("other_id", flat=True))
        exclude |= set(LeadConflict.objects.filter(other=lead).values_list("claim_id", flat=True))
    found = find_matches([lead.investor_name], [lead.uscc], exclude=exclude)[0]
    others: list[tuple[Lead, float, str]] = []
    if found:
        by_pk = Lead.objects.select_related("team", "officer").in_bulk([m[0] for m in found])
        matches = [(by_pk[p], s, b) for p, s, b in found]
        if decision not in {"separate", "conflict"}:
            raise DuplicateFound(
                _("This investor may already be in the open leads; compare them and decide."),
                extra={"matches": [match_view(user, m, s, b) for m, s, b in matches]},
            )
        same_uscc = [m for m, _s, b in matches if b == "uscc"]
        if decision == "separate" and same_uscc:
            raise Invalid(
                _("A lead with the same USCC is the same investor; it cannot be entered as a different one.")
            )
        others = [(m, s, b) for m, s, b in matches if m.team_id != lead.team_id]
        if decision == "conflict" and not others:
            raise Invalid(
                _("Only another team's lead makes a conflict; your team already follows this investor.")
            )
    return found, others


def leads_from_targets(*, user, target_ids: list[int], team_id: int | None = None) -> tuple[int, list[str]]:
    """Each chosen target of a chain gap becomes a lead of the user's team (or the given one), each on its own
    (a target whose investor is already in open leads is reported, not entered); returns (entered, held back)."""
    team_id = team_id or next((t.pk for t in user_teams(user)), None)
    made, held = 0, []
    for t in chains.targets_open(target_ids):
        data = {
            "investor_name": t.name,
            "uscc": t.uscc,
            "title": _("%(node)s project") % {"node": t.node.name},
            "node": t.node,
            "team_id": team_id,
            "target": t,
            "top500_list": t.top500_list,
            "foreign_country": t.region if t.is_foreign else "",
            "hq_level": HqLevel.REGIONAL if t.is_headquarters else "",
        }
        try:
            lead_create(user=user, data=data)
            made += 1
        except DuplicateFound as exc:
            held.append(
                _("%(name)s: already in open leads (%(who)s)")
                % {"name": t.name, "who": "、".join(f"{m['team']} #{m['id']}" for m in exc.extra["matches"])}
            )
        except Invalid as exc:
            held.append(f"{t.name}: {exc.message}")
    return made, held


@transaction.atomic
def lead_update(
    *, user, pk: int, version: int | None, data: dict[str, Any], decision: str = "", on: dt.date | None = None
) -> Lead:
    """Edit a lead. A new investor name or USCC is compared with the open leads again, as at entry: matches stop
    the edit until the user decides (a different investor, or a conflict for the joint meeting)."""
    lead = _lead_for_change(user, pk, version)
    before = (lead.investor_name, lead.uscc)
    for k in set(LEAD_FIELDS) & data.keys():
        setattr(lead, k, data[k])
    if "team" in data or "team_id" in data:
        _team_allowed(user, lead.team_id)
    lead.uscc = engine.clean_uscc(lead.uscc)
    lead.name_key = normaliser()(lead.investor_name)
    found: list = []
    others: list[tuple[Lead, float, str]] = []
    if (lead.investor_name, lead.uscc) != before and lead.state == State.OPEN:
        found, others = _check_matches(user, lead, decision)
    lead.version += 1
    _save(lead, user=user)
    Share.objects.filter(lead=lead, team_id=lead.team_id).update(officer_id=lead.officer_id)
    if found and decision == "separate":
        workflow.record(
            STAGE,
            lead,
            "remark",
            user=user,
            on=on or _today(),
            note=_("renamed; a different investor from lead(s) %(ids)s")
            % {"ids": ", ".join(f"#{p}" for p, _s, _b in found)},
        )
    if decision == "conflict":
        for other, score, by in others:
            conflict_open(claim=lead, other=other, score=score, by=by, user=user)
    return lead


def is_contested(lead: Lead) -> bool:
    return LeadConflict.objects.filter(
        Q(claim=lead) | Q(other=lead), status=LeadConflict.Status.OPEN
    ).exists()


@transaction.atomic
def lead_move(
    *, user, pk: int, stage: str, note: str = "", on: dt.date | None = None, version: int | None = None
) -> Lead:
    """Move a lead along the funnel: forward one stage at a time once its evidence is logged, back to any
    earlier stage with a reason; signing has its own form (`lead_sign`)."""
    lead = _lead_for_change(user, pk, version)
    on = on or _today()
    if stage == lead.stage:
        return lead
    if lead.state != State.OPEN:
        raise Invalid(_("The lead is closed (%(state)s).") % {"state": State(lead.state).label})
    if stage in STAGE_ORDER:
        cur, new = STAGE_ORDER.index(lead.stage), STAGE_ORDER.index(stage)
        if new > cur + 1:  # say which stage comes next rather than only that this one cannot
            raise Invalid(
                _("A lead moves one stage at a time: from “%(cur)s” the next stage is “%(next)s”.")
                % {"cur": Stage(lead.stage).label, "next": Stage(STAGE_ORDER[cur + 1]).label}
            )
    if is_contested(lead):
        raise Invalid(_("Two teams claim this investor: the joint meeting decides before the lead moves on."))

    def effects(t) -> None:
        if STAGE_ORDER.index(stage) < STAGE_ORDER.index(lead.stage):
            if not note.strip():
                raise Invalid(
                    _("Give the reason for moving the lead back."), fields={"note": [_("required")]}
                )
        else:
            _evidence_for(lead, stage, on)
        lead.last_activity_on = max(lead.last_activity_on, on)

    workflow.transition(STAGE, lead, stage, user=user, on=on, note=note[:300], effects=effects)
    return lead


def _evidence_for(lead: Lead, stage: str, on: dt.date) -> None:
    """What a lead must show before it moves forward to `stage`."""
    label = str(Stage(stage).label)
    kinds = set(lead.activities.values_list("kind", flat=True))
    if stage == Stage.CONTACT and not kinds:
        raise Invalid(
            _("Log the first contact (call, visit or meeting) before moving to “%(s)s”.") % {"s": label}
        )
    if stage == Stage.VISIT and Activity.Kind.INSPECTION not in kinds:
        raise Invalid(_("Log the investor's inspection of the zone before moving to “%(s)s”.") % {"s": label})
    if stage == Stage.NEGOTIATION and not (lead.amount or lead.amount_usd):
        raise Invalid(
            _("Enter the planned investment before negotiating."), fields={"amount": [_("required")]}
        )
    if stage == Stage.SIGNED:
        raise Invalid(_("Signing enters the key project: use the signing form."), code="needs_signing")
    if stage == Stage.LANDED:
        if lead.project_id is None or not lead.funds.exists():
            raise Invalid(
                _(
                    "A lead lands when its project is registered and funds are in place; record the funds first."
                )
            )
        lead.landed_on = on


@transaction.atomic
def lead_sign(
    *,
    user,
    pk: int,
    signed_on: dt.date,
    amount: Decimal,
    uscc: str,
    company_name: str = "",
    project: dict[str, Any] | None = None,
    version: int | None = None,
) -> Lead:
    """Sign a lead in negotiation: the project company (found in the registry by its USCC, or registered now)
    enters the key-project library as signed, and the lead records whether it fills a chain gap."""
    from parkos.enterprises.models import Enterprise
    from parkos.enterprises.services import enterprise_create

    lead = _lead_for_change(user, pk, version)
    if lead.state != State.OPEN or lead.stage != Stage.NEGOTIATION:
        raise Invalid(_("Only a lead in negotiation can be signed."))
    if is_contested(lead):
        raise Invalid(_("Two teams claim this investor: the joint meeting decides before the lead moves on."))
    if signed_on > _today():
        raise Invalid(_("The signing date is in the future."), fields={"signed_on": [_("in the future")]})
    if not amount or amount <= 0:
        raise Invalid(_("Enter the contracted investment."), fields={"amount": [_("required")]})
    uscc = engine.clean_uscc(uscc)
    company = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
    if company is None:
        if not uscc:
            raise Invalid(
                _("Enter the project company's USCC (the registry links the project to it)."),
                fields={"uscc": [_("required")]},
            )
        company = enterprise_create(
            user=user,
            data={
                "uscc": uscc,
                "name": company_name.strip() or lead.investor_name,
                "owner": lead.team.department,
                "top500_kind": lead.top500_list,
                "is_foreign_funded": bool(lead.foreign_country),
                "is_headquarters": bool(lead.hq_level),
            },
        )
    p = dict(project or {})
    data = {
        "name": p.get("name") or lead.title,
        "investor": company,
        "category": p.get("category") or projects.Category.INDUSTRY,
        "level": p.get("level") or projects.Level.DISTRICT,
        "top500_list": lead.top500_list,
        "total_investment": amount,
        "contracted_investment": amount,
        "park": p.get("park"),
        "lead_department": lead.team.department,
        "registered_on": signed_on,
        "description": lead.description,
    }
    created = projects.project_create(user=user, data=data)
    projects.project_transition(user=user, pk=created.pk, target="signed", on=signed_on)

    def effects(t) -> None:
        lead.enterprise = company
        lead.uscc = lead.uscc or uscc
        lead.fills_gap = lead.node_id is not None and lead.node_id in chains.gap_node_ids()
        lead.signed_on, lead.signed_amount, lead.project = signed_on, amount, created
        lead.last_activity_on = max(lead.last_activity_on, signed_on)

    workflow.transition(STAGE, lead, Stage.SIGNED, user=user, on=signed_on, effects=effects)
    return lead


@transaction.atomic
def lead_lose(*, user, pk: int, reason: str, note: str = "", on: dt.date | None = None) -> Lead:
    lead = _lead_for_change(user, pk)
    on = on or _today()

    def effects(t) -> None:
        if reason not in LostReason.values:
            raise Invalid(_("Choose why the lead was lost."), fields={"reason": [_("required")]})
        lead.lost_reason, lead.state_note, lead.closed_on = reason, note[:300], on

    workflow.transition(LEAD_STATE, lead, "lose", user=user, on=on, note=note[:300], effects=effects)
    return lead


@transaction.atomic
def activity_add(*, user, pk: int, on: dt.date, kind: str, summary: str, participants: str = "") -> Activity:
    lead = _lead_for_change(user, pk)
    if on > _today():
        raise Invalid(_("The date is in the future."), fields={"on": [_("in the future")]})
    if not summary.strip():
        raise Invalid(_("Write what happened."), fields={"summary": [_("required")]})
    a = Activity(
        lead=lead, on=on, kind=kind, summary=summary.strip(), participants=participants.strip(), by=user
    )
    _save(a, user=user)
    if on > lead.last_activity_on:
        Lead.objects.filter(pk=lead.pk).update(last_activity_on=on)
    return a


@transaction.atomic
def funds_add(
    *, user, pk: int, on: dt.date, amount: Decimal, amount_usd: Decimal | None = None, evidence: str = ""
) -> Funds:
    lead = _lead_for_change(user, pk)
    if lead.stage not in {Stage.SIGNED, Stage.LANDED}:
        raise Invalid(_("Funds are recorded for signed leads only (a signing is never funds in place)."))
    if lead.signed_on and on < lead.signed_on:
        raise Invalid(_("The date is before the signing."), fields={"on": [_("before signing")]})
    f = Funds(lead=lead, on=on, amount=amount, amount_usd=amount_usd, evidence=evidence.strip(), by=user)
    _save(f, user=user)
    return f


# ---- conflicts and joint meetings ------------------------------------------------------------------------
def next_meeting(today: dt.date | None = None) -> JointMeeting | None:
    return (
        JointMeeting.objects.filter(status=JointMeeting.Status.PLANNED, held_on__gte=today or _today())
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
        | Q(meeting__held_on__lt=_today())
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

    workflow.transition(MEETING, m, "close", user=user, on=_today(), note=minutes.strip()[:300], effects=held)
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
    on = on or _today()
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


# ---- teams, events, settings, schemes ----------------------------------------------------------------------
@transaction.atomic
def team_save(*, user, data: dict[str, Any], members: list[int] | None = None, pk: int | None = None) -> Team:
    if not user.may("configure"):
        raise Forbidden(_("You may not change the settings."))
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
    if not user.may("configure"):
        raise Forbidden(_("You may not change the settings."))
    scheme = ScoringScheme.objects.filter(year=year).first() or default_scheme(year)
    for k in (
        "bands",
        "per_10k_funds",
        "top500",
        "foreign",
        "headquarters",
        "gap_filled",
        "neglect",
        "grades",
    ):
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
