"""Credit supervision pages: the overview, records and classes, repairs, the 双随机 directories, tasks with their
draw, the results board, the enterprise's own page, and the public draw records and results. Thin: selectors read,
services write; every list is the kernel's list page (search, filters, sort, pagination, Excel)."""

from __future__ import annotations

import json
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import access, charts, lists
from parkos.core import selectors as core_selectors
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import style_widgets
from parkos.core.models import LIGHT_BADGE, Light
from parkos.core.registries import Cell
from parkos.core.selectors import history_entries
from parkos.core.views import form_errors, form_post, service_errors

from . import engine, selectors, services
from .filters import (
    ConflictFilters,
    DrawFilters,
    InspectionFilters,
    InspectorFilters,
    ItemFilters,
    ProfileFilters,
    PublicResultFilters,
    RecordFilters,
    RepairFilters,
    TaskFilters,
)
from .forms import (
    ConflictForm,
    InspectionActionForm,
    InspectorForm,
    ItemForm,
    RecordActionForm,
    RecordForm,
    RecordParams,
    RepairApplyForm,
    RepairDecideForm,
    ResultForm,
    TaskActionForm,
    TaskForm,
)
from .models import (
    DECLARATION,
    WITHDRAWN,
    CreditConfig,
    InspectionState,
    RecordKind,
    RecordStatus,
    RepairState,
    Result,
    TaskState,
    runs_credit,
)
from .workflows import INSPECTION, TASK

CLASS_BADGE = {"A": "bg-green-lt", "B": "bg-blue-lt", "C": "bg-yellow-lt", "D": "bg-red-lt"}
STATUS_BADGE = {
    RecordStatus.PUBLISHED: "bg-red-lt",
    RecordStatus.REPAIR_PENDING: "bg-yellow-lt",
    RecordStatus.REPAIRED: "bg-green-lt",
    RecordStatus.EXPIRED: "bg-secondary-lt",
    RecordStatus.REMOVED: "bg-secondary-lt",
}
INPUT_LABELS = {
    "samr": gettext_lazy("SAMR risk class"),
    "tax_credit": gettext_lazy("Tax credit (A/B/M/C/D)"),
    "environment": gettext_lazy("Environmental credit"),
    "safety": gettext_lazy("Work-safety credit"),
    "construction": gettext_lazy("Construction-market credit"),
    "customs": gettext_lazy("Customs credit"),
    **{k: v for k, v in RecordKind.choices},
}
EXCLUSION_LABELS = {
    "closed": gettext_lazy("not operating"),
    "a_exempt": gettext_lazy("class A, not inspected proactively"),
    "recent": gettext_lazy("inspected for the same item within the period"),
    "year_limit": gettext_lazy("yearly inspections reached"),
}
MANUAL_LABELS = {
    engine.NO_TEAM: gettext_lazy("too few eligible inspectors"),
    engine.DEPT_MISSING: gettext_lazy("a department has no eligible inspector"),
    WITHDRAWN: gettext_lazy("an inspector withdrew for a conflict"),
}


def _staff(user) -> bool:
    return user.is_authenticated and not user.is_enterprise_user


def _writer(user) -> bool:
    return _staff(user) and user.may("change")


def _light_cell(light: str) -> Cell:
    if not light:
        return Cell("—")
    return Cell(Light(light).label, badge=LIGHT_BADGE.get(light, ""))


def _nav(request: HttpRequest) -> dict:
    return {"credit_office": runs_credit(request.user), "may_change": _writer(request.user)}


def _filter_context(fs, selects: dict) -> dict:
    """The filter form as the page shows it: record filters chosen from a list (departments, parks) as selects,
    Tabler classes on every widget."""
    from django import forms

    for name, choices in selects.items():
        field = fs.form.fields.get(name)
        if field is not None:
            field.widget = forms.Select(choices=[("", _("All")), *choices])
    for field in fs.form.fields.values():
        if (
            isinstance(field.widget, forms.Select)
            and field.widget.choices
            and field.widget.choices[0][0] == ""
        ):
            field.widget.choices = [("", _("All")), *list(field.widget.choices)[1:]]
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    style_widgets(fs.form)
    return _nav(fs.request)


def _departments():
    return list(core_selectors.departments().values_list("pk", "name"))


def _parks():
    return list(core_selectors.parks().values_list("pk", "name"))


# ---- overview --------------------------------------------------------------------------------------------------
@login_required
@access.page("credit:overview", _staff)
def overview_view(request: HttpRequest) -> HttpResponse:
    data = selectors.overview(user=request.user)
    classes = data["classes"]
    parks = sorted({r["enterprise__park__name"] or "—" for r in data["by_park"]})
    by_park = {c: [0] * len(parks) for c in "ABCD"}
    for r in data["by_park"]:
        by_park[r["effective_class"]][parks.index(r["enterprise__park__name"] or "—")] = r["n"]
    divisions = sorted({r["enterprise__industry_division"] or "—" for r in data["by_division"]})
    by_division = {c: [0] * len(divisions) for c in "ABCD"}
    for r in data["by_division"]:
        by_division[r["effective_class"]][divisions.index(r["enterprise__industry_division"] or "—")] = r["n"]
    kind_label = dict(RecordKind.choices)
    return render(
        request,
        "credit/overview.html",
        {
            **data,
            "lists": [(kind_label[k], n) for k, n in sorted(data["lists"].items())],
            "chart_classes": charts.bar(
                [f"{c}" for c in "ABCD"], {_("Enterprises"): [classes[c] for c in "ABCD"]}
            ),
            "chart_parks": charts.bar(parks, {c: by_park[c] for c in "ABCD"}, stacked=True),
            "chart_divisions": charts.bar(divisions, {c: by_division[c] for c in "ABCD"}, stacked=True),
            **_nav(request),
        },
    )


# ---- records ---------------------------------------------------------------------------------------------------
def _record_rows(request: HttpRequest, rows) -> None:
    selectors.with_record_lights(rows)
    for r in rows:
        r.cells = [
            Cell(r.decided_on.isoformat(), reverse("credit:record", args=[r.pk])),
            Cell(r.enterprise.name),
            Cell(r.get_kind_display()),
            Cell(r.get_severity_display() or "—"),
            Cell(r.title, reverse("credit:record", args=[r.pk])),
            Cell(r.department.name if r.department else r.authority or "—"),
            Cell(r.get_status_display(), badge=STATUS_BADGE.get(r.status, "")),
            Cell(r.repair_from.isoformat() if r.repair_from else "—"),
            Cell(r.publish_until.isoformat() if r.publish_until else "—"),
            _light_cell(r.light),
        ]


RECORD_TABLE = lists.Table(
    [
        lists.Col("decided_on", gettext_lazy("decided on"), "decided_on"),
        lists.Col(
            "enterprise", gettext_lazy("enterprise"), "enterprise__name", export="enterprise.name", width=30
        ),
        lists.Col("uscc", gettext_lazy("USCC"), export="enterprise.uscc", page=False, width=22),
        lists.Col("kind", gettext_lazy("kind"), "kind", export="get_kind_display"),
        lists.Col("severity", gettext_lazy("severity"), export="get_severity_display"),
        lists.Col("title", gettext_lazy("matter"), width=30),
        lists.Col("department", gettext_lazy("deciding department"), export="department.name"),
        lists.Col("status", gettext_lazy("status"), "status", export="get_status_display"),
        lists.Col("repair_from", gettext_lazy("repair from"), "repair_from"),
        lists.Col("publish_until", gettext_lazy("published until"), "publish_until"),
        lists.Col("light", gettext_lazy("publication"), export=None),
        lists.Col("document_no", gettext_lazy("document number"), page=False),
        lists.Col("published_on", gettext_lazy("published on"), page=False),
    ],
    kind="credit-records",
    title="信用记录",
)


def _record_context(request, page, fs) -> dict:
    form = RecordForm(initial={"decided_on": timezone.localdate()})
    return {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Credit records"),
        "form": form if _writer(request.user) else None,
        "form_title": _("New credit record"),
        "empty": _("No credit records match."),
    }


record_list = lists.ListPage(
    name="credit-records",
    url="credit:records",
    queryset=lambda request: selectors.record_list(user=request.user),
    filters=RecordFilters,
    table=RECORD_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-records.xlsx",
    context=_record_context,
    rows=_record_rows,
    staff_only=True,
)


@login_required
@access.page("credit:records", _staff)
def records_view(request: HttpRequest) -> HttpResponse:
    return lists.list_with_form(
        request,
        record_list,
        form_class=RecordForm,
        save=lambda d: services.record_create(
            user=request.user,
            enterprise_id=d["enterprise"],
            kind=d["kind"],
            severity=d["severity"],
            title=d["title"],
            document_no=d["document_no"],
            decided_on=d["decided_on"],
        ),
        success=_("Record saved."),
        then=lambda r: reverse("credit:record", args=[r.pk]),
    )


@login_required
@access.page("credit:record", _staff)
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    if request.method == "POST":
        if RecordActionForm(
            request.POST
        ).is_valid():  # the publish button (the repair decision has no action)
            form = RecordActionForm(request.POST)
            return form_post(
                request,
                form,
                lambda d: services.record_publish(user=request.user, pk=pk, version=d["version"]),
                ok=_("Published."),
                back=reverse("credit:record", args=[pk]),
            )
        form = RepairDecideForm(request.POST)
        return form_post(
            request,
            form,
            lambda d: services.repair_decide(
                user=request.user,
                pk=d["application"],
                approve=d["approve"],
                decision=d["decision"],
                version=d["version"],
            ),
            ok=_("Decision recorded."),
            back=reverse("credit:record", args=[pk]),
        )
    selectors.with_record_lights([record])
    repairs = list(record.repairs.select_related("applicant", "decided_by").prefetch_related("events__by"))
    may_decide = [a for a in repairs if a.state == RepairState.SUBMITTED and _decides(request.user, a)]
    history = history_entries([(str(record._meta.verbose_name), record.history.all())])
    return render(
        request,
        "credit/record.html",
        {
            "record": record,
            "repairs": repairs,
            "may_decide": {a.pk for a in may_decide},
            "decide_form": RepairDecideForm(),
            "may_publish": _writer(request.user)
            and record.published_on is None
            and (runs_credit(request.user) or record.department_id == request.user.department_id),
            "history": history,
            **_nav(request),
        },
    )


def _decides(user, app) -> bool:
    from .workflows import REPAIR

    return any(t.action == "approve" for t in REPAIR.available(user, app))


# ---- classes ---------------------------------------------------------------------------------------------------
def _profile_rows(request: HttpRequest, rows) -> None:
    for p in rows:
        flags = [
            str(label)
            for flag, label in (
                (p.serious, _("serious discredit")),
                (p.abnormal, _("abnormal operations")),
                (p.watch, _("watch list")),
                (p.data_fraud, _("falsified statistics")),
            )
            if flag
        ]
        p.cells = [
            Cell(p.enterprise.name, reverse("enterprises:detail", args=[p.enterprise_id])),
            Cell(p.enterprise.uscc),
            Cell(p.enterprise.park.name if p.enterprise.park else "—"),
            Cell(p.effective_class, badge=CLASS_BADGE.get(p.effective_class, "")),
            Cell(p.samr_class or "—"),
            Cell("、".join(flags) or "—"),
            Cell(p.discredit, number=True),
        ]


PROFILE_TABLE = lists.Table(
    [
        lists.Col("enterprise", gettext_lazy("enterprise"), "name", export="enterprise.name", width=30),
        lists.Col("uscc", gettext_lazy("USCC"), export="enterprise.uscc", width=22),
        lists.Col("park", gettext_lazy("park"), export="enterprise.park.name"),
        lists.Col("effective_class", gettext_lazy("effective class"), "class"),
        lists.Col("samr_class", gettext_lazy("SAMR class"), "samr"),
        lists.Col(
            "lists",
            gettext_lazy("lists"),
            export=lambda p: "、".join(
                n for f, n in ((p.serious, "严重失信"), (p.abnormal, "经营异常"), (p.watch, "重点关注")) if f
            ),
        ),
        lists.Col("discredit", gettext_lazy("discredit records in force"), "records"),
    ],
    kind="credit-classes",
    title="企业信用分类",
)

profile_list = lists.ListPage(
    name="credit-classes",
    url="credit:classes",
    queryset=lambda request: selectors.profile_list(user=request.user),
    filters=ProfileFilters,
    table=PROFILE_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-classes.xlsx",
    context=lambda request, page, fs: {
        **_filter_context(fs, {"park": _parks()}),
        "heading": _("Credit classes"),
        "empty": _("No enterprises match."),
    },
    rows=_profile_rows,
    staff_only=True,
)
classes_view = login_required(access.page("credit:classes", _staff)(profile_list))


# ---- repairs ---------------------------------------------------------------------------------------------------
def _repair_rows(request: HttpRequest, rows) -> None:
    for a in rows:
        a.cells = [
            Cell(a.submitted_on.isoformat()),
            Cell(a.enterprise.name),
            Cell(a.record.title, reverse("credit:record", args=[a.record_id])),
            Cell(a.department.name if a.department else "—"),
            Cell(a.get_state_display()),
            Cell(a.due.isoformat()),
            Cell(a.decided_on.isoformat() if a.decided_on else "—"),
        ]


REPAIR_TABLE = lists.Table(
    [
        lists.Col("submitted_on", gettext_lazy("submitted on"), "submitted_on"),
        lists.Col(
            "enterprise", gettext_lazy("enterprise"), "enterprise__name", export="enterprise.name", width=30
        ),
        lists.Col("record", gettext_lazy("record"), export="record.title", width=30),
        lists.Col("department", gettext_lazy("deciding department"), export="department.name"),
        lists.Col("state", gettext_lazy("state"), "state", export="get_state_display"),
        lists.Col("due", gettext_lazy("decision due"), "due"),
        lists.Col("decided_on", gettext_lazy("decided on")),
    ],
    kind="credit-repairs",
    title="信用修复申请",
)

repair_list = lists.ListPage(
    name="credit-repairs",
    url="credit:repairs",
    queryset=lambda request: selectors.repair_list(user=request.user),
    filters=RepairFilters,
    table=REPAIR_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-repairs.xlsx",
    context=lambda request, page, fs: {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Repair applications"),
        "empty": _("No repair applications match."),
    },
    rows=_repair_rows,
    staff_only=True,
)
repairs_view = login_required(access.page("credit:repairs", _staff)(repair_list))


# ---- items, inspectors, conflicts --------------------------------------------------------------------------------
def _item_rows(request: HttpRequest, rows) -> None:
    for i in rows:
        i.cells = [
            Cell(i.code),
            Cell(i.name),
            Cell(i.department.name),
            Cell(i.get_kind_display()),
            Cell(i.qualification or "—"),
            Cell(" / ".join(engine.fraction_text(Fraction(str(r))) for r in i.ratios().values())),
            Cell(_("yes") if i.a_class_exempt else _("no")),
        ]


ITEM_TABLE = lists.Table(
    [
        lists.Col("code", gettext_lazy("code"), "code"),
        lists.Col("name", gettext_lazy("item"), "name", width=30),
        lists.Col("department", gettext_lazy("department"), export="department.name"),
        lists.Col("kind", gettext_lazy("kind"), "kind", export="get_kind_display"),
        lists.Col("qualification", gettext_lazy("qualification needed")),
        lists.Col(
            "ratios",
            gettext_lazy("ratios A / B / C / D / none"),
            export=lambda i: " / ".join(str(r) for r in i.ratios().values()),
        ),
        lists.Col("a_class_exempt", gettext_lazy("无事不扰")),
    ],
    kind="credit-items",
    title="随机抽查事项清单",
)


def _item_context(request, page, fs) -> dict:
    return {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Inspection items"),
        "form": ItemForm() if _writer(request.user) else None,
        "form_title": _("New inspection item"),
        "empty": _("No inspection items match."),
    }


item_list = lists.ListPage(
    name="credit-items",
    url="credit:items",
    queryset=lambda request: selectors.item_list(user=request.user),
    filters=ItemFilters,
    table=ITEM_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-items.xlsx",
    context=_item_context,
    rows=_item_rows,
    staff_only=True,
)


@login_required
@access.page("credit:items", _staff)
def items_view(request: HttpRequest) -> HttpResponse:
    return lists.list_with_form(
        request,
        item_list,
        form_class=ItemForm,
        save=lambda d: services.item_save(user=request.user, data=d),
        success=_("Item saved."),
        then="credit:items",
    )


def _inspector_rows(request: HttpRequest, rows) -> None:
    today = timezone.localdate()
    for i in rows:
        lapsed = i.certificate_until is None or i.certificate_until < today
        on_leave = bool(i.leave_from and i.leave_from <= today <= (i.leave_until or today))
        i.cells = [
            Cell(i.number),
            Cell(i.name),
            Cell(i.department.name),
            Cell(i.certificate_no or "—"),
            Cell(
                i.certificate_until.isoformat() if i.certificate_until else "—",
                badge="bg-red-lt" if lapsed else "",
            ),
            Cell(i.qualifications or "—"),
            Cell(_("on leave") if on_leave else (_("active") if i.active else _("inactive"))),
            Cell(i.n_open, number=True),
            Cell(i.n_total, number=True),
        ]


INSPECTOR_TABLE = lists.Table(
    [
        lists.Col("number", gettext_lazy("inspector number"), "number"),
        lists.Col("name", gettext_lazy("name"), "name"),
        lists.Col("department", gettext_lazy("department"), export="department.name"),
        lists.Col("certificate_no", gettext_lazy("enforcement certificate")),
        lists.Col("certificate_until", gettext_lazy("certificate valid until"), "until"),
        lists.Col("qualifications", gettext_lazy("qualifications"), width=24),
        lists.Col("active", gettext_lazy("status")),
        lists.Col("n_open", gettext_lazy("open inspections"), "open"),
        lists.Col("n_total", gettext_lazy("inspections this year"), "total"),
    ],
    kind="credit-inspectors",
    title="执法检查人员名录库",
)


def _inspector_context(request, page, fs) -> dict:
    return {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Inspectors and workload"),
        "form": InspectorForm() if _writer(request.user) else None,
        "form_title": _("New inspector"),
        "empty": _("No inspectors match."),
        "chart": charts.bar(
            [i.name for i in page],
            {
                _("open inspections"): [i.n_open for i in page],
                _("inspections this year"): [i.n_total for i in page],
            },
        ),
    }


inspector_list = lists.ListPage(
    name="credit-inspectors",
    url="credit:inspectors",
    queryset=lambda request: selectors.workload(user=request.user, year=timezone.localdate().year),
    filters=InspectorFilters,
    table=INSPECTOR_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-inspectors.xlsx",
    context=_inspector_context,
    rows=_inspector_rows,
    staff_only=True,
    personal=True,
)


@login_required
@access.page("credit:inspectors", _staff)
def inspectors_view(request: HttpRequest) -> HttpResponse:
    return lists.list_with_form(
        request,
        inspector_list,
        form_class=InspectorForm,
        save=lambda d: services.inspector_save(user=request.user, data=d),
        success=_("Inspector saved."),
        then="credit:inspectors",
    )


def _conflict_rows(request: HttpRequest, rows) -> None:
    for c in rows:
        c.cells = [
            Cell(f"{c.inspector.name}（{c.inspector.number}）"),
            Cell(c.inspector.department.name),
            Cell(c.enterprise.name),
            Cell(c.get_reason_display()),
            Cell(c.declared_on.isoformat()),
            Cell(c.note or "—"),
        ]


CONFLICT_TABLE = lists.Table(
    [
        lists.Col("inspector", gettext_lazy("inspector"), "inspector__number", export="inspector.name"),
        lists.Col("department", gettext_lazy("department"), export="inspector.department.name"),
        lists.Col(
            "enterprise", gettext_lazy("enterprise"), "enterprise__name", export="enterprise.name", width=30
        ),
        lists.Col("reason", gettext_lazy("reason"), "reason", export="get_reason_display"),
        lists.Col("declared_on", gettext_lazy("declared on"), "declared_on"),
        lists.Col("note", gettext_lazy("note")),
    ],
    kind="credit-conflicts",
    title="回避申报",
)


def _inspectors_for(request: HttpRequest):
    return selectors.inspector_list(user=request.user).filter(active=True).order_by("number")


def _conflict_context(request, page, fs) -> dict:
    return {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Declared conflicts"),
        "form": ConflictForm(inspectors=_inspectors_for(request)) if _writer(request.user) else None,
        "form_title": _("Declare a conflict"),
        "empty": _("No conflicts declared."),
    }


conflict_list = lists.ListPage(
    name="credit-conflicts",
    url="credit:conflicts",
    queryset=lambda request: selectors.conflict_list(user=request.user),
    filters=ConflictFilters,
    table=CONFLICT_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-conflicts.xlsx",
    context=_conflict_context,
    rows=_conflict_rows,
    staff_only=True,
    personal=True,
)


@login_required
@access.page("credit:conflicts", _staff)
def conflicts_view(request: HttpRequest) -> HttpResponse:
    """Declared conflicts (回避) of the inspectors the user may see; the form declares one."""
    return lists.list_with_form(
        request,
        conflict_list,
        form_class=lambda data: ConflictForm(data, inspectors=_inspectors_for(request)),
        save=lambda d: services.conflict_declare(
            user=request.user,
            inspector_id=d["inspector"],
            enterprise_id=d["enterprise"],
            reason=d["reason"],
            note=d["note"],
        ),
        success=_("Conflict declared."),
        then="credit:conflicts",
    )


# ---- tasks -----------------------------------------------------------------------------------------------------
def _task_rows(request: HttpRequest, rows) -> None:
    for t in rows:
        t.cells = [
            Cell(t.code, reverse("credit:task", args=[t.pk])),
            Cell(t.name, reverse("credit:task", args=[t.pk])),
            Cell(t.department.name),
            Cell(t.planned_on.isoformat()),
            Cell(t.get_state_display()),
            Cell(t.n_objects, number=True),
            Cell(t.n_published, number=True),
        ]


TASK_TABLE = lists.Table(
    [
        lists.Col("code", gettext_lazy("task number"), "code"),
        lists.Col("name", gettext_lazy("task"), width=30),
        lists.Col("department", gettext_lazy("lead department"), export="department.name"),
        lists.Col("planned_on", gettext_lazy("draw date"), "planned_on"),
        lists.Col("state", gettext_lazy("state"), "state", export="get_state_display"),
        lists.Col("n_objects", gettext_lazy("objects"), "n_objects"),
        lists.Col("n_published", gettext_lazy("published")),
    ],
    kind="credit-tasks",
    title="双随机抽查任务",
)


def _task_context(request, page, fs) -> dict:
    return {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Inspection tasks"),
        "form": TaskForm(initial={"planned_on": timezone.localdate()}) if _writer(request.user) else None,
        "form_title": _("New inspection task"),
        "empty": _("No inspection tasks match."),
    }


task_list = lists.ListPage(
    name="credit-tasks",
    url="credit:tasks",
    queryset=lambda request: selectors.task_list(user=request.user),
    filters=TaskFilters,
    table=TASK_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-tasks.xlsx",
    context=_task_context,
    rows=_task_rows,
    staff_only=True,
)


@login_required
@access.page("credit:tasks", _staff)
def tasks_view(request: HttpRequest) -> HttpResponse:
    return lists.list_with_form(
        request,
        task_list,
        form_class=TaskForm,
        save=lambda d: services.task_create(
            user=request.user,
            name=d["name"],
            item_ids=[i.pk for i in d["items"]],
            planned_on=d["planned_on"],
            inspect_by=d["inspect_by"],
            max_load=d["max_load"],
        ),
        success=_("Task planned: its commitment is published."),
        then=lambda t: reverse("credit:task", args=[t.pk]),
    )


def _task_post(request: HttpRequest, pk: int) -> HttpResponse:
    back = reverse("credit:task", args=[pk])
    if "inspection" in request.POST and "result" in request.POST:
        form = ResultForm(request.POST)
        return form_post(
            request,
            form,
            lambda d: services.result_enter(
                user=request.user,
                pk=d["inspection"],
                result=d["result"],
                inspected_on=d["inspected_on"],
                problems=d["problems"],
                version=d["version"],
            ),
            ok=_("Result entered."),
            back=back,
        )
    if "inspection" in request.POST:
        form = InspectionActionForm(request.POST)
        calls = {
            "publish": lambda d: services.result_publish(
                user=request.user, pk=d["inspection"], version=d["version"]
            ),
            "rectified": lambda d: services.rectified(user=request.user, pk=d["inspection"]),
            "assign": lambda d: services.inspection_assign(
                user=request.user, pk=d["inspection"], inspector_ids=d["inspectors"], version=d["version"]
            ),
            "open": lambda d: services.inspection_open(
                user=request.user, pk=d["inspection"], version=d["version"]
            ),
            "withdraw": lambda d: services.inspection_withdraw(
                user=request.user, pk=d["inspection"], note=d["note"], version=d["version"]
            ),
        }
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return form_post(request, form, calls[form.cleaned_data["action"]], ok=_("Done."), back=back)
    form = TaskActionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    d = form.cleaned_data
    try:
        if d["action"] == "freeze":
            services.task_freeze(user=request.user, pk=pk, version=d["version"])
            messages.success(request, _("Inputs frozen: their hashes are published."))
        elif d["action"] == "draw":
            services.task_draw(
                user=request.user,
                pk=pk,
                witness_code=d["witness_code"],
                witnesses=d["witnesses"],
                version=d["version"],
            )
            messages.success(request, _("Drawn. The record is written and can be verified by anyone."))
        elif d["action"] == "declare":
            services.declaration_sign(user=request.user, task_id=pk)
            messages.success(request, _("Declaration signed: you may open your objects on inspection day."))
        elif d["action"] == "redraw":
            new = services.task_redraw(user=request.user, pk=pk, reason=d["reason"])
            messages.success(request, _("A new task redraws this one; both records stay."))
            return redirect("credit:task", pk=new.pk)
        else:
            services.task_close(user=request.user, pk=pk)
            messages.success(request, _("Task closed."))
    except ParkOSError as exc:
        service_errors(request, exc)
    return redirect(back)


def _timeline(task, inspections) -> list:
    """The task's events, an object's marked with its number in the batch (never its name)."""
    order = {i.pk: i.order for i in inspections}
    events = list(selectors.task_events(task))
    for e in events:
        e.object_label = (
            f"#{order[e.object_id]}" if e.workflow == "credit.inspection" and e.object_id in order else ""
        )
    return events


@login_required
@access.page("credit:task", _staff)
def task_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    if request.method == "POST":
        return _task_post(request, pk)
    inspections = selectors.task_inspections(user=request.user, task=task)
    selectors.with_publish_lights(inspections)
    me = selectors.inspector_of(request.user)
    declarations = selectors.declarations_of(task)
    declared = me is not None and any(d.inspector_id == me.pk for d in declarations)
    for i in inspections:
        i.actions = {t.action for t in INSPECTION.available(request.user, i)}
        i.manual_label = MANUAL_LABELS.get(i.manual_reason, "")
        i.mine = me is not None and any(x.pk == me.pk for x in i.inspectors.all())
        if i.mine and not declared:  # a team member signs the declaration before anything else
            i.actions -= {"open", "withdraw", "enter_result"}
        if i.withheld:
            i.actions -= {"withdraw", "enter_result"}
        else:
            i.actions.discard("open")
    actions = {t.action for t in TASK.available(request.user, task)}
    if declared:
        actions.discard("declare")
    record = (
        getattr(task, "record", None)
        if task.state in {TaskState.DRAWN, TaskState.CLOSED, TaskState.VOID}
        else None
    )
    inputs = getattr(task, "inputs", None) if task.state != TaskState.PLANNED else None
    exclusions = {}
    if inputs is not None:
        for reason in inputs.exclusions.values():
            exclusions[reason] = exclusions.get(reason, 0) + 1
    may_assign = "assign" in {a for i in inspections for a in i.actions}
    return render(
        request,
        "credit/task.html",
        {
            "task": task,
            "actions": actions,
            "inputs": inputs,
            "record": record,
            "strata": selectors.stratum_rows(record) if record else [],
            "exclusions": [(EXCLUSION_LABELS.get(k, k), n) for k, n in sorted(exclusions.items())],
            "inspections": inspections,
            "today": timezone.localdate(),
            "results": Result.choices,
            "assignable": selectors.inspector_list(user=request.user).filter(active=True).order_by("number")
            if may_assign
            else [],
            "events": _timeline(task, inspections),
            "history": history_entries([(str(task._meta.verbose_name), task.history.all())]),
            "redrawn_by": getattr(task, "redrawn_by", None),
            "declarations": declarations,
            "declared": declared,
            "statement": DECLARATION,
            "withholding": any(i.withheld for i in inspections),
            **_nav(request),
        },
    )


# ---- results ---------------------------------------------------------------------------------------------------
def _result_rows(request: HttpRequest, rows) -> None:
    selectors.with_publish_lights(rows)
    for i in rows:
        i.cells = [
            Cell(i.task.code, reverse("credit:task", args=[i.task_id])),
            Cell(i.enterprise.name),
            Cell(i.get_state_display()),
            Cell(i.get_result_display() or "—"),
            Cell(i.inspected_on.isoformat() if i.inspected_on else "—"),
            Cell(i.publish_due.isoformat() if i.publish_due else "—"),
            Cell(i.published_on.isoformat() if i.published_on else "—"),
            _light_cell(i.light),
            Cell("、".join(x.name for x in i.inspectors.all()) or "—"),
        ]


RESULT_TABLE = lists.Table(
    [
        lists.Col("task", gettext_lazy("task number"), "task__code", export="task.code"),
        lists.Col(
            "enterprise", gettext_lazy("enterprise"), "enterprise__name", export="enterprise.name", width=30
        ),
        lists.Col("state", gettext_lazy("state"), "state", export="get_state_display"),
        lists.Col("result", gettext_lazy("result"), export="get_result_display", width=30),
        lists.Col("inspected_on", gettext_lazy("inspected on"), "inspected_on"),
        lists.Col("publish_due", gettext_lazy("to be published by"), "publish_due"),
        lists.Col("published_on", gettext_lazy("published on"), "published_on"),
        lists.Col("light", gettext_lazy("publication"), export=None),
        lists.Col(
            "inspectors",
            gettext_lazy("inspectors"),
            export=lambda i: "、".join(x.name for x in i.inspectors.all()),
        ),
    ],
    kind="credit-results",
    title="抽查结果",
)

result_list = lists.ListPage(
    name="credit-results",
    url="credit:results",
    queryset=lambda request: selectors.inspection_list(user=request.user),
    filters=InspectionFilters,
    table=RESULT_TABLE,
    template="credit/list.html",
    partial="credit/_table.html",
    export="credit-results.xlsx",
    context=lambda request, page, fs: {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Results and publication"),
        "empty": _("No inspections match."),
    },
    rows=_result_rows,
    staff_only=True,
)
results_view = login_required(access.page("credit:results", _staff)(result_list))


# ---- the enterprise's own page -------------------------------------------------------------------------------------
@login_required
@access.page("credit:mine", lambda u: u.is_enterprise_user)
def mine_view(request: HttpRequest) -> HttpResponse:
    """The enterprise's credit: its class with the inputs, its records with their windows, and repair."""
    from parkos.enterprises.selectors import enterprise_of_user

    enterprise = enterprise_of_user(user=request.user)
    if enterprise is None:
        raise Http404
    if request.method == "POST":
        form = RepairApplyForm(request.POST, request.FILES)
        return form_post(
            request,
            form,
            lambda d: services.repair_apply(
                user=request.user,
                record_id=d["record"],
                statement=d["statement"],
                commitment=d["commitment"],
                evidence=d["evidence"],
            ),
            ok=_("Your application is submitted; the deciding department answers within its limit."),
            back=reverse("credit:mine"),
        )
    return render(request, "credit/mine.html", _enterprise_credit(request, enterprise))


def _enterprise_credit(request: HttpRequest, enterprise) -> dict:
    today = timezone.localdate()
    profile = selectors.profile_of(user=request.user, enterprise_id=enterprise.pk)
    records = list(selectors.record_list(user=request.user).filter(enterprise=enterprise))
    for r in records:
        r.may_apply = (
            request.user.is_enterprise_user
            and r.is_discredit
            and r.status == RecordStatus.PUBLISHED
            and (r.repair_from is None or r.repair_from <= today)
        )
    repairs = list(selectors.repair_list(user=request.user).filter(enterprise=enterprise))
    inspections = list(
        selectors.inspection_list(user=request.user).filter(
            enterprise=enterprise, state=InspectionState.PUBLISHED
        )
    )
    inputs = [
        {"label": INPUT_LABELS.get(i[0], i[0]), "value": i[1], "cls": i[2], "as_of": i[3]}
        for i in (profile.inputs if profile else [])
    ]
    return {
        "enterprise": enterprise,
        "profile": profile,
        "inputs": inputs,
        "records": records,
        "repairs": repairs,
        "inspections": inspections,
        "form": RepairApplyForm(),
        "class_badge": CLASS_BADGE.get(profile.effective_class if profile else "B", ""),
    }


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's credit tab (一企一档): the effective class and what produced it, the records, the
    inspections published."""
    from parkos.core.registries import TabSection, render_tab

    data = _enterprise_credit(request, enterprise)
    staff = _staff(request.user)
    profile = data["profile"]
    cls = profile.effective_class if profile else "B"
    inputs_rows = [
        [
            Cell(i["label"]),
            Cell(str(i["value"])),
            Cell(i["cls"], badge=CLASS_BADGE.get(i["cls"], "")),
            Cell(i["as_of"]),
        ]
        for i in data["inputs"]
    ]
    record_rows = [
        [
            Cell(r.decided_on.isoformat(), reverse("credit:record", args=[r.pk]) if staff else ""),
            Cell(r.get_kind_display()),
            Cell(r.get_severity_display() or "—"),
            Cell(r.title),
            Cell(r.get_status_display(), badge=STATUS_BADGE.get(r.status, "")),
            Cell(r.repair_from.isoformat() if r.repair_from else "—"),
            Cell(r.publish_until.isoformat() if r.publish_until else "—"),
        ]
        for r in data["records"]
    ]
    insp_rows = [
        [
            Cell(i.task.name),
            Cell(i.get_result_display()),
            Cell(i.inspected_on.isoformat() if i.inspected_on else "—"),
            Cell(i.published_on.isoformat() if i.published_on else "—"),
        ]
        for i in data["inspections"]
    ]
    return render_tab(
        request,
        "credit",
        [
            TabSection(
                _("Effective credit class: %(cls)s") % {"cls": cls},
                [_("Input"), _("Value"), _("Class"), _("As of")],
                inputs_rows,
                empty=_("No credit input: treated as class B."),
                more=reverse("credit:mine") if request.user.is_enterprise_user else "",
            ),
            TabSection(
                _("Credit records"),
                [
                    _("Decided on"),
                    _("Kind"),
                    _("Severity"),
                    _("Matter"),
                    _("Status"),
                    _("Repair from"),
                    _("Published until"),
                ],
                record_rows,
                empty=_("No credit records."),
            ),
            TabSection(
                _("Random inspections published"),
                [_("Task"), _("Result"), _("Inspected on"), _("Published on")],
                insp_rows,
                empty=_("No published inspections."),
            ),
        ],
    )


# ---- public: draw records and results ------------------------------------------------------------------------------
def _public_result_rows(request: HttpRequest, rows) -> None:
    for i in rows:
        i.cells = [
            Cell(i.enterprise.name),
            Cell(i.enterprise.uscc),
            Cell(i.task.name),
            Cell(i.task.department.name),
            Cell(i.get_result_display()),
            Cell(i.inspected_on.isoformat() if i.inspected_on else "—"),
            Cell(i.published_on.isoformat() if i.published_on else "—"),
        ]


PUBLIC_TABLE = lists.Table(
    [
        lists.Col(
            "enterprise", gettext_lazy("enterprise"), "enterprise__name", export="enterprise.name", width=30
        ),
        lists.Col("uscc", gettext_lazy("USCC"), export="enterprise.uscc", width=22),
        lists.Col("task", gettext_lazy("task"), export="task.name", width=30),
        lists.Col("department", gettext_lazy("department"), export="task.department.name"),
        lists.Col("result", gettext_lazy("result"), export="get_result_display", width=30),
        lists.Col("inspected_on", gettext_lazy("inspected on"), "inspected_on"),
        lists.Col("published_on", gettext_lazy("published on"), "published_on"),
    ],
    kind="credit-public-results",
    title="双随机抽查结果公示",
)


public_result_list = lists.ListPage(
    name="credit-public-results",
    url="credit:public_results",
    queryset=lambda request: selectors.published_results(),
    filters=PublicResultFilters,
    table=PUBLIC_TABLE,
    template="credit/public_results.html",
    partial="credit/_table.html",
    export="public-results.xlsx",
    context=lambda request, page, fs: {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Random inspection results (一公开)"),
        "empty": _("No results published yet."),
    },
    rows=_public_result_rows,
    public=True,
)


def _draw_rows(request: HttpRequest, rows) -> None:
    for r in rows:
        r.cells = [
            Cell(r.task.code, reverse("credit:draw_record", args=[r.task_id])),
            Cell(r.task.name),
            Cell(r.task.department.name),
            Cell(timezone.localtime(r.drawn_at).strftime("%Y-%m-%d %H:%M")),
            Cell(len(r.result.get("sample", [])), number=True),
        ]


DRAW_TABLE = lists.Table(
    [
        lists.Col("task", gettext_lazy("task number"), "task__code", export="task.code"),
        lists.Col("name", gettext_lazy("task"), export="task.name", width=30),
        lists.Col("department", gettext_lazy("department"), export="task.department.name"),
        lists.Col("drawn_at", gettext_lazy("drawn"), "drawn_at"),
        lists.Col("objects", gettext_lazy("objects"), export=lambda r: len(r.result.get("sample", []))),
        lists.Col("record_hash", gettext_lazy("record hash"), width=66, page=False),
    ],
    kind="credit-draws",
    title="双随机抽取记录",
)

public_draw_list = lists.ListPage(
    name="credit-public-draws",
    url="credit:public_draws",
    queryset=lambda request: selectors.public_records(),
    filters=DrawFilters,
    table=DRAW_TABLE,
    template="credit/public_results.html",
    partial="credit/_table.html",
    export="draw-records.xlsx",
    context=lambda request, page, fs: {
        **_filter_context(fs, {"department": _departments()}),
        "heading": _("Draw records"),
        "empty": _("No draws yet."),
    },
    rows=_draw_rows,
    public=True,
)


def draw_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of a draw record: its inputs' hashes, commitment, entropy, strata, sample and teams, a
    download of the whole record as JSON, and its verification, recomputed on the spot."""
    record = selectors.record_of_task(pk=pk)
    payload = selectors.record_export(record)
    held = selectors.record_held(user=request.user, task=record.task)
    if RecordParams.of(request).format == "json":
        shown = selectors.held_export(record) if held else payload
        resp = HttpResponse(
            json.dumps(shown | {"record_hash": record.record_hash}, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        resp["Content-Disposition"] = f'attachment; filename="draw-{record.task.code}.json"'
        return resp
    checks = engine.verify(payload)
    names = {}
    if held:
        return render(
            request,
            "credit/draw_record.html",
            {
                "record": record,
                "payload": selectors.held_export(record),
                "checks": checks,
                "verified": all(c.ok for c in checks),
                "strata": selectors.stratum_rows(record),
                "held": True,
                "config": json.loads(payload["inputs"]["config"]),
            },
        )
    if request.user.is_authenticated and not request.user.is_enterprise_user:
        names = selectors.names_of([s["uscc"] for s in record.result["sample"]])
    sample = [
        {
            "order": k,
            **s,
            "name": names.get(s["uscc"], ""),
            "team": record.result["assignments"].get(s["uscc"], []),
            "manual": MANUAL_LABELS.get(record.result["manual_reasons"].get(s["uscc"], ""), ""),
        }
        for k, s in enumerate(record.result["sample"], start=1)
    ]
    page = lists.paginate(request, sample, 50)
    return render(
        request,
        "credit/draw_record.html",
        {
            "record": record,
            "payload": payload,
            "checks": checks,
            "verified": all(c.ok for c in checks),
            "strata": selectors.stratum_rows(record),
            "page": page,
            "config": json.loads(payload["inputs"]["config"]),
        },
    )


@login_required
@access.page("credit:settings", lambda u: CreditConfig.may_change(u))
def settings_view(request: HttpRequest) -> HttpResponse:
    form = CreditConfig.bound_form(request.POST if request.method == "POST" else None)
    style_widgets(form)
    if request.method == "POST":
        if form.is_valid():
            try:
                CreditConfig.save_values(user=request.user, data=form.cleaned_data)
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("credit:settings")
        else:
            form_errors(request, form)
    return render(request, "credit/settings.html", {"form": form, **_nav(request)})
