"""Claim conflicts and the joint meetings that decide them."""

from __future__ import annotations

import datetime as dt

import django_filters as df
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from parkos.core import lists
from parkos.core.views import form_post, next_url, staff_only

from .. import selectors, services
from ..forms import (
    ConflictDecisionForm,
    MeetingCloseForm,
    MeetingForm,
)
from ..models import (
    LeadConflict,
    acts_as_office,
)


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


conflicts_view = lists.ListPage(
    name="conflicts",
    url="investment:conflicts",
    queryset=lambda request: selectors.conflict_queue(user=request.user, status="all"),
    staff_only=True,
    filters=ConflictFilters,
    table=CONFLICT_TABLE,
    template="investment/conflicts.html",
    partial="investment/_conflicts.html",
    export="investment-conflicts.xlsx",
    context=lambda request, page, fs: {
        "statuses": [*LeadConflict.Status.choices, ("all", _("All"))],
        "is_coordinator": acts_as_office(request.user),
        "next_meeting": services.next_meeting(),
    },
)


@login_required
@require_POST
def conflict_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.conflict_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(
        request,
        ConflictDecisionForm(request.POST),
        lambda d: services.conflict_decide(
            user=request.user,
            pk=pk,
            owner_team_id=d["owner_team"],
            shares=d["shares"],
            decision=d["decision"],
        ),
        ok=_("Decision recorded; the leads follow it."),
        back=next_url(request, reverse("investment:conflicts")),
    )


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
            "held_on": timezone.localdate() + dt.timedelta(days=7),
            "title": _("Joint meeting on investment promotion"),
        },
    )


meeting_list = lists.ListPage(
    name="joint-meetings",
    url="investment:meetings",
    queryset=lambda request: selectors.meetings(user=request.user),
    staff_only=True,
    filters=MeetingFilters,
    table=MEETING_TABLE,
    template="investment/meetings.html",
    partial="investment/_meetings.html",
    export="joint-meetings.xlsx",
    context=lambda request, page, fs: {
        "form": _meeting_form(),
        "is_coordinator": acts_as_office(request.user),
    },
)


@login_required
def meetings_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
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
    staff_only(request)
    m = selectors.meeting_get(user=request.user, pk=pk)
    if request.method == "POST":
        return form_post(
            request,
            MeetingCloseForm(request.POST),
            lambda d: services.meeting_close(user=request.user, pk=pk, minutes=d["minutes"]),
            ok=_("Meeting recorded as held."),
            back=reverse("investment:meeting", kwargs={"pk": pk}),
        )
    agenda = selectors.conflict_queue(user=request.user, status="all").filter(meeting=m)
    return render(
        request,
        "investment/meeting.html",
        {"meeting": m, "agenda": agenda, "is_coordinator": acts_as_office(request.user)},
    )
