"""Service desk pages: the request queue (staff) or my requests (enterprise portal), a request with its timeline
and actions, visits, service cards, ratings dashboard, 差评 case board and case page, the public figures, and the
enterprise's colleagues. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkos.core import access, lists
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import YearParams
from parkos.core.models import Light
from parkos.core.selectors import departments
from parkos.core.views import action_post, form_post, service_errors
from parkos.enterprises.selectors import account_of, accounts_of
from parkos.ratings import public as ratings

from . import selectors, services
from .filters import RequestFilters
from .forms import (
    CardForm,
    CategoryForm,
    DispatchForm,
    InviteForm,
    NoteForm,
    RequestForm,
    RevisitForm,
    VisitForm,
    VisitRefForm,
)
from .models import Channel, RequestState, ServiceConfig, is_service_centre

REQUEST_TABLE = lists.Table(
    [
        lists.Col("number", gettext_lazy("request number"), sort="number", header="编号"),
        lists.Col(
            "enterprise",
            gettext_lazy("enterprise"),
            sort="enterprise__name",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col("title", gettext_lazy("request title"), header="诉求", width=30),
        lists.Col("category", gettext_lazy("category"), export="category.name", header="类别"),
        lists.Col("channel", "", export="get_channel_display", header="渠道", page=False),
        lists.Col("department", gettext_lazy("lead department"), export="department.name", header="承办部门"),
        lists.Col("state", gettext_lazy("state"), sort="state", export="get_state_display", header="状态"),
        lists.Col("received_on", gettext_lazy("received on"), sort="received_on", header="受理日期"),
        lists.Col("due_on", gettext_lazy("due on"), sort="due_on", header="办结期限"),
        lists.Col("closed_on", "", header="办结日期", page=False),
        lists.Col(
            "light", "", export=lambda r: str(LIGHT_LABELS.get(r.light, "")), header="亮灯", page=False
        ),
    ],
    kind="service-requests",
    title="企业诉求台账",
)
VISIT_TABLE = lists.Table(
    [
        lists.Col("on", gettext_lazy("date"), sort="on", header="日期"),
        lists.Col(
            "enterprise",
            gettext_lazy("enterprise"),
            sort="enterprise",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col("officials", gettext_lazy("officials"), header="走访人员", width=24),
        lists.Col("topics", gettext_lazy("topics"), header="走访内容", width=40),
        lists.Col(
            "requests",
            gettext_lazy("Requests"),
            export=lambda v: "、".join(r.number for r in v.requests.all()),
            header="收集诉求",
            width=24,
        ),
    ],
    kind="visits",
    title="走访台账",
)
CARD_TABLE = lists.Table(
    [
        lists.Col(
            "number",
            gettext_lazy("card number"),
            sort="number",
            export=lambda c: f"{c.year}-{c.number}",
            header="卡号",
        ),
        lists.Col(
            "enterprise",
            gettext_lazy("enterprise"),
            sort="enterprise",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col(
            "officer", gettext_lazy("service officer"), export=lambda c: str(c.officer), header="服务专员"
        ),
        lists.Col("department", "", export="officer.department.name", header="所在部门", page=False),
    ],
    kind="service-cards",
    title="企业服务卡",
)
LIGHT_LABELS = dict(Light.choices)


def _enterprise_of(user):
    from parkos.enterprises.selectors import enterprise_of_user

    return enterprise_of_user(user=user)


def _request_context(request: HttpRequest, page, fs) -> dict:
    return {
        "states": [("open", _("Not yet closed")), *RequestState.choices],
        "categories": selectors.categories(),
        "departments": departments(),
        "channels": Channel.choices,
        "light_labels": LIGHT_LABELS,
        "is_enterprise": request.user.is_enterprise_user,
        "is_centre": is_service_centre(request.user),
        "items_to_rate": ratings.to_rate(user=request.user),
        "rate_form": ratings.RateForm(),
    }


request_list_view = lists.ListPage(
    name="service-requests",
    personal=True,
    url="servicedesk:requests",
    queryset=lambda request: selectors.request_list(user=request.user),
    filters=RequestFilters,
    table=REQUEST_TABLE,
    template="servicedesk/requests.html",
    partial="servicedesk/_requests.html",
    export="service-requests.xlsx",
    rows=lambda request, rows: selectors.with_lights(rows),
    context=_request_context,
)


@login_required
def request_create_view(request: HttpRequest) -> HttpResponse:
    ent_user = request.user.is_enterprise_user
    if not ent_user and (not request.user.may("change")):
        raise Http404
    ref = VisitRefForm(request.POST if "visit" in request.POST else request.GET)
    visit_id = ref.cleaned_data["visit"] if ref.is_valid() else None
    visit = selectors.visit_get(user=request.user, pk=visit_id) if visit_id and not ent_user else None
    initial = {"enterprise_uscc": visit.enterprise.uscc, "channel": Channel.VISIT} if visit else {}
    form = RequestForm(request.POST or None, request.FILES or None, enterprise_user=ent_user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ent = _enterprise_of(request.user) if ent_user else d["enterprise_uscc"]
        if ent is None:
            raise Http404
        try:
            r = services.request_submit(
                user=request.user,
                enterprise_id=ent.pk,
                category_id=d["category"].pk,
                title=d["title"],
                text=d["text"],
                contact=d.get("contact", ""),
                channel=d.get("channel") or Channel.PORTAL,
                visit_id=visit.pk if visit and visit.enterprise_id == ent.pk else None,
                on=visit.on if visit and visit.enterprise_id == ent.pk else None,
                files=d.get("files") or [],
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("Request %(number)s received; it is due by %(due)s.")
                % {"number": r.number, "due": r.due_on},
            )
            return redirect("servicedesk:request", pk=r.pk)
    return render(request, "servicedesk/request_form.html", {"form": form, "visit": visit})


@login_required
def request_view(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = selectors.request_detail(user=request.user, pk=pk)
    r = ctx["request"]
    user = request.user
    centre = is_service_centre(user)
    handler = not user.is_enterprise_user and (
        centre or r.department_id == user.department_id or r.officer_id == user.pk
    )
    ctx.update(
        is_centre=centre and user.may("change"),
        is_handler=handler and user.may("change"),
        is_enterprise=user.is_enterprise_user,
        dispatch_form=DispatchForm(initial={"department": r.category.department_id}),
        note_form=NoteForm(),
        revisit_form=RevisitForm(),
        rate_form=ratings.RateForm(),
        can_rate=user.is_enterprise_user
        and r.state in {RequestState.CLOSED, RequestState.REVISITED}
        and ctx["rating"] is None,
    )
    return render(request, "servicedesk/request.html", ctx)


@login_required
@require_POST
def request_act_view(request: HttpRequest, pk: int) -> HttpResponse:
    u = request.user
    actions = {
        "dispatch": (
            DispatchForm,
            lambda d: services.request_dispatch(
                user=u,
                pk=pk,
                department_id=d["department"].pk,
                co_departments=[x.pk for x in d["co_departments"]],
                officer_id=d["officer"].pk if d["officer"] else None,
                note=d["note"],
            ),
        ),
        "accept": (NoteForm, lambda d: services.request_accept(user=u, pk=pk)),
        "send_back": (NoteForm, lambda d: services.request_send_back(user=u, pk=pk, reason=d["note"])),
        "answer": (NoteForm, lambda d: services.request_answer(user=u, pk=pk, answer=d["note"])),
        "close": (NoteForm, lambda d: services.request_close(user=u, pk=pk, note=d["note"])),
        "revisit": (
            RevisitForm,
            lambda d: services.request_revisit(user=u, pk=pk, note=d["note"], satisfied=d["satisfied"]),
        ),
        "rate": (
            ratings.RateForm,
            lambda d: services.rate_request(
                user=u, pk=pk, level=d["level"], reasons=d["reasons"], text=d["text"]
            ),
        ),
    }
    return action_post(
        request, actions, ok=_("Done."), back=reverse("servicedesk:request", kwargs={"pk": pk})
    )


# ---- visits and cards ------------------------------------------------------------------------------------------------
class VisitFilters(lists.FilterSet):
    q = lists.Search("enterprise__name", "topics", "officials")
    sort = lists.Sort({"on": "on", "enterprise": "enterprise__name"}, default="-on")


class CardFilters(lists.FilterSet):
    q = lists.Search("enterprise__name", "number")
    sort = lists.Sort({"number": "number", "enterprise": "enterprise__name"}, default="number")


def _card_year(request: HttpRequest) -> int:
    return YearParams.of(request, year=timezone.localdate().year).year


visit_list = lists.ListPage(
    name="visits",
    personal=True,
    url="servicedesk:visits",
    queryset=lambda request: selectors.visit_list(user=request.user),
    staff_only=True,
    filters=VisitFilters,
    table=VISIT_TABLE,
    template="servicedesk/visits.html",
    partial="servicedesk/_visits.html",
    export="visits.xlsx",
    context=lambda request, page, fs: {"form": VisitForm(initial={"on": timezone.localdate()})},
)
card_list = lists.ListPage(
    name="service-cards",
    url="servicedesk:cards",
    queryset=lambda request: selectors.card_list(user=request.user, year=_card_year(request)),
    staff_only=True,
    filters=CardFilters,
    table=CARD_TABLE,
    template="servicedesk/cards.html",
    partial="servicedesk/_cards.html",
    export="service-cards.xlsx",
    context=lambda request, page, fs: {
        "form": CardForm(initial={"year": _card_year(request)}),
        "year": _card_year(request),
        "is_centre": is_service_centre(request.user),
    },
)


@login_required
def visits_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        raise Http404
    return lists.list_with_form(
        request,
        visit_list,
        form_class=VisitForm,
        save=lambda d: services.visit_log(
            user=request.user,
            enterprise_id=d["enterprise_uscc"].pk,
            on=d["on"],
            officials=d["officials"],
            topics=d["topics"],
        ),
        success=_("Visit logged."),
        then="servicedesk:visits",
    )


@login_required
def cards_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        raise Http404
    return lists.list_with_form(
        request,
        card_list,
        form_class=CardForm,
        save=lambda d: services.card_issue(
            user=request.user,
            enterprise_id=d["enterprise_uscc"].pk,
            year=d["year"],
            officer_id=d["officer"].pk,
            number=d["number"],
        ),
        success=_("Service card issued."),
        then="servicedesk:cards",
    )


def _desk_settings_form(data=None):
    """One form over the desk's two settings sections (service limits, 好差评 limits)."""
    from django import forms

    sections = (ServiceConfig, ratings.RatingConfig)
    form_class = type(
        "DeskSettingsForm", (forms.Form,), {k: f for s in sections for k, f in s.base_fields.items()}
    )
    initial = {k: v for s in sections for k, v in s.get().as_dict().items()}
    return form_class(data, initial=initial) if data is not None else form_class(initial=initial)


@login_required
@access.page("servicedesk:settings", ServiceConfig.may_change)
def settings_view(request: HttpRequest) -> HttpResponse:
    """Request categories with their time limits, and the desk's settings (service centre, 差评 limits, windows)."""
    from parkos.core.forms import style_widgets

    form = _desk_settings_form(
        request.POST if request.method == "POST" and "category" not in request.POST else None
    )
    if request.method == "POST" and "category" in request.POST:
        cat = CategoryForm(request.POST)
        return form_post(
            request,
            cat,
            lambda d: services.category_save(user=request.user, data=cat.changes(), pk=d["category"]),
            ok=_("Settings saved."),
            back=reverse("servicedesk:settings"),
        )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.config_update(user=request.user, data=form.cleaned_data)
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("servicedesk:settings")
        else:
            messages.error(request, _("Please correct the errors below."))
    style_widgets(form)
    return render(
        request,
        "servicedesk/settings.html",
        {
            "form": form,
            "categories": selectors.categories(),
            "departments": departments(),
        },
    )


# ---- the enterprise's colleagues ---------------------------------------------------------------------------------------
@login_required
def colleagues_view(request: HttpRequest) -> HttpResponse:
    from parkos.enterprises.services import colleague_invite

    if not request.user.is_enterprise_user:
        raise Http404
    ent = _enterprise_of(request.user)
    me = account_of(user=request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            colleague_invite(user=request.user, **form.cleaned_data)
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Account opened; give your colleague the user name and password."))
            return redirect("servicedesk:colleagues")
    accounts = accounts_of(enterprise=ent)
    return render(
        request,
        "servicedesk/colleagues.html",
        {"accounts": accounts, "form": form, "enterprise": ent, "can_invite": bool(me and me.is_manager)},
    )


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's services tab: its requests (newest first) with their state, light and the rating the
    enterprise gave."""
    from django.utils.http import urlencode

    from parkos.core.models import LIGHT_BADGE
    from parkos.core.registries import Cell, TabSection, render_tab

    qs = (
        selectors.request_list(user=request.user)
        .filter(enterprise=enterprise)
        .order_by("-received_on", "-pk")
    )
    total = qs.count()
    page = list(qs[:20])
    selectors.with_lights(page)
    levels = ratings.levels_of(target="servicedesk.request", ids=[r.pk for r in page])
    level_label = dict(ratings.Level.choices)
    rows = [
        [
            Cell(r.number, reverse("servicedesk:request", args=[r.pk])),
            Cell(r.title),
            Cell(r.category.name if r.category else "—"),
            Cell(r.get_state_display()),
            Cell(Light(r.light).label, badge=LIGHT_BADGE.get(r.light, "")),
            Cell(r.received_on.isoformat()),
            Cell(level_label.get(levels[r.pk], "—") if r.pk in levels else "—"),
        ]
        for r in page
    ]
    more = (
        f"{reverse('servicedesk:requests')}?{urlencode({'q': enterprise.name})}" if total > len(page) else ""
    )
    return render_tab(
        request,
        "servicedesk",
        [
            TabSection(
                _("Requests and ratings"),
                [_("Number"), _("Title"), _("Category"), _("State"), _("Light"), _("Received"), _("Rating")],
                rows,
                empty=_("No request of this enterprise that you may see."),
                more=more,
                note=_("%(shown)s of %(total)s requests shown.") % {"shown": len(page), "total": total}
                if total > len(page)
                else "",
            )
        ],
    )
