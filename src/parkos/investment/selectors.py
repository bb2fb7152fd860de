"""Reads of investment promotion, scoped to the user: lead list and board, lead page, conflict queue, joint
meetings, neglected leads, funnel counts and the scores of teams and officers for a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.core.models import User
from parkos.core.numbers import percent
from parkos.core.selectors import history_entries
from parkos.enterprises.models import Enterprise
from parkos.projects import public as projects_public

from . import engine
from .filters import LeadFilters
from .models import (
    STAGE_ORDER,
    Event,
    Funds,
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
)


def lead_list(*, user, filters=None):
    """The leads the user may see, filtered and sorted by `filters` (a query dict; `filters.LeadFilters`: the open
    leads unless `state` says otherwise)."""
    qs = Lead.objects.restrict(user, "view").select_related("team", "officer", "node", "node__chain")
    return LeadFilters(filters, queryset=qs).qs


def neglected_q(today: dt.date | None = None) -> Q:
    days = InvestmentConfig.get().neglect_days
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    return Q(
        state=State.OPEN,
        stage__in=[Stage.CLUE, Stage.CONTACT, Stage.VISIT, Stage.NEGOTIATION],
        last_activity_on__lt=cutoff,
    )


def lead_get(*, user, pk: int, action: str = "view") -> Lead:
    try:
        return (
            Lead.objects.restrict(user, action)
            .select_related(
                "team",
                "officer",
                "node",
                "node__chain",
                "referrer",
                "event",
                "project",
                "enterprise",
                "target",
                "merged_into",
            )
            .get(pk=pk)
        )
    except Lead.DoesNotExist:
        raise Http404 from None


def lead_detail(*, user, pk: int) -> dict[str, Any]:
    lead = lead_get(user=user, pk=pk)
    conflicts = LeadConflict.objects.filter(Q(claim=lead) | Q(other=lead)).select_related(
        "claim__team", "other__team", "meeting", "owner_team"
    )
    return {
        "lead": lead,
        "activities": lead.activities.select_related("by"),
        "changes": lead.stage_changes.select_related("by"),
        "funds": lead.funds.all(),
        "funds_total": lead.funds.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "shares": lead.shares.select_related("team", "officer"),
        "conflicts": conflicts,
        "can_change": Lead.objects.restrict(user, "change").filter(pk=pk).exists(),
        # the key project is linked only for those who may open it (another department's project is not theirs)
        "project_visible": projects_public.may_view_project(user=user, pk=lead.project_id),
        "history": history_entries([(str(_("Lead")), lead.history.all())]),
    }


def board(*, user, filters=None, per_stage: int = 30) -> list[dict[str, Any]]:
    """The funnel board: per stage its count and amount and its first cards (a bounded number of queries)."""
    query = {
        **(filters.dict() if hasattr(filters, "dict") else dict(filters or {})),
        "stage": "",
        "state": State.OPEN,
    }
    qs = lead_list(user=user, filters=query)
    totals = {
        r["stage"]: r for r in qs.order_by().values("stage").annotate(n=Count("pk"), amount=Sum("amount"))
    }
    contested = set(
        LeadConflict.objects.filter(status=LeadConflict.Status.OPEN).values_list("claim_id", flat=True)
    ) | set(LeadConflict.objects.filter(status=LeadConflict.Status.OPEN).values_list("other_id", flat=True))
    out = []
    for s in Stage:
        cards = list(qs.filter(stage=s.value).order_by("next_step_on", "-last_activity_on", "pk")[:per_stage])
        for c in cards:
            c.contested = c.pk in contested
        t = totals.get(s.value, {})
        out.append(
            {
                "stage": s.value,
                "label": s.label,
                "n": t.get("n", 0),
                "amount": t.get("amount") or 0,
                "cards": cards,
            }
        )
    return out


def funnel_counts(*, user, year: int) -> list[dict[str, Any]]:
    """How many of the year's leads reached each stage (from the stage log), for the funnel chart."""
    from .models import StageChange

    leads = Lead.objects.restrict(user, "view").filter(entered_on__year=year).values("pk")
    reached = dict(
        StageChange.objects.filter(lead_id__in=leads, to_state__in=STAGE_ORDER)
        .values("to_state")
        .annotate(n=Count("lead_id", distinct=True))
        .values_list("to_state", "n")
    )
    counts = []
    for i, _s in enumerate(STAGE_ORDER):  # a lead that reached a later stage passed the earlier ones
        counts.append(max([reached.get(x, 0) for x in STAGE_ORDER[i:]] + [0]))
    return [{"stage": s, "label": Stage(s).label, "n": n} for s, n in zip(STAGE_ORDER, counts, strict=True)]


def event_list(*, user):
    """Promotion events with the number of leads each produced (administration staff only)."""
    if user.is_enterprise_user or not user.may("view"):
        return Event.objects.none()
    return Event.objects.annotate(n=Count("leads")).order_by("-start_on", "pk")


def conflict_get(*, user, pk: int) -> LeadConflict:
    """A conflict one of the user's teams is party to, or any for the joint-meeting office (404 otherwise)."""
    return get_object_or_404(LeadConflict.objects.restrict(user, "view"), pk=pk)


def conflict_queue(*, user, status: str = LeadConflict.Status.OPEN):
    qs = LeadConflict.objects.restrict(user, "view").select_related(
        "claim__team", "claim__officer", "other__team", "other__officer", "meeting", "owner_team"
    )
    return qs.filter(status=status) if status in LeadConflict.Status.values else qs


def meetings(*, user):
    from .models import is_coordinator

    if not is_coordinator(user) and not Team.objects.filter(members=user).exists():
        return JointMeeting.objects.none()
    return JointMeeting.objects.annotate(n=Count("conflicts")).order_by("-held_on", "-pk")


def meeting_get(*, user, pk: int) -> JointMeeting:
    try:
        return meetings(user=user).get(pk=pk)
    except JointMeeting.DoesNotExist:
        raise Http404 from None


# ---- scores ------------------------------------------------------------------------------------------------
def scheme_for(year: int) -> ScoringScheme:
    from .services import default_scheme

    return ScoringScheme.objects.filter(year=year).first() or default_scheme(year)


def engine_scheme(s: ScoringScheme) -> engine.Scheme:
    grades = tuple((str(g), float("-inf") if m is None else float(m)) for g, m in s.grades)
    return engine.Scheme(
        bands=tuple((float(lo), float(p)) for lo, p in s.bands),
        per_10k_funds=float(s.per_10k_funds),
        top500=float(s.top500),
        foreign=float(s.foreign),
        headquarters=float(s.headquarters),
        gap_filled=float(s.gap_filled),
        neglect=float(s.neglect),
        grades=grades or engine.Scheme.grades,
    )


@dataclass
class Scores:
    year: int
    by: str
    holders: list[Any]  # teams or users
    months: np.ndarray  # holders × 12 points
    scheme: engine.Scheme
    own_only: bool = False  # True when the user may see only their own team's (or their own) points

    @property
    def totals(self) -> np.ndarray:
        return self.months.sum(axis=1)

    def ranking(self, month: int | None = None) -> list[dict[str, Any]]:
        pts = self.months[:, month - 1] if month else self.totals
        order = np.lexsort((np.arange(len(self.holders)), -pts))
        out = []
        for rank, i in enumerate(order, start=1):
            out.append(
                {
                    "rank": rank,
                    "holder": self.holders[i],
                    "points": round(float(pts[i]), 2),
                    "months": [round(float(x), 2) for x in self.months[i]],
                    "grade": self.scheme.grade(float(self.totals[i])) if month is None else "",
                }
            )
        return out


def scores(*, user, year: int, by: str = "team") -> Scores:
    """Points of the year per team (or officer) and month: signed projects by amount band plus bonuses, funds in
    place, deductions for leads lost by neglect; each lead's points split by its credit shares.

    The ranking of the whole zone is for the coordinators (leaders and the joint-meeting office); anyone else
    gets only the teams they belong to (or, by officer, themselves), with their true points — never other
    teams at zero or at the part of their points the user's leads happen to show."""
    from .models import is_coordinator

    scheme = engine_scheme(scheme_for(year))
    own_only = not is_coordinator(user)
    visible = Lead.objects.all()
    signed = list(
        visible.filter(signed_on__year=year)
        .exclude(state=State.MERGED)
        .values_list(
            "pk", "signed_on", "signed_amount", "top500_list", "foreign_country", "hq_level", "fills_gap"
        )
    )
    funds = list(
        Funds.objects.filter(lead__in=visible.values("pk"), on__year=year).values_list(
            "lead_id", "on", "amount"
        )
    )
    lost = list(
        visible.filter(state=State.LOST, lost_reason=LostReason.NEGLECT, closed_on__year=year).values_list(
            "pk", "closed_on"
        )
    )
    n = len(signed) + len(funds) + len(lost)
    ev = engine.Events(
        lead=np.array([r[0] for r in signed] + [r[0] for r in funds] + [r[0] for r in lost], dtype=np.int64),
        kind=np.array(["signed"] * len(signed) + ["funds"] * len(funds) + ["lost"] * len(lost), dtype=object),
        month=np.array(
            [r[1].month for r in signed] + [r[1].month for r in funds] + [r[1].month for r in lost],
            dtype=np.int64,
        ),
        amount=np.array(
            [float(r[2] or 0) for r in signed] + [float(r[2]) for r in funds] + [0.0] * len(lost)
        ),
        top500=np.array([bool(r[3]) for r in signed] + [False] * (len(funds) + len(lost)), dtype=bool),
        foreign=np.array([bool(r[4]) for r in signed] + [False] * (len(funds) + len(lost)), dtype=bool),
        headquarters=np.array([bool(r[5]) for r in signed] + [False] * (len(funds) + len(lost)), dtype=bool),
        gap=np.array([bool(r[6]) for r in signed] + [False] * (len(funds) + len(lost)), dtype=bool),
    )
    points = engine.event_points(scheme, ev) if n else np.zeros(0)
    shares = list(
        Share.objects.filter(lead_id__in=set(ev.lead.tolist())).values_list(
            "lead_id", "team_id", "officer_id", "pct"
        )
    )
    if by == "officer":
        ids = [user.pk] if own_only else sorted({o for _l, _t, o, _p in shares if o})
        holders: list[Any] = list(User.objects.filter(pk__in=ids).order_by("pk"))
        ids = [h.pk for h in holders]
        key = 2
    else:
        team_qs = Team.objects.filter(members=user) if own_only else Team.objects.all()
        holders = list(team_qs.order_by("code"))
        ids = [h.pk for h in holders]
        key = 1
    pos = {h: i for i, h in enumerate(ids)}
    rows = [s for s in shares if s[key] in pos]
    matrix = engine.credit(
        points,
        ev.lead,
        ev.month,
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([pos[r[key]] for r in rows], dtype=np.int64),
        np.array([float(r[3]) for r in rows]),
        len(holders),
    )
    return Scores(year=year, by=by, holders=holders, months=matrix, scheme=scheme, own_only=own_only)


def summary(*, user, year: int) -> dict[str, Any]:
    qs = Lead.objects.restrict(user, "view")
    open_qs = qs.filter(state=State.OPEN).exclude(stage=Stage.LANDED)
    return {
        "open": open_qs.count(),
        "signed": qs.filter(signed_on__year=year).exclude(state=State.MERGED).count(),
        "signed_amount": qs.filter(signed_on__year=year)
        .exclude(state=State.MERGED)
        .aggregate(s=Sum("signed_amount"))["s"]
        or 0,
        "funds": Funds.objects.filter(lead__in=qs.values("pk"), on__year=year).aggregate(s=Sum("amount"))["s"]
        or 0,
        "conflicts": conflict_queue(user=user).count(),
        "neglected": open_qs.filter(neglected_q()).count(),
    }


def team_list() -> list[Team]:
    """The investment teams (names are not confidential: any staff member may pick a team)."""
    return list(Team.objects.order_by("code"))


def teams():
    """The investment teams (小分队), for choices and the settings page."""
    return Team.objects.all()


def leads_by_id(ids) -> dict:
    return Lead.objects.select_related("team", "officer").in_bulk(set(ids))


def enterprise_leads(*, user, enterprise_id: int) -> list[Lead]:
    """The leads the user may see that concern an enterprise of the zone (its own expansion, or referred by it)."""
    return list(
        Lead.objects.restrict(user, "view")
        .filter(Q(enterprise_id=enterprise_id) | Q(referrer_id=enterprise_id))
        .select_related("team")
        .order_by("-entered_on", "-pk")
    )


# ---- investment figures (specs/metrics.md §5) ------------------------------------------------------------------
FIGURE_GROUPS = {"team": "team__name", "officer": "officer__display_name"}


def _money(x) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


def figure_period(year: int, quarter: int | None = None, month: int | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, one of its quarters or one of its months."""
    if month:
        first = dt.date(year, month, 1)
        return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if quarter:
        first = dt.date(year, 3 * quarter - 2, 1)
        last = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return first, last - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def figures(
    *,
    user,
    year: int,
    by: str = "team",
    today: dt.date | None = None,
    quarter: int | None = None,
    month: int | None = None,
) -> dict[str, Any]:
    """A year's (quarter's, month's) investment figures (to the as-of date while it runs) by team or officer, and in all (合计):
    projects signed and their amount, the 亿元以上 share, 三类500强 by firms and by projects (each list apart, the
    edition at signing kept on the lead), funds in place split into foreign direct investment (US$ and ¥ at each
    record's own rate) and domestic funds, foreign capital on the provincial broad basis (US$, never added to the
    other), and the projects with domestic funds in place. Two queries."""
    today = today or timezone.localdate()
    start, end = figure_period(year, quarter, month)
    cut = min(end, today)
    group = FIGURE_GROUPS.get(by, FIGURE_GROUPS["team"])
    leads = Lead.objects.restrict(user, "view").exclude(state=State.MERGED)
    signed = list(
        leads.filter(signed_on__gte=start, signed_on__lte=cut).values_list(
            group, "signed_amount", "top500_list", "uscc", "name_key"
        )
    )
    funds = list(
        Funds.objects.filter(lead__in=leads.values("pk"), on__gte=start, on__lte=cut).values_list(
            f"lead__{group}", "lead_id", "amount", "amount_usd", "amount_usd_broad", "exchange_rate"
        )
    )
    s_group = np.array([g or _("(none)") for g, *_r in signed], dtype=object)
    s_amount = np.array([float(r[1] or 0) for r in signed])
    s_list = np.array([r[2] or "" for r in signed], dtype=object)
    s_firm = np.array([r[3] or r[4] for r in signed], dtype=object)  # one firm: its USCC, else its name key
    f_group = np.array([g or _("(none)") for g, *_r in funds], dtype=object)
    f_lead = np.array([r[1] for r in funds], dtype=np.int64)
    f_amount = np.array([float(r[2]) for r in funds])
    f_usd = np.array([float(r[3]) if r[3] is not None else np.nan for r in funds])
    f_broad = np.array([float(r[4]) if r[4] is not None else 0.0 for r in funds])
    f_rate = np.array([float(r[5]) if r[5] is not None else np.nan for r in funds])
    f_foreign, f_domestic = engine.split_funds(f_amount, f_usd, f_rate)

    def row(label: str, s_mask: np.ndarray, f_mask: np.ndarray) -> dict[str, Any]:
        n_signed = int(s_mask.sum())
        big = int((s_mask & (s_amount >= engine.BIG_PROJECT)).sum())
        top = s_mask & (s_list != "")
        lists = {
            k: {
                "firms": len(set(s_firm[top & (s_list == k)].tolist())),
                "projects": int((top & (s_list == k)).sum()),
            }
            for k in engine.TOP500_PUBLISHED
        }
        return {
            "label": label,
            "signed": n_signed,
            "signed_amount": _money(s_amount[s_mask].sum()),
            "big": big,
            "big_share": percent(big, n_signed),
            "top500_firms": len(set(s_firm[top].tolist())),
            "top500_projects": int(top.sum()),
            "top500_lists": lists,
            "funds": _money(f_amount[f_mask].sum()),
            "fdi_usd": _money(np.nan_to_num(f_usd[f_mask]).sum()),
            "fdi_yuan": _money(f_foreign[f_mask].sum()),
            "domestic": _money(f_domestic[f_mask].sum()),
            "broad_usd": _money(f_broad[f_mask].sum()),
            "domestic_projects": len(set(f_lead[f_mask & (f_domestic > 0.005)].tolist())),
        }

    groups = sorted(set(s_group.tolist()) | set(f_group.tolist()), key=str)
    rows = [row(g, s_group == g, f_group == g) for g in groups]
    total = row(pgettext("sum", "Total"), np.ones(len(signed), dtype=bool), np.ones(len(funds), dtype=bool))
    return {
        "year": year,
        "quarter": quarter,
        "month": month,
        "start": start,
        "as_of": cut,
        "running": cut < end,
        "by": by,
        "rows": rows,
        "total": total,
        # 新设外商投资企业 (§5): the registry's foreign-funded enterprises established in the period, zone-wide
        "new_foreign_funded": Enterprise.objects.filter(
            is_foreign_funded=True, established_on__gte=start, established_on__lte=cut
        ).count(),
    }


def zone_fdi_usd(year: int) -> Decimal | None:
    """The zone's foreign direct investment actually used in a year (MOFCOM basis, 万美元): the whole zone's total of
    `figures` (every lead but merged ones), read by the national evaluation. None when no funds carry an FDI
    figure that year."""
    total = (
        Funds.objects.filter(on__year=year, amount_usd__isnull=False)
        .exclude(lead__state=State.MERGED)
        .aggregate(v=Sum("amount_usd"))["v"]
    )
    return None if total is None else _money(total)
