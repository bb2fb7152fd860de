"""Work-plan pages: plans, upload with a preview, the board, assignment, a department's tasks, the task page,
the ranking, the ledger (.xlsx) and the monthly bulletin (.docx). Thin: selectors and services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core import access, capabilities, charts
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import MonthParams, QueryParams
from parkos.core.selectors import departments
from parkos.core.views import (
    docx_response,
    form_post,
    is_htmx,
    next_url,
    schema_export_response,
    service_errors,
    staff_only,
)

from . import engine, selectors, services
from .exports import bulletin_docx
from .forms import (
    AssignForm,
    AssignParams,
    InstructionAnswerForm,
    InstructionForm,
    KeywordRuleForm,
    MilestoneForm,
    PlanYearForm,
    ProgressForm,
    settings_form,
)
from .imports import LEDGER_SCHEMA
from .models import SUPERVISION_OFFICE, Status, WorkplanConfig, is_supervisor
from .reader import UnreadableDocument, read_document

STATUS_CSS = {
    Status.NOT_STARTED: "bg-secondary-lt",
    Status.IN_PROGRESS: "bg-blue-lt",
    Status.LAGGING: "bg-yellow text-dark",
    Status.DONE: "bg-green text-white",
    Status.OVERDUE: "bg-red text-white",
}
SESSION_KEY = "workplan_upload"


@login_required
def plan_index(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    ctx = {
        "plans": selectors.plan_list(user=request.user),
        "can_import": is_supervisor(request.user) and request.user.may("change"),
        "years": range(timezone.localdate().year - 6, timezone.localdate().year + 2),
        "this_year": timezone.localdate().year,
    }
    return render(request, "workplan/index.html", ctx)


@login_required
def plan_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: read and parse the document, show the tree; step 2 (`confirm`): store it."""
    staff_only(request)
    if not (is_supervisor(request.user) and request.user.may("change")):
        raise Http404
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.error(request, _("Upload the document again."))
            return redirect("workplan:index")
        year_form = PlanYearForm(request.POST)
        if not year_form.is_valid():
            messages.error(request, _("Choose the year of the plan."))
            return redirect("workplan:index")
        try:
            plan = services.plan_import(
                user=request.user,
                result=engine.parse(stored["text"]),
                year=year_form.cleaned_data["year"],
                source_name=stored["name"],
            )
        except ParkOSError as exc:
            service_errors(request, exc)
            return redirect("workplan:index")
        services.refresh(plan_id=plan.pk)
        del request.session[SESSION_KEY]
        messages.success(request, _("Plan stored: %(n)s tasks to assign.") % {"n": plan.tasks.count()})
        return redirect("workplan:assign", pk=plan.pk)
    upload = request.FILES.get("file")
    if request.method != "POST" or upload is None:
        return redirect("workplan:index")
    try:
        text = read_document(upload.read(), name=upload.name)
    except UnreadableDocument as exc:
        messages.error(request, _("The document cannot be read: %(reason)s") % {"reason": exc})
        return redirect("workplan:index")
    result = engine.parse(text)
    request.session[SESSION_KEY] = {"text": text, "name": upload.name[:200]}
    year = result.published.year if result.published else timezone.localdate().year
    return render(
        request,
        "workplan/preview.html",
        {"result": result, "name": upload.name, "year": year, "n_nodes": sum(1 for _n in result.nodes())},
    )


@login_required
def plan_board(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    plan = selectors.plan_get(user=request.user, pk=pk)
    filters = selectors.BoardFilters.from_query(request.GET)
    data = selectors.board(user=request.user, plan=plan, filters=filters)
    if QueryParams.of(request).export == "xlsx":
        return schema_export_response(
            LEDGER_SCHEMA,
            selectors.ledger_records(user=request.user, plan=plan),
            f"ledger-{plan.year}.xlsx",
        )
    ranking = selectors.ranking(user=request.user, plan=plan)
    labels = dict(Status.choices)
    chapters = [(f"{n['point'].label}{n['point'].title[:10]}", n["counts"]) for n in data["tree"]]
    ctx = {
        "plan": plan,
        "data": data,
        "filters": filters,
        "statuses": Status.choices,
        "status_css": STATUS_CSS,
        "departments": selectors.departments_with_tasks(plan),
        "ranking": ranking,
        "is_supervisor": is_supervisor(request.user) and request.user.may("change"),
        "chart_chapters": _stacked([c for c, _n in chapters], [n for _c, n in chapters], labels),
        "chart_departments": _stacked(
            [r["department"] for r in ranking],
            [{s: r[s] for s in ("done", "in_progress", "lagging", "overdue")} for r in ranking],
            labels,
        ),
    }
    return render(request, "workplan/_board.html" if is_htmx(request) else "workplan/board.html", ctx)


def _stacked(categories, counts, labels) -> dict:
    order = [Status.DONE, Status.IN_PROGRESS, Status.LAGGING, Status.OVERDUE, Status.NOT_STARTED]
    colours = {
        Status.DONE: "#2fb344",
        Status.IN_PROGRESS: "#206bc4",
        Status.LAGGING: "#f59f00",
        Status.OVERDUE: "#d63939",
        Status.NOT_STARTED: "#adb5bd",
    }
    option = charts.bar(
        list(categories),
        {str(labels[s]): [c.get(s, 0) for c in counts] for s in order if any(s in c for c in counts)},
    )
    option["legend"] = {"show": True}
    for s in option["series"]:
        s["stack"] = "status"
        key = next(k for k in order if str(labels[k]) == s["name"])
        s["itemStyle"] = {"color": colours[key]}
    return option


@login_required
def plan_assign(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    if not (is_supervisor(request.user) and request.user.may("change")):
        raise Http404
    plan = selectors.plan_get(user=request.user, pk=pk)
    if request.method == "POST" and "apply_suggestions" in request.POST:
        n = services.apply_suggestions(user=request.user, plan_id=plan.pk)
        services.refresh(plan_id=plan.pk)
        messages.success(request, _("Suggestions applied to %(n)s tasks.") % {"n": n})
        return redirect("workplan:assign", pk=pk)
    tasks = (
        selectors.task_list(user=request.user, plan=plan).select_related("suggested_lead").order_by("order")
    )
    only = AssignParams.of(request, only="").only
    if only == "unassigned":
        tasks = tasks.filter(lead__isnull=True)
    depts = list(departments())
    names = {d.pk: d.name for d in depts}
    rows = []
    for t in tasks:
        co = [names.get(int(x), "") for x in t.suggested_co.split(",") if x]
        rows.append({"t": t, "suggested_co": "、".join(c for c in co if c)})
    return render(
        request,
        "workplan/assign.html",
        {"plan": plan, "rows": rows, "departments": depts, "only": only},
    )


@login_required
@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)

    def assign(d) -> None:
        services.task_assign(
            user=request.user,
            pk=task.pk,
            version=d["version"],
            lead=d["lead"],
            co=list(d["co"]),
            deadline=d["deadline"],
            responsible=d["responsible"],
        )
        services.refresh(task_ids=[task.pk])

    back = form_post(
        request,
        AssignForm(request.POST),
        assign,
        ok=_("Task %(seq)s assigned.") % {"seq": task.seq},
        back=next_url(request, reverse("workplan:task", kwargs={"pk": pk})),
    )
    if is_htmx(request):
        task = selectors.task_get(user=request.user, pk=pk)
        return render(
            request, "workplan/_assign_row.html", {"row": {"t": task}, "departments": departments()}
        )
    return back


@login_required
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    ctx = selectors.task_detail(user=request.user, pk=pk)
    ctx["today"] = timezone.localdate()
    ctx["status_css"] = STATUS_CSS
    ctx["departments"] = departments()
    return render(request, "workplan/task.html", ctx)


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.task_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(
        request,
        ProgressForm(request.POST, request.FILES),
        lambda d: services.progress_report(
            user=request.user,
            pk=pk,
            text=d["text"],
            percent=d["percent"] or 0,
            on=d["on"],
            attachment=d["attachment"],
        ),
        ok=_("Progress reported."),
        back=reverse("workplan:task", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def task_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.task_get(user=request.user, pk=pk)

    def save(d) -> None:
        if d["done"]:
            services.milestone_done(user=request.user, pk=d["done"])
        else:
            services.milestone_add(user=request.user, pk=pk, due=d["due"], target=d["target"])

    return form_post(
        request,
        MilestoneForm(request.POST),
        save,
        ok=_("Saved."),
        back=reverse("workplan:task", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def task_instruct(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.task_get(user=request.user, pk=pk)  # 404 outside the user's scope, before the form is read
    return form_post(
        request,
        InstructionForm(request.POST),
        lambda d: services.instruction_add(user=request.user, pk=pk, text=d["text"]),
        ok=_("Instruction sent to the lead department."),
        back=reverse("workplan:task", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def instruction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    task_id = selectors.instruction_task_id(user=request.user, pk=pk)  # 404 when out of scope
    return form_post(
        request,
        InstructionAnswerForm(request.POST),
        lambda d: services.instruction_answer(user=request.user, pk=pk, answer=d["answer"]),
        ok=_("Answer saved."),
        back=reverse("workplan:task", kwargs={"pk": task_id}),
    )


@login_required
@access.page("workplan:mine", lambda user: user.department_id is not None and not user.is_enterprise_user)
def my_tasks(request: HttpRequest) -> HttpResponse:
    ctx = selectors.my_tasks(user=request.user)
    ctx["status_css"] = STATUS_CSS
    return render(request, "workplan/mine.html", ctx)


@login_required
def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    plan = selectors.plan_get(user=request.user, pk=pk)
    today = timezone.localdate()
    month = MonthParams.of(request, month=today.replace(day=1)).month
    data = selectors.monthly_bulletin(user=request.user, plan=plan, month=month, today=today)
    return docx_response(
        bulletin_docx(data, WorkplanConfig.get()), f"bulletin-{plan.year}-{month:%Y-%m}.docx"
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    can = is_supervisor(request.user) and request.user.may("change")
    back = reverse("workplan:rules")
    if request.method == "POST" and "settings" in request.POST and WorkplanConfig.may_change(request.user):
        return form_post(
            request,
            settings_form(request.POST),
            lambda d: services.config_update(user=request.user, data=d),
            ok=_("Settings saved."),
            back=back,
        )
    if request.method == "POST" and can:

        def save_rule(d) -> None:
            if d["delete"]:
                services.rule_delete(user=request.user, pk=d["delete"])
            else:
                services.rule_add(user=request.user, keyword=d["keyword"], department_id=d["department"].pk)

        return form_post(request, KeywordRuleForm(request.POST), save_rule, ok=_("Saved."), back=back)
    cfg = WorkplanConfig.get()
    return render(
        request,
        "workplan/rules.html",
        {
            "rules": selectors.keyword_rules(),
            "departments": departments(),
            "can": can,
            "cfg": cfg,
            "office": capabilities.holder_department(SUPERVISION_OFFICE),
            "can_configure": WorkplanConfig.may_change(request.user),
        },
    )
