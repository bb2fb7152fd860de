"""Approval pages: the board of a project's stages and items with their steps, the officers' queue, the
departments' report, the rates and the monthly reports still due."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.core import charts
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import MonthParams
from parkos.core.views import is_htmx, schema_export_response, service_errors, staff_only

from .. import selectors, services
from ..forms import (
    ItemActionForm,
    ItemActionParams,
    PeriodParams,
    QueueParams,
    RatesParams,
)
from ..services import ACTION_LABELS
from ..workflows import ITEM


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
        "today": timezone.localdate(),
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
    action = ItemActionParams.of(request, action="").action
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
            "today": timezone.localdate(),
        },
    )


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    officer = request.user
    chosen = QueueParams.of(request).officer
    if request.user.is_zone_wide and chosen:
        officer = get_object_or_404(selectors.helpers(), pk=chosen)
    ctx = selectors.officer_queue(user=request.user if officer == request.user else officer)
    ctx["officer"] = officer
    ctx["officers"] = selectors.helpers() if request.user.is_zone_wide else []
    ctx["alerts"] = selectors.alerts_for(user=request.user, limit=30)
    return render(request, "projects/queue.html", ctx)


@login_required
def department_report_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    today = timezone.localdate()
    q = PeriodParams.of(request, start=today.replace(month=1, day=1), end=today)
    start, end = q.start, q.end
    rows = selectors.department_report(user=request.user, start=start, end=end)
    if q.export == "xlsx":
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
        unit="%",
    )
    return render(
        request, "projects/dept_report.html", {"rows": rows, "start": start, "end": end, "chart": chart}
    )


@login_required
def rates_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    today = timezone.localdate()
    period = selectors.Period.from_query(request.GET, today.year)
    q = RatesParams.of(request, by="category", metric="", group="")
    by = q.by if q.by in selectors.GROUPS else "category"
    if q.metric:
        rows = selectors.rate_projects(
            user=request.user, period=period, metric=q.metric, by=by, group=q.group
        )
        return render(
            request,
            "projects/rate_projects.html",
            {"rows": rows, "period": period, "metric": q.metric, "group": q.group},
        )
    data = selectors.rates(user=request.user, period=period, by=by)
    if q.export == "xlsx":
        return schema_export_response(RATES_SCHEMA, _rate_records(data), f"project-rates-{period.label}.xlsx")
    rows = data["rows"]
    chart = charts.bar(
        [r["label"] for r in rows],
        {
            _("Start rate (%)"): [r["start"]["rate"] for r in rows],
            _("Production rate (%)"): [r["production"]["rate"] for r in rows],
            _("Investment completion (%)"): [r["investment_rate"] for r in rows],
        },
        unit="%",
    )
    labels = {key: label for key, label, _kind, _d in data["catalogue"]}
    cells = [c for c in data["total"]["catalogue"] if c["key"] in labels]
    chart_catalogue = charts.bar(
        [str(labels[c["key"]]) for c in cells],
        {pgettext("sum", "Total"): [c["rate"] for c in cells]},
        horizontal=True,
        unit="%",
    )
    late = selectors.late_milestones(user=request.user, today=today)
    return render(
        request,
        "projects/rates.html",
        {
            "data": data,
            "chart": chart,
            "chart_catalogue": chart_catalogue,
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
        Column("start_planned_period", "全期计划开工", text),
        Column("start_planned", "计划开工(截至统计日)", text),
        Column("start_achieved", "实际开工", text),
        Column("start_rate", "开工率(%)", text),
        Column("start_unplanned", "计划外开工", text),
        Column("start_terminated", "已终止(不计入开工率)", text),
        Column("production_planned_period", "全期计划投产", text),
        Column("production_planned", "计划投产(截至统计日)", text),
        Column("production_achieved", "实际投产", text),
        Column("production_rate", "投产率(%)", text),
        Column("production_unplanned", "计划外投产", text),
        Column("production_terminated", "已终止(不计入投产率)", text),
        Column("capacity_planned_period", "全期计划达产", text),
        Column("capacity_planned", "计划达产(截至统计日)", text),
        Column("capacity_achieved", "实际达产", text),
        Column("capacity_rate", "达产率(%)", text),
        Column("capacity_unplanned", "计划外达产", text),
        Column("capacity_terminated", "已终止(不计入达产率)", text),
        Column("plan_investment", "年度计划投资(万元)", text),
        Column("invested", "年度完成投资(万元)", text),
        Column("investment_rate", "年度投资完成率(%)", text),
        Column("invested_unplanned", "无年度计划项目完成投资(万元)", text),
        Column("pace_gap", "时序进度差(百分点)", text),
        Column("plan_funds", "年度计划到位资金(万元)", text),
        Column("funds_year", "年度到位资金(万元)", text),
        Column("funds_rate_year", "年度资金到位率(%)", text),
        Column("funds_unplanned", "无资金计划项目到位资金(万元)", text),
        Column("contracted", "合同投资(万元)", text),
        Column("funds_cum", "累计到位资金(万元)", text),
        Column("funds_rate_contract", "资金到位率(合同口径,%)", text),
        *[
            Column(f"{key}_{part}", f"{zh}{suffix}", text)
            for key, zh in [
                ("start_resume", "开复工率"),
                ("production_nbs", "投产率(统计口径)"),
                ("production_capacity", "投产达产率"),
                ("completion_production", "竣工投产率"),
                ("approval", "立项转化率"),
                ("performance", "签约项目履约率"),
                ("cum_investment", "累计投资完成率"),
                ("capital", "资本金到位率"),
                ("capacity_output", "达产率(产值口径)"),
                ("fai", "固定资产投资完成率(统计入库)"),
                ("fai_growth", "固定资产投资增速"),
            ]
            for part, suffix in [("numerator", "分子"), ("denominator", "分母"), ("rate", "(%)")]
        ],
    ],
)


def _rate_records(data):
    for r in [*data["rows"], data["total"]]:
        rec = {k: v for k, v in r.items() if not isinstance(v, dict | list)}
        for m in ("start", "production", "capacity"):
            for k in ("planned_period", "planned", "achieved", "rate", "unplanned", "terminated"):
                rec[f"{m}_{k}"] = r[m][k]
        for cell in r["catalogue"]:
            for part in ("numerator", "denominator", "rate"):
                rec[f"{cell['key']}_{part}"] = cell[part]
        yield {k: ("" if v is None else v) for k, v in rec.items()}


@login_required
def reports_due_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    today = timezone.localdate()
    default = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    q = MonthParams.of(request, month=default)
    month = q.month
    data = selectors.missing_reports(user=request.user, month=month, today=today)
    if q.export == "xlsx":
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
