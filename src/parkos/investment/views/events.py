"""Promotion events, the teams' rankings, the settings, and leads made from a chain node's targets."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from parkos.core import access, charts, lists
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import style_widgets
from parkos.core.views import (
    form_errors,
    form_post,
    next_url,
    schema_export_response,
    service_errors,
    staff_only,
)

from .. import selectors, services
from ..forms import (
    EventForm,
    FigureParams,
    FromTargetsForm,
    RankingParams,
    ScoringSchemeForm,
    TeamForm,
    TeamRefForm,
)
from ..models import (
    InvestmentConfig,
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
    queryset=lambda request: selectors.event_list(user=request.user),
    staff_only=True,
    filters=EventFilters,
    table=EVENT_TABLE,
    template="investment/events.html",
    partial="investment/_events.html",
    export="investment-events.xlsx",
    context=lambda request, page, fs: {"form": EventForm(initial={"start_on": timezone.localdate()})},
)


@login_required
def events_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
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
    staff_only(request)
    today = timezone.localdate()
    q = RankingParams.of(request, year=today.year, by="team")
    year, by, month = q.year, q.by, q.month
    s = selectors.scores(user=request.user, year=year, by=by)
    rows = s.ranking(month)
    if q.export == "xlsx":
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
            "own_only": s.own_only,
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
@access.page("investment:settings", InvestmentConfig.may_change)
def settings_view(request: HttpRequest) -> HttpResponse:
    form = InvestmentConfig.bound_form(request.POST if request.method == "POST" else None)
    style_widgets(form)
    year = timezone.localdate().year
    scheme = selectors.scheme_for(year)
    team_id = TeamRefForm(request.POST if "team_pk" in request.POST else request.GET).team_id()
    team = selectors.teams().filter(pk=team_id).first() if team_id else None
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
            return form_post(
                request,
                ScoringSchemeForm(request.POST),
                lambda d: services.scheme_save(user=request.user, year=d.pop("year"), data=d),
                ok=_("Scoring scheme saved."),
                back=reverse("investment:settings"),
            )
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
    form = FromTargetsForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(next_url(request, reverse("investment:leads")))
    made, held = services.leads_from_targets(
        user=request.user, target_ids=form.cleaned_data["target"], team_id=form.cleaned_data["team"]
    )
    if made:
        messages.success(request, _("%(n)s lead(s) entered from the targets.") % {"n": made})
    for h in held:
        messages.warning(request, h)
    return redirect(next_url(request, reverse("investment:leads")))


def node_targets_actions(request: HttpRequest, node) -> str:
    """The chain node page's "make leads of the chosen targets" footer (a panel in the chains app's slot)."""
    if not request.user.may("change"):
        return ""
    return render_to_string(
        "investment/_node_targets_actions.html",
        {"my_teams": services.user_teams(request.user), "teams": selectors.team_list()},
        request=request,
    )


FIGURES_SCHEMA = Schema(
    kind="investment-figures",
    title="招商引资指标",
    columns=[
        Column("label", "分组", text, width=20),
        Column("signed", "签约项目数", text),
        Column("signed_amount", "签约金额(万元)", text),
        Column("big", "亿元以上项目数", text),
        Column("big_share", "亿元以上项目占比(%)", text),
        Column("top500_firms", "引进三类500强(家)", text),
        Column("top500_projects", "三类500强项目(个)", text),
        *[
            Column(f"{k}_{part}", f"{zh}{suffix}", text)
            for k, zh in [
                ("fortune_global", "世界500强"),
                ("china", "中国企业500强"),
                ("china_private", "中国民营企业500强"),
            ]
            for part, suffix in [("firms", "(家)"), ("projects", "(个)")]
        ],
        Column("funds", "实际到位资金(万元)", text),
        Column("domestic", "实际到位内资(万元)", text),
        Column("fdi_usd", "实际使用外资(商务部口径,万美元)", text),
        Column("fdi_yuan", "实际使用外资折人民币(万元)", text),
        Column("broad_usd", "实际使用外资(省宽口径,万美元)", text),
        Column("domestic_projects", "有资金到位的内资项目数", text),
    ],
)


def _figure_records(data):
    for r in [*data["rows"], data["total"]]:
        rec = {k: ("" if v is None else v) for k, v in r.items() if not isinstance(v, dict)}
        for k, v in r["top500_lists"].items():
            rec[f"{k}_firms"], rec[f"{k}_projects"] = v["firms"], v["projects"]
        yield rec


@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    """招商引资指标 (specs/metrics.md §5) for a year, by team or officer, with their definitions."""
    staff_only(request)
    today = timezone.localdate()
    q = FigureParams.of(request, year=today.year, by="team")
    month = q.month
    quarter = None if month else q.quarter
    data = selectors.figures(
        user=request.user, year=q.year, by=q.by, today=today, quarter=quarter, month=month
    )
    if q.export == "xlsx":
        label = f"{q.year}" + (f"-{month:02d}" if month else f"-Q{quarter}" if quarter else "")
        return schema_export_response(
            FIGURES_SCHEMA, _figure_records(data), f"investment-figures-{label}.xlsx"
        )
    rows = data["rows"]
    series = {
        _("Funds in place (10k yuan)"): [float(r["funds"]) for r in rows],
        _("Contracted (10k yuan)"): [float(r["signed_amount"]) for r in rows],
    }
    chart = charts.bar([r["label"] for r in rows], series)
    return render(
        request,
        "investment/figures.html",
        {
            "data": data,
            "chart": chart,
            "years": range(today.year - 3, today.year + 1),
            "year": q.year,
            "by": q.by,
            "quarter": quarter,
            "month": month,
            "months": range(1, 13),
        },
    )
