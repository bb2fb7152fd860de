"""Lead pages: the funnel board, the list, entering and editing a lead, its page with activities, funds,
loss and signing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core import charts, lists
from parkos.core.exceptions import ParkOSError
from parkos.core.views import form_post, is_htmx, service_errors, staff_only

from .. import selectors, services
from ..filters import LeadFilters
from ..forms import (
    ActivityForm,
    FundsForm,
    LeadCreateParams,
    LeadForm,
    LoseForm,
    MoveForm,
    SignForm,
)
from ..imports import LEADS_SCHEMA, lead_records
from ..models import (
    STAGE_ORDER,
    Stage,
)
from .common import LEAD_TABLE, _filter_ctx


# ---- board and list ------------------------------------------------------------------------------------------
@login_required
def board_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    filters = LeadFilters(request.GET).values
    year = timezone.localdate().year
    columns = selectors.board(user=request.user, filters=request.GET)
    funnel = selectors.funnel_counts(user=request.user, year=year)
    ctx = {
        **_filter_ctx(request, filters),
        "columns": columns,
        "stage_order": json.dumps(STAGE_ORDER),
        "summary": selectors.summary(user=request.user, year=year),
        "year": year,
        "funnel_chart": charts.funnel([(str(f["label"]), f["n"]) for f in funnel]),
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
    staff_only(request)
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
    data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "referrer_uscc", "decision"}}
    data["referrer"] = form.cleaned_data.get("referrer_uscc")
    return data


@login_required
def lead_create_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if not request.user.may("change"):
        raise Http404
    initial = {
        "team": (services.user_teams(request.user) or [None])[0],
        "node": LeadCreateParams.of(request).node,
    }
    form = LeadForm(request.POST or None, user=request.user, initial=initial)
    matches = None
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(
                user=request.user, data=_lead_data(form), decision=form.cleaned_data["decision"]
            )
        except services.DuplicateFound as exc:
            matches = exc.extra["matches"]
            messages.warning(request, str(exc.message))
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            if form.cleaned_data["decision"] == "conflict":
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
    staff_only(request)
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
                decision=form.cleaned_data["decision"],
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
    staff_only(request)
    ctx = selectors.lead_detail(user=request.user, pk=pk)
    lead = ctx["lead"]
    cur = STAGE_ORDER.index(lead.stage)
    ctx.update(
        activity_form=ActivityForm(initial={"on": timezone.localdate()}),
        move_form=MoveForm(
            initial={"stage": STAGE_ORDER[min(cur + 1, len(STAGE_ORDER) - 1)], "version": lead.version}
        ),
        lose_form=LoseForm(),
        funds_form=FundsForm(initial={"on": timezone.localdate()}),
        stages=Stage.choices,
        stage_index=cur,
    )
    return render(request, "investment/lead.html", ctx)


def _post_action(request, pk: int, form_class, action, ok: str) -> HttpResponse:
    selectors.lead_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(
        request, form_class(request.POST), action, ok=ok, back=reverse("investment:lead", kwargs={"pk": pk})
    )


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
    staff_only(request)
    lead = selectors.lead_get(user=request.user, pk=pk, action="change")
    initial = {
        "signed_on": timezone.localdate(),
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
                top500_edition=d.get("top500_edition"),
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


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's leads tab: the investment leads about it the user's teams may see."""
    from parkos.core.numbers import formatted
    from parkos.core.registries import Cell, TabSection, render_tab

    from ..models import is_coordinator

    leads = selectors.enterprise_leads(user=request.user, enterprise_id=enterprise.pk)
    rows = [
        [
            Cell(lead.title or lead.investor_name, reverse("investment:lead", args=[lead.pk])),
            Cell(lead.team.name),
            Cell(lead.get_stage_display()),
            Cell(lead.get_state_display()),
            Cell(formatted(lead.amount), number=True),
            Cell(lead.entered_on.isoformat()),
            Cell(
                _("referred by this enterprise")
                if lead.referrer_id == enterprise.pk
                else _("its own investment")
            ),
        ]
        for lead in leads
    ]
    return render_tab(
        request,
        "investment",
        [
            TabSection(
                _("Investment leads"),
                [
                    _("Lead"),
                    _("Team"),
                    _("Stage"),
                    _("State"),
                    _("Planned investment (10k yuan)"),
                    _("Entered on"),
                    _("Relation"),
                ],
                rows,
                empty=_("No lead about this enterprise that your teams may see."),
                note=""
                if is_coordinator(request.user)
                else _("Only the leads of your own teams and those shared with them are shown."),
            )
        ],
    )
