"""Project and approval pages: thin, calling selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from parkos.core import charts, lists
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.models import User
from parkos.core.selectors import departments, parks
from parkos.core.views import is_htmx, schema_export_response, service_errors

from . import engine, selectors, services
from .filters import ProjectFilters
from .forms import (
    AnswerForm,
    ApprovalItemForm,
    AuthorizationForm,
    FlowForm,
    HandoverForm,
    ItemActionForm,
    MilestonePlanForm,
    MonthlyReportForm,
    ProblemForm,
    ProjectForm,
    TransitionForm,
    YearPlanForm,
)
from .models import (
    ApprovalConfig,
    ApprovalItem,
    Category,
    FlowTemplate,
    Level,
    Status,
)
from .services import ACTION_LABELS
from .workflows import ITEM, PROJECT

LIGHT_CHOICES = [
    (engine.GREEN, pgettext_lazy("light", "On time")),
    (engine.YELLOW, gettext_lazy("Due soon")),
    (engine.RED, pgettext_lazy("light", "Overdue")),
    (engine.DONE, pgettext_lazy("light", "Done")),
]
TABLE = lists.Table(
    [
        lists.Col("name", gettext_lazy("Project"), sort="name", header="项目名称", width=30),
        lists.Col("code", gettext_lazy("Project code"), sort="code", header="项目代码", width=24),
        lists.Col("investor", gettext_lazy("Investor"), export="investor.name", header="投资主体", width=30),
        lists.Col("uscc", "", export="investor.uscc", header="统一社会信用代码", width=22, page=False),
        lists.Col("category", "", export="get_category_display", header="类别", page=False),
        lists.Col("level", gettext_lazy("Level"), sort="level", export="get_level_display", header="级别"),
        lists.Col("kind", "", export="get_kind_display", header="建设性质", page=False),
        lists.Col("investment_type", "", export="get_investment_type_display", header="投资类型", page=False),
        lists.Col(
            "total_investment",
            gettext_lazy("Total investment"),
            sort="investment",
            export="total_investment",
            header="总投资(万元)",
        ),
        lists.Col(
            "invested",
            gettext_lazy("Invested"),
            export=lambda p: p.invested or 0,
            header="累计完成投资(万元)",
        ),
        lists.Col("park", "", export="park.name", header="片区", page=False),
        lists.Col(
            "department",
            gettext_lazy("Lead department"),
            sort="department",
            export="lead_department.name",
            header="牵头部门",
        ),
        lists.Col(
            "helper", "", export=lambda p: str(p.helper) if p.helper else "", header="帮代办专员", page=False
        ),
        lists.Col(
            "status", gettext_lazy("Status"), sort="status", export="get_status_display", header="状态"
        ),
        lists.Col("registered_on", "", export="registered_on", header="入库日期", page=False),
        lists.Col("light", gettext_lazy("Approvals"), sort="light", export=None),
    ],
    kind="projects",
    title="重点项目",
    export_order=[
        "code",
        "name",
        "investor",
        "uscc",
        "category",
        "level",
        "kind",
        "investment_type",
        "total_investment",
        "invested",
        "park",
        "department",
        "helper",
        "status",
        "registered_on",
    ],
)
LIFECYCLE_STEPS = {
    Status.SIGNED,
    Status.LAND,
    Status.STARTED,
    Status.COMPLETED,
    Status.PRODUCTION,
    Status.CAPACITY,
}


def _today() -> dt.date:
    return timezone.localdate()


def _staff_only(request: HttpRequest) -> None:
    if request.user.is_enterprise_user:
        raise Http404


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
    form = ProjectForm(request.POST or None, user=request.user, initial={"registered_on": _today()})
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
    today = _today()
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
        ),
        "reports": reports[::-1],
        "year_plans": project.year_plans.order_by("year"),
        "problems": project.problems.select_related("owner", "raised_by"),
        "board": selectors.approval_board(project),
        "events": selectors.item_events(project),
        "handovers": project.handovers.select_related("officer", "item__item"),
        "authorizations": project.authorizations.all(),
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
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ParkOSError as exc:
            service_errors(request, exc)
        else:
            messages.success(request, ok)
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return redirect(f"{redirect('projects:detail', pk=pk).url}{anchor}")


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
        lambda d: services.year_plan_set(
            user=request.user, pk=pk, year=d["year"], investment=d["investment"], funds=d["funds"]
        ),
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
    form = AnswerForm(request.POST)
    return _post(
        request,
        pk,
        form,
        lambda d: services.problem_answer(
            user=request.user, pk=problem_id, answer=d["answer"], close=d["close"]
        ),
        _("Answer saved."),
        "#problems",
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
    flow = request.POST.get("flow", "")
    try:
        services.approvals_start(user=request.user, pk=pk, flow_id=int(flow) if flow.isdigit() else None)
        messages.success(request, _("Approval stages laid out."))
    except ParkOSError as exc:
        service_errors(request, exc)
    return redirect("projects:board", pk=pk)


# ---- approvals ---------------------------------------------------------------------------------------------------
def _board_ctx(request: HttpRequest, project) -> dict:
    board = selectors.approval_board(project)
    user = request.user
    can_act = user.may("change") and not user.is_enterprise_user
    for stage in board:
        for it in stage["items"]:
            actions = []
            if can_act:
                for t in ITEM.buttons(it.state):
                    a = t.action
                    if a == "commit" and it.mode != "commitment":
                        continue
                    own = user.is_zone_wide and user.may("change") or user.department_id == it.department_id
                    helper = a in services.HELPER_ACTIONS and (
                        project.helper_id == user.pk or user.department_id == project.lead_department_id
                    )
                    if own or helper:
                        actions.append((a, t.label))
            it.actions = actions
            it.can_resubmit = (
                can_act
                and (it.state in {"returned", "rejected", "withdrawn", "revoked"} or it.result == "denied")
                and not any(x.previous_item_id == it.pk for x in stage["items"])
            )
    return {
        "project": project,
        "board": board,
        "events": selectors.item_events(project),
        "today": _today(),
        "is_enterprise": user.is_enterprise_user,
    }


@login_required
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    ctx = _board_ctx(request, project)
    ctx["flows"] = selectors.flows()
    ctx["can_change"] = (
        not request.user.is_enterprise_user
        and selectors.project_list(user=request.user, action="change").filter(pk=pk).exists()
    )
    return render(request, "projects/board.html", ctx)


@login_required
def item_action_view(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    it = selectors.item_get(user=request.user, project=project, pk=item_id)
    if request.method == "POST":
        form = ItemActionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "resubmit":
                    services.item_resubmit(user=request.user, pk=it.pk)
                else:
                    services.item_act(
                        user=request.user,
                        pk=it.pk,
                        action=d["action"],
                        on=d["on"],
                        note=d["note"] or "",
                        version=d.get("version"),
                        days=d.get("days"),
                        approved_by=d.get("approved_by"),
                        until=d.get("until"),
                        text_version=d.get("text_version"),
                    )
                messages.success(request, _("Saved."))
            except ParkOSError as exc:
                service_errors(request, exc)
        else:
            messages.error(request, _("Please correct the errors below."))
        if is_htmx(request):
            project = selectors.project_get(user=request.user, pk=pk)  # its clock and light as refreshed
            return render(request, "projects/_board.html", _board_ctx(request, project))
        return redirect("projects:board", pk=pk)
    action = request.GET.get("action", "")
    if action not in dict(ACTION_LABELS):
        raise Http404
    return render(
        request,
        "projects/_action_form.html",
        {
            "project": project,
            "it": it,
            "action": action,
            "label": dict(ACTION_LABELS)[action],
            "today": _today(),
        },
    )


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    officer = request.user
    if request.user.is_zone_wide and request.GET.get("officer", "").isdigit():
        officer = get_object_or_404(User, pk=int(request.GET["officer"]))
    ctx = selectors.officer_queue(user=request.user if officer == request.user else officer)
    ctx["officer"] = officer
    ctx["officers"] = selectors.helpers() if request.user.is_zone_wide else []
    ctx["alerts"] = selectors.alerts_for(user=request.user, limit=30)
    return render(request, "projects/queue.html", ctx)


def _date_param(request, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


@login_required
def department_report_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = _today()
    start = _date_param(request, "start", today.replace(month=1, day=1))
    end = _date_param(request, "end", today)
    rows = selectors.department_report(user=request.user, start=start, end=end)
    if request.GET.get("export") == "xlsx":
        schema = Schema(
            kind="approval-departments",
            title="部门审批时效",
            columns=[
                Column("department", "部门", text, width=20),
                Column("finished", "办结件数", text),
                Column("on_time", "按时办结", text),
                Column("on_time_rate", "按时办结率(%)", text),
                Column("avg_wd", "平均用时(工作日)", text),
                Column("correction_rate", "补正率(%)", text),
                Column("return_rate", "退件率(%)", text),
                Column("open_red", "在办超期件", text),
            ],
        )
        return schema_export_response(schema, rows, "approval-departments.xlsx")
    chart = charts.bar(
        [r["department"] for r in rows],
        {
            _("On-time rate (%)"): [r["on_time_rate"] for r in rows],
            _("Correction rate (%)"): [r["correction_rate"] for r in rows],
        },
    )
    return render(
        request, "projects/dept_report.html", {"rows": rows, "start": start, "end": end, "chart": chart}
    )


@login_required
def rates_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = _today()
    period = selectors.Period.from_query(request.GET, today.year)
    by = request.GET.get("by", "category")
    by = by if by in selectors.GROUPS else "category"
    metric = request.GET.get("metric", "")
    if metric:
        rows = selectors.rate_projects(
            user=request.user, period=period, metric=metric, by=by, group=request.GET.get("group", "")
        )
        return render(
            request,
            "projects/rate_projects.html",
            {"rows": rows, "period": period, "metric": metric, "group": request.GET.get("group", "")},
        )
    data = selectors.rates(user=request.user, period=period, by=by)
    if request.GET.get("export") == "xlsx":
        return schema_export_response(RATES_SCHEMA, _rate_records(data), f"project-rates-{period.label}.xlsx")
    rows = data["rows"]
    chart = charts.bar(
        [r["label"] for r in rows],
        {
            _("Start rate (%)"): [r["start"]["rate"] for r in rows],
            _("Production rate (%)"): [r["production"]["rate"] for r in rows],
            _("Investment completion (%)"): [r["investment_rate"] for r in rows],
        },
    )
    late = selectors.late_milestones(user=request.user, today=today)
    return render(
        request,
        "projects/rates.html",
        {
            "data": data,
            "chart": chart,
            "by": by,
            "groups": GROUP_LABELS,
            "late": late[:50],
            "late_count": len(late),
            "years": range(today.year - 4, today.year + 1),
        },
    )


GROUP_LABELS = selectors.GROUP_NAMES
RATES_SCHEMA = Schema(
    kind="project-rates",
    title="重点项目指标",
    columns=[
        Column("label", "分组", text, width=20),
        Column("projects", "项目数", text),
        Column("start_planned", "计划开工", text),
        Column("start_achieved", "实际开工", text),
        Column("start_rate", "开工率(%)", text),
        Column("production_planned", "计划投产", text),
        Column("production_achieved", "实际投产", text),
        Column("production_rate", "投产率(%)", text),
        Column("capacity_planned", "计划达产", text),
        Column("capacity_achieved", "实际达产", text),
        Column("capacity_rate", "达产率(%)", text),
        Column("plan_investment", "年度计划投资(万元)", text),
        Column("invested", "年度完成投资(万元)", text),
        Column("investment_rate", "年度投资完成率(%)", text),
        Column("pace_gap", "时序进度差(百分点)", text),
        Column("funds_year", "年度到位资金(万元)", text),
        Column("funds_rate_year", "年度资金到位率(%)", text),
        Column("funds_cum", "累计到位资金(万元)", text),
        Column("funds_rate_contract", "资金到位率(合同口径,%)", text),
    ],
)


def _rate_records(data):
    for r in [*data["rows"], data["total"]]:
        rec = {k: v for k, v in r.items() if not isinstance(v, dict)}
        for m in ("start", "production", "capacity"):
            rec[f"{m}_planned"], rec[f"{m}_achieved"], rec[f"{m}_rate"] = (
                r[m]["planned"],
                r[m]["achieved"],
                r[m]["rate"],
            )
        yield {k: ("" if v is None else v) for k, v in rec.items()}


@login_required
def reports_due_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    today = _today()
    default = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = default
    data = selectors.missing_reports(user=request.user, month=month, today=today)
    if request.GET.get("export") == "xlsx":
        schema = Schema(
            kind="reports-missing",
            title="月报未报项目",
            columns=[
                Column("code", "项目代码", text, width=24),
                Column("name", "项目名称", text, width=30),
                Column("department", "牵头部门", text),
                Column("helper", "帮代办专员", text),
            ],
        )
        records = [
            {
                "code": p.code,
                "name": p.name,
                "department": p.lead_department.name,
                "helper": str(p.helper or ""),
            }
            for p in data["missing"]
        ]
        return schema_export_response(schema, records, f"reports-missing-{month:%Y-%m}.xlsx")
    return render(request, "projects/reports_due.html", data)


# ---- configuration ---------------------------------------------------------------------------------------------
@login_required
def flows_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    cfg = ApprovalConfig.get()
    if request.method == "POST":
        try:
            data = {
                "yellow_ratio": Decimal(request.POST.get("yellow_ratio") or cfg.yellow_ratio),
                "yellow_min_wd": int(request.POST.get("yellow_min_wd") or cfg.yellow_min_wd),
                "deem_accept_wd": int(request.POST.get("deem_accept_wd") or cfg.deem_accept_wd),
                "accept_on_nonworking": request.POST.get("accept_on_nonworking") or cfg.accept_on_nonworking,
                "report_due_day": int(request.POST.get("report_due_day") or cfg.report_due_day),
            }
        except (ValueError, ArithmeticError):
            messages.error(request, _("Enter numbers in the settings."))
            return redirect("projects:flows")
        try:
            services.approval_config_update(user=request.user, data=data)
            messages.success(request, _("Settings saved."))
        except ParkOSError as exc:
            service_errors(request, exc)
        return redirect("projects:flows")
    return render(
        request,
        "projects/flows.html",
        {
            "cfg": cfg,
            "flows": selectors.flows().prefetch_related("items"),
            "items": selectors.catalogue_items(),
            "can_configure": request.user.may("configure"),
            "nonworking": ApprovalConfig.AcceptOnNonWorking.choices,
        },
    )


@login_required
def flow_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.may("configure"):
        raise Http404
    flow = get_object_or_404(FlowTemplate, pk=pk)
    form = FlowForm(request.POST or None, instance=flow, initial={"version": flow.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "items"}}
        try:
            services.flow_update(
                user=request.user,
                pk=pk,
                version=form.cleaned_data.get("version"),
                data=data,
                item_ids=[i.pk for i in form.cleaned_data["items"]],
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("projects:flows")
    return render(request, "projects/config_form.html", {"form": form, "title": flow.name})


@login_required
def approval_item_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.may("configure"):
        raise Http404
    item = get_object_or_404(ApprovalItem, pk=pk)
    form = ApprovalItemForm(request.POST or None, instance=item, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.approval_item_update(
                user=request.user, pk=pk, version=form.cleaned_data.get("version"), data=data
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("projects:flows")
    return render(request, "projects/config_form.html", {"form": form, "title": str(item)})
