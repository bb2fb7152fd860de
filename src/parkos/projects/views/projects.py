"""Key-project pages: the list, creating and editing a project, its page with the lifecycle, milestones,
reports, year plans, problems and the 帮代办 records."""

from __future__ import annotations

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
from parkos.core.selectors import departments, parks
from parkos.core.views import form_post, service_errors

from .. import selectors, services
from ..filters import ProjectFilters
from ..forms import (
    AnswerForm,
    ApprovalsStartForm,
    AuthorizationForm,
    HandoverForm,
    MilestonePlanForm,
    MonthlyReportForm,
    ProblemForm,
    ProjectForm,
    TransitionForm,
    YearPlanForm,
)
from ..models import (
    Category,
    Level,
    Status,
)
from ..workflows import PROJECT
from .common import LIFECYCLE_STEPS, LIGHT_CHOICES, TABLE


# ---- projects ------------------------------------------------------------------------------------------------
def _list_context(request: HttpRequest, page, fs) -> dict:
    return {
        "categories": Category.choices,
        "levels": Level.choices,
        "statuses": Status.choices,
        "lights": LIGHT_CHOICES,
        "parks": parks(),
        "departments": departments(),
        "can_create": request.user.may("change") and not request.user.is_enterprise_user,
        "summary": selectors.summary_counts(user=request.user),
    }


project_list_view = login_required(
    lists.ListPage(
        name="projects",
        url="projects:list",
        queryset=lambda request: selectors.project_list(user=request.user),
        filters=ProjectFilters,
        table=TABLE,
        template="projects/list.html",
        partial="projects/_table.html",
        export="projects.xlsx",
        context=_list_context,
    )
)


@login_required
def project_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.may("change") or request.user.is_enterprise_user:
        raise Http404
    form = ProjectForm(
        request.POST or None, user=request.user, initial={"registered_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "investor_uscc"}}
        data["investor"] = form.cleaned_data["investor_uscc"]
        try:
            project = services.project_create(user=request.user, data=data)
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Project entered into the library."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "creating": True})


@login_required
def project_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    if request.user.is_enterprise_user:
        raise Http404
    if request.method == "POST":
        form = ProjectForm(
            request.POST, instance=selectors.project_get(user=request.user, pk=pk), user=request.user
        )
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "investor_uscc"}}
            try:
                services.project_update(
                    user=request.user, pk=pk, version=form.cleaned_data.get("version"), data=data
                )
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("projects:detail", pk=pk)
    else:
        form = ProjectForm(instance=project, initial={"version": project.version}, user=request.user)
    return render(request, "projects/form.html", {"form": form, "project": project, "creating": False})


@login_required
def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    today = timezone.localdate()
    timeline = selectors.milestone_timeline(project, today)
    labels = [str(r["m"].get_kind_display()) for r in timeline]
    chart = charts.timeline(
        labels,
        {
            _("Planned"): [
                (r["m"].planned_on.isoformat(), lbl)
                for r, lbl in zip(timeline, labels, strict=True)
                if r["m"].planned_on
            ],
            _("Actual"): [
                (r["m"].actual_on.isoformat(), lbl)
                for r, lbl in zip(timeline, labels, strict=True)
                if r["m"].actual_on
            ],
        },
    )
    reports = selectors.monthly_reports(project)
    can_change = (
        not request.user.is_enterprise_user
        and selectors.project_list(user=request.user, action="change").filter(pk=pk).exists()
    )
    ctx = {
        "project": project,
        "timeline": timeline,
        "chart_timeline": chart,
        "chart_reports": charts.line(
            [r["r"].month.strftime("%Y-%m") for r in reports],
            {
                _("Investment completed"): [r["r"].investment for r in reports],
                _("Cumulative investment"): [r["cum_investment"] for r in reports],
            },
            bars=(_("Investment completed"),),
            unit=_("10k yuan"),
        ),
        "reports": reports[::-1],
        "year_plans": project.year_plans.order_by("year"),
        "problems": project.problems.select_related("owner", "raised_by"),
        "board": selectors.approval_board(project),
        "events": selectors.item_events(project),
        "handovers": project.handovers.select_related("officer", "item__item"),
        "authorizations": selectors.authorizations(project),
        "can_change": can_change,
        "is_enterprise": request.user.is_enterprise_user,
        "history": selectors.project_history(project) if not request.user.is_enterprise_user else [],
        "next_targets": [
            (t.action, Status(t.action).label)
            for t in PROJECT.buttons(project.status)
            if t.action in LIFECYCLE_STEPS
        ],
        "today": today,
    }
    if can_change:
        ctx.update(
            plan_form=MilestonePlanForm(project=project),
            report_form=MonthlyReportForm(initial={"month": today.replace(day=1).strftime("%Y-%m")}),
            year_form=YearPlanForm(initial={"year": today.year}),
            problem_form=ProblemForm(),
            handover_form=HandoverForm(project=project),
            authorization_form=AuthorizationForm(),
            flows=selectors.flows(),
        )
    return render(request, "projects/detail.html", ctx)


def _post(request: HttpRequest, pk: int, form, call, ok: str, anchor: str = "") -> HttpResponse:
    selectors.project_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(request, form, call, ok=ok, back=reverse("projects:detail", kwargs={"pk": pk}) + anchor)


@login_required
@require_POST
def project_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = TransitionForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.project_transition(
            user=request.user,
            pk=pk,
            target=d["target"],
            on=d["on"],
            evidence=d["evidence"],
            reason=d["reason"],
            version=d.get("version"),
        ),
        _("Project status updated."),
    )


@login_required
@require_POST
def milestones_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = MilestonePlanForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.milestones_plan(user=request.user, pk=pk, planned=d),
        _("Plan saved."),
        "#milestones",
    )


@login_required
@require_POST
def report_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = MonthlyReportForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.monthly_report_save(user=request.user, pk=pk, month=d["month"], data=d),
        _("Monthly report saved."),
        "#reports",
    )


@login_required
@require_POST
def year_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = YearPlanForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.year_plan_set(user=request.user, pk=pk, **d),
        _("Annual plan saved."),
        "#reports",
    )


@login_required
@require_POST
def problem_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ProblemForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.problem_raise(
            user=request.user, pk=pk, description=d["description"], owner_id=d["owner"].pk, due_wd=d["due_wd"]
        ),
        _("Problem recorded."),
        "#problems",
    )


@login_required
@require_POST
def problem_answer_view(request: HttpRequest, pk: int, problem_id: int) -> HttpResponse:
    selectors.problem_get(
        user=request.user, pk=problem_id
    )  # the owner department may answer without the project
    return form_post(
        request,
        AnswerForm(request.POST),
        lambda d: services.problem_answer(
            user=request.user, pk=problem_id, answer=d["answer"], close=d["close"]
        ),
        ok=_("Answer saved."),
        back=reverse("projects:detail", kwargs={"pk": pk}) + "#problems",
    )


@login_required
@require_POST
def handover_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    form = HandoverForm(request.POST, project=project)
    return _post(
        request,
        pk,
        form,
        lambda d: services.handover_record(user=request.user, pk=pk, data=d),
        _("Handover logged."),
        "#assist",
    )


@login_required
@require_POST
def authorization_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = AuthorizationForm(request.POST, request.FILES)
    return _post(
        request,
        pk,
        form,
        lambda d: services.authorization_record(
            user=request.user, pk=pk, data={k: v for k, v in d.items() if v}
        ),
        _("Authorisation on file."),
        "#assist",
    )


@login_required
@require_POST
def approvals_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.project_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(
        request,
        ApprovalsStartForm(request.POST),
        lambda d: services.approvals_start(
            user=request.user, pk=pk, flow_id=d["flow"].pk if d["flow"] else None
        ),
        ok=_("Approval stages laid out."),
        back=reverse("projects:board", kwargs={"pk": pk}),
    )


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's projects tab: the key projects it invests in, with their status, investment and
    the light of their approvals."""
    from django.utils.http import urlencode

    from parkos.core.models import LIGHT_BADGE, Light
    from parkos.core.numbers import formatted
    from parkos.core.registries import Cell, TabSection, render_tab

    projects = list(
        selectors.project_list(user=request.user)
        .filter(investor=enterprise)
        .order_by("-registered_on", "-pk")
    )
    rows = [
        [
            Cell(p.name, reverse("projects:detail", args=[p.pk])),
            Cell(p.get_category_display()),
            Cell(p.get_status_display()),
            Cell(formatted(p.total_investment), number=True),
            Cell(formatted(p.invested), number=True),
            Cell(
                Light(p.approval_light).label if p.approval_light in Light.values else "—",
                badge=LIGHT_BADGE.get(p.approval_light, ""),
            ),
            Cell(p.lead_department.name if p.lead_department else "—"),
        ]
        for p in projects
    ]
    return render_tab(
        request,
        "projects",
        [
            TabSection(
                _("Key projects and approvals"),
                [
                    _("Project"),
                    _("Category"),
                    _("Status"),
                    _("Total investment (10k yuan)"),
                    _("Invested (10k yuan)"),
                    _("Approvals"),
                    _("Lead department"),
                ],
                rows,
                empty=_("No key project of this enterprise that you may see."),
                more=f"{reverse('projects:list')}?{urlencode({'q': enterprise.name})}" if projects else "",
            )
        ],
    )
