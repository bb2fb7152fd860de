"""Investment pages: funnel board, lead list/page/forms, conflict queue, joint meetings, events, rankings,
settings. Thin: selectors read, services write."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

import django_filters as df
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from parkos.core import charts, lists
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import style_widgets
from parkos.core.views import is_htmx, schema_export_response, service_errors

from . import selectors, services
from .filters import LeadFilters
from .forms import (
    ActivityForm,
    EventForm,
    FundsForm,
    LeadForm,
    LoseForm,
    MeetingForm,
    MoveForm,
    SignForm,
    TeamForm,
)
from .imports import LEADS_SCHEMA, lead_records
from .models import (
    STAGE_ORDER,
    InvestmentConfig,
    LeadConflict,
    Source,
    Stage,
    State,
    is_coordinator,
)

LEAD_TABLE = lists.Table(
    [
        lists.Col("investor_name", gettext_lazy("Investor"), sort="investor_name"),
        lists.Col("title", gettext_lazy("Project idea")),
        lists.Col("amount", gettext_lazy("Planned (10k yuan)"), sort="amount"),
        lists.Col("stage", gettext_lazy("Stage"), sort="stage"),
        lists.Col("team", gettext_lazy("Team"), sort="team__code"),
        lists.Col("officer", gettext_lazy("Officer")),
        lists.Col("last_activity_on", gettext_lazy("Last activity"), sort="last_activity_on"),
        lists.Col("next_step_on", gettext_lazy("Next step"), sort="next_step_on"),
    ],
    kind="leads",
)
KINDS = [
    ("top500", gettext_lazy("Top-500")), ("foreign", gettext_lazy("Foreign")), ("hq", gettext_lazy("Headquarters")),
    ("soe", gettext_lazy("Central SOE")), ("leader", gettext_lazy("Industry leader")), ("gap", gettext_lazy("Fills a chain gap")),
]  # fmt: skip


def _today() -> dt.date:
    return timezone.localdate()


def _staff_only(request: HttpRequest) -> None:
    if request.user.is_enterprise_user:
        raise Http404


def _filter_ctx(request, filters) -> dict:
    from parkos.chains.public import chain_options

    return {
        "filters": filters,
        "stages": Stage.choices,
        "states": [*State.choices, ("all", _("All"))],
        "teams": selectors.teams(),
        "sources": Source.choices,
        "chains": chain_options(),
        "kinds": KINDS,
        "can_change": request.user.may("change")
        and bool(services.user_teams(request.user) or is_coordinator(request.user)),
        "is_coordinator": is_coordinator(request.user),
    }


# ---- board and list ------------------------------------------------------------------------------------------
@login_required
def board_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    filters = LeadFilters(request.GET).values
    year = _today().year
    columns = selectors.board(user=request.user, filters=request.GET)
    funnel = selectors.funnel_counts(user=request.user, year=year)
    ctx = {
        **_filter_ctx(request, filters),
        "columns": columns,
        "stage_order": json.dumps(STAGE_ORDER),
        "summary": selectors.summary(user=request.user, year=year),
        "year": year,
        "funnel_chart": {
            "tooltip": {"trigger": "item"},
            "series": [
                {
                    "type": "funnel",
                    "sort": "none",
                    "left": "10%",
                    "width": "80%",
                    "label": {"formatter": "{b}: {c}"},
                    "data": [{"name": str(f["label"]), "value": f["n"]} for f in funnel],
                }
            ],
        },
    }
    return render(request, "investment/_board.html" if is_htmx(request) else "investment/board.html", ctx)


@login_required
@require_POST
def lead_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's drop (htmx) and the lead page's move form: the service enforces the stage rules."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.lead_move(
            user=request.user,
            pk=pk,
            stage=form.cleaned_data["stage"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data.get("version"),
        )
    except ParkOSError as exc:
        if getattr(exc, "code", "") == "needs_signing":
            if is_htmx(request):
                resp = HttpResponse(status=204)
                resp["HX-Redirect"] = reverse("investment:sign", args=[pk])
                return resp
            return redirect("investment:sign", pk=pk)
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Lead moved to “%(stage)s”.") % {"stage": Stage(form.cleaned_data["stage"]).label}
        )
    if is_htmx(request):
        return board_view(request)
    return redirect("investment:lead", pk=pk)


def _staff_leads(request: HttpRequest):
    _staff_only(request)
    return selectors.lead_list(user=request.user)


lead_list_view = lists.ListPage(
    name="leads",
    url="investment:leads",
    queryset=_staff_leads,
    filters=LeadFilters,
    table=LEAD_TABLE,
    template="investment/leads.html",
    partial="investment/_leads.html",
    export="investment-leads.xlsx",
    export_schema=LEADS_SCHEMA,  # the import template: an export can be edited and imported back
    export_records=lambda request, qs: lead_records(qs),
    context=lambda request, page, fs: _filter_ctx(request, fs.values),
)


def _lead_data(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "referrer_uscc"}}
    data["referrer"] = form.cleaned_data.get("referrer_uscc")
    return data


@login_required
def lead_create_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not request.user.may("change"):
        raise Http404
    initial = {"team": (services.user_teams(request.user) or [None])[0], "node": request.GET.get("node")}
    form = LeadForm(request.POST or None, user=request.user, initial=initial)
    matches = None
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(
                user=request.user, data=_lead_data(form), decision=request.POST.get("decision", "")
            )
        except services.DuplicateFound as exc:
            matches = exc.extra["matches"]
            messages.warning(request, str(exc.message))
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            if request.POST.get("decision") == "conflict":
                messages.warning(request, _("Lead entered; the conflict goes before the next joint meeting."))
            else:
                messages.success(request, _("Lead entered."))
            return redirect("investment:lead", pk=lead.pk)
    team = form.cleaned_data.get("team") if form.is_bound and form.is_valid() else None
    other_team = any(m["team_id"] != getattr(team, "pk", None) for m in matches or [])
    return render(
        request,
        "investment/lead_form.html",
        {
            "form": form,
            "creating": True,
            "matches": matches,
            "other_team": other_team,
            "same_uscc": any(m["by"] == "uscc" for m in matches or []),
        },
    )


@login_required
def lead_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    lead = selectors.lead_get(user=request.user, pk=pk, action="change")
    form = LeadForm(request.POST or None, instance=lead, user=request.user, initial={"version": lead.version})
    matches = None
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                user=request.user,
                pk=pk,
                version=form.cleaned_data.get("version"),
                data=_lead_data(form),
                decision=request.POST.get("decision", ""),
            )
        except services.DuplicateFound as exc:
            matches = exc.extra["matches"]
            messages.warning(request, str(exc.message))
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("investment:lead", pk=pk)
    return render(
        request,
        "investment/lead_form.html",
        {
            "form": form,
            "lead": lead,
            "matches": matches,
            "other_team": any(m["team_id"] != lead.team_id for m in matches or []),
            "same_uscc": any(m["by"] == "uscc" for m in matches or []),
        },
    )


@login_required
def lead_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    ctx = selectors.lead_detail(user=request.user, pk=pk)
    lead = ctx["lead"]
    cur = STAGE_ORDER.index(lead.stage)
    ctx.update(
        activity_form=ActivityForm(initial={"on": _today()}),
        move_form=MoveForm(
            initial={"stage": STAGE_ORDER[min(cur + 1, len(STAGE_ORDER) - 1)], "version": lead.version}
        ),
        lose_form=LoseForm(),
        funds_form=FundsForm(initial={"on": _today()}),
        stages=Stage.choices,
        stage_index=cur,
    )
    return render(request, "investment/lead.html", ctx)


def _post_action(request, pk: int, form_class, action, ok: str) -> HttpResponse:
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ParkOSError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, ok)
    else:
        messages.error(
            request,
            "; ".join(
                f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}"
                for k, v in form.errors.items()
            ),
        )
    return redirect("investment:lead", pk=pk)


@login_required
@require_POST
def activity_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        ActivityForm,
        lambda d: services.activity_add(user=request.user, pk=pk, **d),
        _("Activity logged."),
    )


@login_required
@require_POST
def lose_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        LoseForm,
        lambda d: services.lead_lose(user=request.user, pk=pk, **d),
        _("Lead closed as lost."),
    )


@login_required
@require_POST
def funds_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        FundsForm,
        lambda d: services.funds_add(user=request.user, pk=pk, **d),
        _("Funds in place recorded."),
    )


@login_required
def sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    lead = selectors.lead_get(user=request.user, pk=pk, action="change")
    initial = {
        "signed_on": _today(),
        "amount": lead.amount,
        "uscc": lead.uscc,
        "company_name": lead.investor_name,
        "project_name": lead.title,
        "version": lead.version,
    }
    form = SignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.lead_sign(
                user=request.user,
                pk=pk,
                signed_on=d["signed_on"],
                amount=d["amount"],
                uscc=d["uscc"],
                company_name=d["company_name"],
                version=d.get("version"),
                project={
                    "name": d["project_name"],
                    "category": d["category"],
                    "level": d["level"],
                    "park": d["park"],
                },
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Signed: the project is in the key-project library."))
            return redirect("investment:lead", pk=pk)
    return render(request, "investment/sign.html", {"form": form, "lead": lead})


# ---- conflicts and meetings ------------------------------------------------------------------------------------
class ConflictFilters(lists.FilterSet):
    defaults = {"status": LeadConflict.Status.OPEN}

    status = df.ChoiceFilter(
        choices=[*LeadConflict.Status.choices, ("all", _l("All"))],
        method=lambda qs, n, v: qs if v == "all" else qs.filter(status=v),
    )
    sort = lists.Sort({"created": "created_at", "score": "score"}, default="-created")


CONFLICT_TABLE = lists.Table(
    [
        lists.Col(
            "created",
            _l("Raised on"),
            sort="created",
            export=lambda c: c.created_at.date(),
            header="提出日期",
        ),
        lists.Col("claim_team", "", export="claim.team.name", header="新申报小分队", page=False),
        lists.Col("claim", "", export="claim.investor_name", header="新申报投资方", width=28, page=False),
        lists.Col("other_team", "", export="other.team.name", header="在先小分队", page=False),
        lists.Col("other", "", export="other.investor_name", header="在先投资方", width=28, page=False),
        lists.Col("score", _l("similarity"), sort="score", header="相似度"),
        lists.Col("status", "", export="get_status_display", header="状态", page=False),
        lists.Col(
            "meeting",
            "",
            export=lambda c: str(c.meeting) if c.meeting else "",
            header="联席会议",
            width=28,
            page=False,
        ),
        lists.Col("owner", "", export="owner_team.name", header="归属", page=False),
        lists.Col("decision", "", header="裁定意见", width=30, page=False),
    ],
    kind="investment-conflicts",
    title="招商争议台账",
)


def _staff(selector):
    def queryset(request: HttpRequest):
        _staff_only(request)
        return selector(request)

    return queryset


conflicts_view = lists.ListPage(
    name="conflicts",
    url="investment:conflicts",
    queryset=_staff(lambda request: selectors.conflict_queue(user=request.user, status="all")),
    filters=ConflictFilters,
    table=CONFLICT_TABLE,
    template="investment/conflicts.html",
    partial="investment/_conflicts.html",
    export="investment-conflicts.xlsx",
    context=lambda request, page, fs: {
        "statuses": [*LeadConflict.Status.choices, ("all", _("All"))],
        "is_coordinator": is_coordinator(request.user),
        "next_meeting": services.next_meeting(),
    },
)


@login_required
@require_POST
def conflict_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        owner = int(request.POST.get("owner_team", ""))
        shares = {}
        for key, value in request.POST.items():
            if key.startswith("share_") and value.strip():
                shares[int(key[6:])] = Decimal(value)
    except (ValueError, InvalidOperation):
        messages.error(request, _("Choose the owner team and give the shares as numbers."))
    else:
        try:
            services.conflict_decide(
                user=request.user,
                pk=pk,
                owner_team_id=owner,
                shares=shares or None,
                decision=request.POST.get("decision", ""),
            )
        except ParkOSError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Decision recorded; the leads follow it."))
    return redirect(request.POST.get("next") or reverse("investment:conflicts"))


class MeetingFilters(lists.FilterSet):
    q = lists.Search("title", "place", "chair")
    sort = lists.Sort({"held_on": "held_on", "title": "title"}, default="-held_on")


MEETING_TABLE = lists.Table(
    [
        lists.Col("held_on", _l("date"), sort="held_on", header="日期"),
        lists.Col("title", _l("meeting title"), sort="title", header="会议名称", width=30),
        lists.Col("status", _l("status"), export="get_status_display", header="状态"),
        lists.Col("n", _l("Conflicts"), header="争议数"),
    ],
    kind="joint-meetings",
    title="招商联席会议",
)


def _meeting_form(data=None) -> MeetingForm:
    return MeetingForm(
        data,
        initial={
            "held_on": _today() + dt.timedelta(days=7),
            "title": _("Joint meeting on investment promotion"),
        },
    )


meeting_list = lists.ListPage(
    name="joint-meetings",
    url="investment:meetings",
    queryset=_staff(lambda request: selectors.meetings(user=request.user)),
    filters=MeetingFilters,
    table=MEETING_TABLE,
    template="investment/meetings.html",
    partial="investment/_meetings.html",
    export="joint-meetings.xlsx",
    context=lambda request, page, fs: {
        "form": _meeting_form(),
        "is_coordinator": is_coordinator(request.user),
    },
)


@login_required
def meetings_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return lists.list_with_form(
        request,
        meeting_list,
        form_class=lambda data: _meeting_form(data),
        save=lambda d: services.meeting_save(user=request.user, data=d),
        success=_("Meeting planned; open conflicts are on its agenda."),
        then=lambda m: reverse("investment:meeting", args=[m.pk]),
    )


@login_required
def meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    m = selectors.meeting_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.meeting_close(user=request.user, pk=pk, minutes=request.POST.get("minutes", ""))
        except ParkOSError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Meeting recorded as held."))
        return redirect("investment:meeting", pk=pk)
    agenda = selectors.conflict_queue(user=request.user, status="all").filter(meeting=m)
    return render(
        request,
        "investment/meeting.html",
        {"meeting": m, "agenda": agenda, "is_coordinator": is_coordinator(request.user)},
    )


# ---- events, rankings, settings ---------------------------------------------------------------------------------
class EventFilters(lists.FilterSet):
    q = lists.Search("name", "place", "attendees")
    sort = lists.Sort({"start_on": "start_on", "name": "name", "leads": "n"}, default="-start_on")


EVENT_TABLE = lists.Table(
    [
        lists.Col("start_on", _l("date"), sort="start_on", header="日期"),
        lists.Col("name", _l("name"), sort="name", header="活动名称", width=30),
        lists.Col("kind", _l("kind"), export="get_kind_display", header="类型"),
        lists.Col("place", _l("place"), header="地点"),
        lists.Col("attendees", "", header="参加人员", width=30, page=False),
        lists.Col("leads", _l("Leads"), sort="leads", export="n", header="产生线索数"),
    ],
    kind="investment-events",
    title="招商活动",
    export_order=["name", "kind", "start_on", "place", "attendees", "leads"],
)

event_list = lists.ListPage(
    name="investment-events",
    url="investment:events",
    queryset=_staff(lambda request: selectors.event_list(user=request.user)),
    filters=EventFilters,
    table=EVENT_TABLE,
    template="investment/events.html",
    partial="investment/_events.html",
    export="investment-events.xlsx",
    context=lambda request, page, fs: {"form": EventForm(initial={"start_on": _today()})},
)


@login_required
def events_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return lists.list_with_form(
        request,
        event_list,
        form_class=EventForm,
        save=lambda d: services.event_save(user=request.user, data=d),
        success=_("Event recorded."),
        then="investment:events",
    )


RANK_SCHEMA = Schema(
    kind="investment-scores", title="招商绩效得分",
    columns=[Column("rank", "名次", text), Column("holder", "小分队/人员", text, width=20),
             *[Column(f"m{i}", f"{i}月", text) for i in range(1, 13)], Column("points", "全年得分", text),
             Column("grade", "档次", text)],
)  # fmt: skip


@login_required
def rankings_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = _today()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    by = "officer" if request.GET.get("by") == "officer" else "team"
    month = (
        int(request.GET["month"])
        if request.GET.get("month", "").isdigit() and 1 <= int(request.GET["month"]) <= 12
        else None
    )
    s = selectors.scores(user=request.user, year=year, by=by)
    rows = s.ranking(month)
    if request.GET.get("export") == "xlsx":
        recs = (
            {
                "rank": r["rank"],
                "holder": str(r["holder"]),
                **{f"m{i + 1}": v for i, v in enumerate(r["months"])},
                "points": r["points"],
                "grade": r["grade"],
            }
            for r in s.ranking()
        )
        return schema_export_response(RANK_SCHEMA, recs, f"investment-scores-{year}.xlsx")
    top_down = rows[::-1]  # a horizontal bar chart draws its first category at the bottom
    chart = charts.bar(
        [str(r["holder"]) for r in top_down],
        {pgettext("score", "Points"): [r["points"] for r in top_down]},
        horizontal=True,
    )
    return render(
        request,
        "investment/rankings.html",
        {
            "rows": rows,
            "year": year,
            "by": by,
            "month": month,
            "chart": chart,
            "months": range(1, 13),
            "years": range(today.year - 3, today.year + 1),
            "scheme": selectors.scheme_for(year),
        },
    )


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    if not request.user.may("configure"):
        raise Http404
    form = InvestmentConfig.bound_form(request.POST if request.method == "POST" else None)
    style_widgets(form)
    year = _today().year
    scheme = selectors.scheme_for(year)
    team_pk = request.POST.get("team_pk") or request.GET.get("team") or ""
    team = selectors.teams().filter(pk=int(team_pk)).first() if team_pk.isdigit() else None
    team_form = TeamForm(request.POST if "team_form" in request.POST else None, instance=team)
    if request.method == "POST":
        if "team_form" in request.POST:
            if team_form.is_valid():
                d = team_form.cleaned_data
                try:
                    services.team_save(
                        user=request.user,
                        data=d,
                        members=[u.pk for u in d["members"]],
                        pk=team.pk if team else None,
                    )
                except ParkOSError as exc:
                    service_errors(request, exc, team_form)
                else:
                    messages.success(request, _("Settings saved."))
                    return redirect("investment:settings")
        elif "scheme" in request.POST:
            try:
                data = {
                    k: request.POST[k]
                    for k in ("per_10k_funds", "top500", "foreign", "headquarters", "gap_filled", "neglect")
                }
                data["bands"] = json.loads(request.POST.get("bands") or "[]")
                data["grades"] = json.loads(request.POST.get("grades") or "[]")
                services.scheme_save(user=request.user, year=int(request.POST.get("year", year)), data=data)
            except (ValueError, ParkOSError) as exc:
                messages.error(request, str(getattr(exc, "message", exc)))
            else:
                messages.success(request, _("Scoring scheme saved."))
                return redirect("investment:settings")
        elif form.is_valid():
            try:
                services.config_update(user=request.user, data=form.cleaned_data)
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("investment:settings")
    return render(
        request,
        "investment/settings.html",
        {
            "form": form,
            "scheme": scheme,
            "year": year,
            "bands": json.dumps(scheme.bands),
            "grades": json.dumps(scheme.grades),
            "teams": selectors.teams().prefetch_related("members").select_related("department", "leader"),
            "team_form": team_form,
            "team": team,
        },
    )


@login_required
@require_POST
def from_targets_view(request: HttpRequest) -> HttpResponse:
    """The chain gap page's “make leads”: each chosen target becomes a lead of the user's team (or the chosen
    one); targets whose investor is already in open leads are reported, not entered."""
    ids = [int(x) for x in request.POST.getlist("target") if x.isdigit()]
    team = request.POST.get("team", "")
    made, held = services.leads_from_targets(
        user=request.user, target_ids=ids, team_id=int(team) if team.isdigit() else None
    )
    if made:
        messages.success(request, _("%(n)s lead(s) entered from the targets.") % {"n": made})
    for h in held:
        messages.warning(request, h)
    return redirect(request.POST.get("next") or reverse("investment:leads"))


def node_targets_actions(request: HttpRequest, node) -> str:
    """The chain node page's "make leads of the chosen targets" footer (a panel in the chains app's slot)."""
    if not request.user.may("change"):
        return ""
    return render_to_string(
        "investment/_node_targets_actions.html",
        {"my_teams": services.user_teams(request.user), "teams": selectors.team_list()},
        request=request,
    )
