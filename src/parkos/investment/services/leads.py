"""Leads: entering (with the duplicate and conflict check), editing, moving through the funnel, signing into
a key project, losing; activities and funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.chains import public as chains
from parkos.core import workflow
from parkos.core.exceptions import Forbidden, Invalid, NotNow
from parkos.core.services import clean_and_save as _save
from parkos.projects import public as projects

from .. import engine
from ..models import (
    LEAD_FIELDS,
    STAGE_ORDER,
    Activity,
    Funds,
    HqLevel,
    Lead,
    LeadConflict,
    LostReason,
    Share,
    Stage,
    State,
    Team,
    is_coordinator,
)
from ..workflows import LEAD_STATE, STAGE
from .common import (
    DuplicateFound,
    _lead_for_change,
    _staff,
    find_matches,
    match_view,
    normaliser,
    user_teams,
)
from .meetings import conflict_open


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
    on = on or timezone.localdate()
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
            on=on or timezone.localdate(),
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
    on = on or timezone.localdate()
    if stage == lead.stage:
        return lead
    if lead.state != State.OPEN:
        raise NotNow(_("The lead is closed (%(state)s).") % {"state": State(lead.state).label})
    if stage in STAGE_ORDER:
        cur, new = STAGE_ORDER.index(lead.stage), STAGE_ORDER.index(stage)
        if new > cur + 1:  # say which stage comes next rather than only that this one cannot
            raise Invalid(
                _("A lead moves one stage at a time: from “%(cur)s” the next stage is “%(next)s”.")
                % {"cur": Stage(lead.stage).label, "next": Stage(STAGE_ORDER[cur + 1]).label}
            )
    if is_contested(lead):
        raise NotNow(_("Two teams claim this investor: the joint meeting decides before the lead moves on."))

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
        raise NotNow(
            _("Log the first contact (call, visit or meeting) before moving to “%(s)s”.") % {"s": label}
        )
    if stage == Stage.VISIT and Activity.Kind.INSPECTION not in kinds:
        raise NotNow(_("Log the investor's inspection of the zone before moving to “%(s)s”.") % {"s": label})
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
    top500_edition: int | None = None,
) -> Lead:
    """Sign a lead in negotiation: the project company (found in the registry by its USCC, or registered now)
    enters the key-project library as signed, and the lead records whether it fills a chain gap."""
    from parkos.enterprises.models import Enterprise
    from parkos.enterprises.services import enterprise_create

    lead = _lead_for_change(user, pk, version)
    if lead.state != State.OPEN or lead.stage != Stage.NEGOTIATION:
        raise NotNow(_("Only a lead in negotiation can be signed."))
    if is_contested(lead):
        raise NotNow(_("Two teams claim this investor: the joint meeting decides before the lead moves on."))
    if signed_on > timezone.localdate():
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
        # the list edition current at signing (三类500强 are counted by it), unless the official names another
        if lead.top500_list:
            lead.top500_edition = top500_edition or engine.top500_edition(lead.top500_list, signed_on)
        lead.last_activity_on = max(lead.last_activity_on, signed_on)

    workflow.transition(STAGE, lead, Stage.SIGNED, user=user, on=signed_on, effects=effects)
    return lead


@transaction.atomic
def lead_lose(*, user, pk: int, reason: str, note: str = "", on: dt.date | None = None) -> Lead:
    lead = _lead_for_change(user, pk)
    on = on or timezone.localdate()

    def effects(t) -> None:
        if reason not in LostReason.values:
            raise Invalid(_("Choose why the lead was lost."), fields={"reason": [_("required")]})
        lead.lost_reason, lead.state_note, lead.closed_on = reason, note[:300], on

    workflow.transition(LEAD_STATE, lead, "lose", user=user, on=on, note=note[:300], effects=effects)
    return lead


@transaction.atomic
def activity_add(*, user, pk: int, on: dt.date, kind: str, summary: str, participants: str = "") -> Activity:
    lead = _lead_for_change(user, pk)
    if on > timezone.localdate():
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
    *,
    user,
    pk: int,
    on: dt.date,
    amount: Decimal,
    amount_usd: Decimal | None = None,
    amount_usd_broad: Decimal | None = None,
    exchange_rate: Decimal | None = None,
    evidence: str = "",
) -> Funds:
    """Funds in place for a signed lead: the total in ¥, of which foreign direct investment (MOFCOM basis, US$)
    converted at the exchange rate stored with the record, and the provincial broad basis kept apart (US$)."""
    lead = _lead_for_change(user, pk)
    if lead.stage not in {Stage.SIGNED, Stage.LANDED}:
        raise Invalid(_("Funds are recorded for signed leads only (a signing is never funds in place)."))
    if lead.signed_on and on < lead.signed_on:
        raise Invalid(_("The date is before the signing."), fields={"on": [_("before signing")]})
    if (amount_usd or amount_usd_broad) and not exchange_rate:
        raise Invalid(
            _("Give the exchange rate used for the foreign amounts."),
            fields={"exchange_rate": [_("required")]},
        )
    if amount_usd and exchange_rate and amount_usd * exchange_rate > amount:
        message = _(
            "The foreign direct investment (%(y)s 10k yuan at this rate) exceeds the funds in place: the same "
            "money cannot be counted twice."
        )
        raise Invalid(
            message % {"y": (amount_usd * exchange_rate).quantize(Decimal("0.01"))},
            fields={"amount_usd": [_("more than the funds in place")]},
        )
    f = Funds(
        lead=lead,
        on=on,
        amount=amount,
        amount_usd=amount_usd,
        amount_usd_broad=amount_usd_broad,
        exchange_rate=exchange_rate,
        evidence=evidence.strip(),
        by=user,
    )
    _save(f, user=user)
    return f
