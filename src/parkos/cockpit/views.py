"""Pages of the national 经开区 evaluation self-assessment: the scored comparison, the zone's values, the peers
and the indicator catalogue. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import io
from typing import Any

import django_filters as df
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import access, capabilities, charts, lists
from parkos.core import services as core_services
from parkos.core.excel import Column, Schema, text, write_workbook
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import YearParams
from parkos.core.numbers import formatted
from parkos.core.periods import Period
from parkos.core.selectors import parks
from parkos.core.views import (
    docx_response,
    form_errors,
    schema_export_response,
    service_errors,
    xlsx_response,
)

from . import maps, report, selectors, services
from .exports import report_docx
from .forms import (
    BoundaryForm,
    EvaluationParams,
    MapParams,
    ReportParams,
    ScreenParams,
    SearchParams,
    TargetsForm,
    ZoneValuesForm,
)
from .imports import PEERS_SCHEMA
from .models import Direction, PeerZone, Region, ReportConfig

PEER_SET_LABELS = {
    "all": gettext_lazy("All peers"),
    "region": gettext_lazy("Same region"),
    "province": gettext_lazy("Same province"),
}

INDICATOR_SHEET = Schema(
    kind="evaluation-indicators",
    title="指标得分",
    columns=[
        Column("dimension", "维度", text),
        Column("indicator", "指标", text, width=36),
        Column("unit", "单位", text),
        Column("direction", "方向", text),
        Column("value", "本区数值", text),
        Column("origin", "数值来源", text),
        Column("peer_median", "对标中位数", text),
        Column("peer_best", "对标最优值", text),
        Column("score", "本区得分", text),
        Column("weight", "占总分权重(%)", text),
        Column("lost", "失分", text),
    ],
)
RANKING_SHEET = Schema(
    kind="evaluation-ranking",
    title="排名",
    columns=[
        Column("rank", "排名", text),
        Column("name", "园区", text, width=28),
        Column("province", "省份", text),
        Column("region", "区域", text),
        Column("total", "综合得分(内部估算)", text),
    ],
)
ORIGIN = {"entered": gettext_lazy("Entered"), "parkos": gettext_lazy("ParkOS"), "": gettext_lazy("Missing")}


def _year(request: HttpRequest):
    return EvaluationParams.of(request, year=selectors.default_year(), peers="all")


def _export(data: dict) -> HttpResponse:
    dims = {d["dimension"].pk: d["dimension"].name for d in data["dimensions"]}
    with_dims = Schema(
        kind=RANKING_SHEET.kind,
        title=RANKING_SHEET.title,
        columns=[*RANKING_SHEET.columns, *[Column(f"d{k}", n, text) for k, n in dims.items()]],
    )
    indicator_rows = (
        {
            "dimension": r["indicator"].dimension.name,
            "indicator": r["indicator"].name,
            "unit": r["indicator"].unit,
            "direction": "越高越好" if r["indicator"].direction == Direction.HIGHER else "越低越好",
            "value": formatted(r["value"], 2),
            "origin": {"entered": "填报", "parkos": "ParkOS", "": "缺失"}[r["origin"]],
            "peer_median": formatted(r["peer_median"], 2),
            "peer_best": formatted(r["peer_best"], 2),
            "score": formatted(r["score"], 1) if r["scored"] else "不计分",
            "weight": formatted(r["weight"], 2),
            "lost": formatted(r["lost"], 2),
        }
        for r in data["indicators"]
    )
    ranking_rows = (
        {
            "rank": r["rank"],
            "name": r["name"],
            "province": r["province"],
            "region": str(r["region"]),
            "total": formatted(r["total"], 1),
            **{f"d{k}": formatted(v, 1) for k, v in zip(dims, r["dimensions"], strict=True)},
        }
        for r in data["ranking"]
    )
    buf = io.BytesIO()
    write_workbook(buf, [(INDICATOR_SHEET, indicator_rows), (with_dims, ranking_rows)])
    return xlsx_response(buf.getvalue(), f"evaluation-{data['year']}.xlsx")


@login_required
@access.page("cockpit:evaluation", selectors.may_view)
def evaluation_view(request: HttpRequest) -> HttpResponse:
    """The zone against its peers for a data year (specs/metrics.md §4), an internal estimate."""
    selectors.check_view(request.user)
    q = _year(request)
    data = selectors.assessment(user=request.user, year=q.year, peer_set=q.peers)
    if q.export == "xlsx":
        return _export(data)
    for r in data["indicators"]:
        r["origin_label"] = ORIGIN[r["origin"]]
    dims = data["dimensions"]
    radar = charts.radar(
        [(d["dimension"].name, 100) for d in dims],
        {
            data["home"]["name"]: [d["home"] for d in dims],
            _("Peer median"): [d["peer_median"] for d in dims],
        }
        if data["peers_n"]
        else {},
    )
    losses = data["losses"]
    bars = charts.bar(
        [r["indicator"].name for r in losses],
        {_("Points lost"): [r["lost"] for r in losses]},
        horizontal=True,
    )
    this = selectors.default_year()
    return render(
        request,
        "cockpit/evaluation.html",
        {
            "data": data,
            "radar": radar,
            "bars": bars,
            "years": range(this - 4, this + 2),
            "peer_sets": PEER_SET_LABELS,
            "may_edit": selectors.may_edit(request.user),
        },
    )


@login_required
@access.page("cockpit:evaluation_values", selectors.may_view)
def values_view(request: HttpRequest) -> HttpResponse:
    """The zone's values of a data year: ParkOS's figure with its basis, the entered value that overrides it."""
    selectors.check_view(request.user)
    q = _year(request)
    indicators = selectors.catalogue()
    may_edit = selectors.may_edit(request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the national evaluation office enters the zone's values."))
        form = ZoneValuesForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                created, changed, removed = services.save_zone_values(
                    user=request.user,
                    year=q.year,
                    values=form.values(),
                    notes=form.notes(),
                    stamp=form.cleaned_data["stamp"],
                )
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Saved: %(c)s new, %(u)s changed, %(r)s removed.")
                    % {"c": created, "u": changed, "r": removed},
                )
                return redirect(f"{reverse('cockpit:evaluation_values')}?year={q.year}")
        else:
            form_errors(request, form)
    rows = selectors.zone_values(user=request.user, year=q.year, indicators=indicators)
    initial = {"stamp": services.values_stamp(q.year)}
    for r in rows:
        if r["entered"] is not None:
            initial[f"value_{r['indicator'].pk}"] = format(r["entered"].value.normalize(), "f")
            initial[f"note_{r['indicator'].pk}"] = r["entered"].note
    form = form if request.method == "POST" else ZoneValuesForm(initial=initial, indicators=indicators)
    for r in rows:
        r["field"] = form[f"value_{r['indicator'].pk}"]
        r["note_field"] = form[f"note_{r['indicator'].pk}"]
    this = selectors.default_year()
    return render(
        request,
        "cockpit/evaluation_values.html",
        {
            "rows": rows,
            "form": form,
            "year": q.year,
            "years": range(this - 4, this + 2),
            "may_edit": may_edit,
            "history": selectors.history(user=request.user, year=q.year),
        },
    )


@login_required
@access.page("cockpit:evaluation_indicators", selectors.may_view)
def indicators_view(request: HttpRequest) -> HttpResponse:
    """The indicator catalogue (dimensions, weights, indicators, direction, unit, source, basis)."""
    selectors.check_view(request.user)
    from parkos.core import registries

    indicators = selectors.catalogue(active=False)
    if EvaluationParams.of(request).export == "xlsx":
        schema = Schema(
            kind="evaluation-catalogue",
            title="考核评价指标目录",
            columns=[
                Column("dimension", "一级维度", text),
                Column("weight", "维度权重(%)", text),
                Column("code", "代码", text),
                Column("name", "二级指标", text, width=36),
                Column("direction", "方向", text),
                Column("unit", "单位", text),
                Column("source", "数据来源", text, width=20),
                Column("basis", "依据", text, width=50),
            ],
        )
        return schema_export_response(
            schema,
            (
                {
                    "dimension": i.dimension.name,
                    "weight": formatted(i.dimension.weight, 0),
                    "code": i.code,
                    "name": i.name,
                    "direction": "越高越好" if i.direction == Direction.HIGHER else "越低越好",
                    "unit": i.unit,
                    "source": i.source,
                    "basis": i.basis,
                }
                for i in indicators
            ),
            "evaluation-catalogue.xlsx",
        )
    groups = []
    for d in selectors.dimensions():
        items = [i for i in indicators if i.dimension_id == d.pk]
        for i in items:
            i.figure_entry = registries.appraisal_figures.get(i.figure) if i.figure else None
        groups.append((d, items))
    return render(request, "cockpit/evaluation_indicators.html", {"groups": groups})


# ---- the peers (a list page) ------------------------------------------------------------------------------------
class PeerFilters(lists.FilterSet):
    q = lists.Search("name", "province")
    region = df.ChoiceFilter(choices=Region.choices)
    sort = lists.Sort({"name": "name", "region": "region,name", "values": "n_values,name"}, default="name")

    class Meta:
        model = PeerZone
        fields: list[str] = []


PEER_TABLE = lists.Table(
    [
        lists.Col("name", gettext_lazy("name"), sort="name", header="园区名称"),
        lists.Col("province", gettext_lazy("province"), header="所在省份"),
        lists.Col(
            "region", gettext_lazy("region"), sort="region", export="get_region_display", header="区域"
        ),
        lists.Col("values", gettext_lazy("Values"), sort="values", export="n_values", header="数值个数"),
    ],
    kind="evaluation-peer-zones",
    title="对标园区",
)


def _peers(request: HttpRequest):
    selectors.check_view(request.user)
    return selectors.peer_list(user=request.user)


peer_list = lists.ListPage(
    name="evaluation-peers",
    url="cockpit:evaluation_peers",
    queryset=_peers,
    staff_only=True,
    filters=PeerFilters,
    table=PEER_TABLE,
    template="cockpit/evaluation_peers.html",
    partial="cockpit/_evaluation_peers.html",
    export="evaluation-peers.xlsx",
    export_schema=PEERS_SCHEMA,
    export_records=lambda request, qs: selectors.peer_records(user=request.user, zones=qs),
    context=lambda request, page, fs: {
        "regions": Region.choices,
        "may_edit": selectors.may_edit(request.user),
    },
)


# ---- the cockpit ----------------------------------------------------------------------------------------------
def _with_charts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each tile's chart (its own, or this period against the same cut last year) and the id the page draws it in."""
    last = _("Same cut last year")
    for t in items:
        t["chart_id"] = f"chart-{slugify(t['key'])}"
        if t.get("chart") is None and t["compare"]:
            t["chart"] = charts.bar([last, _("This period")], {str(t["label"]): [t["previous"], t["value"]]})
    return items


@login_required
@access.page("cockpit:index", selectors.may_open_cockpit)
def cockpit_view(request: HttpRequest) -> HttpResponse:
    """The zone's state for a period: each app's tiles, beside the same cut a year earlier, each opening its list."""
    today = timezone.localdate()
    period = Period.from_query(request.GET, today.year)
    items = _with_charts(selectors.tiles(user=request.user, period=period, today=today))
    return render(
        request,
        "cockpit/index.html",
        {
            "tiles": items,
            "period": period,
            "as_of": period.cut(today),
            "years": range(today.year - 4, today.year + 1),
            "months": range(1, 13),
        },
    )


@login_required
@access.page("cockpit:screen", selectors.may_open_screen)
def screen_view(request: HttpRequest) -> HttpResponse:
    """The command centre's big screen (1920×1080, dark): the cockpit's tiles around a panel that rotates through the
    economy's charts and each tile's chart; the figures reload every `refresh` seconds (htmx asks for the body)."""
    today = timezone.localdate()
    period = Period.from_query(request.GET, today.year)
    p = ScreenParams.of(request, refresh=300, rotate=10)
    items = _with_charts(
        [
            t
            for t in selectors.tiles(user=request.user, period=period, today=today)
            if not t["key"].startswith(report.PERSONAL)  # the wall shows the zone, not the reader's inbox
        ]
    )
    panels = report.economy_panels(user=request.user, period=period, today=today)
    panels += [
        {"key": t["chart_id"], "title": t["label"], "chart": t["chart"], "detail": t.get("detail", "")}
        for t in items
        if t.get("chart")
    ]
    for i, panel in enumerate(panels):
        panel["chart_id"] = f"panel-{i}"
    ctx = {
        "tiles": items,
        "panels": panels,
        "period": period,
        "as_of": period.cut(today),
        "refresh": p.refresh,
        "rotate": p.rotate,
        "zone": selectors.home()["name"],
        "now": timezone.localtime(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "cockpit/_screen_body.html", ctx)
    return render(request, "cockpit/screen.html", ctx)


# ---- parks on a map ------------------------------------------------------------------------------------------
@login_required
@access.page("cockpit:map", maps.may_view)
def map_view(request: HttpRequest) -> HttpResponse:
    """The parks coloured by a figure of the year, with enterprises or projects placed on them; system
    administrators import the parks' outlines (GeoJSON) here."""
    today = timezone.localdate()
    may_import = capabilities.is_system_admin(request.user)
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied(_("Only system administrators import the parks' boundaries."))
        form = BoundaryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                changed = core_services.park_boundaries_import(
                    user=request.user, content=form.cleaned_data["file"].read()
                )
            except ParkOSError as exc:
                service_errors(request, exc)
            else:
                messages.success(
                    request, _("Boundaries imported: %(n)s parks changed.") % {"n": len(changed)}
                )
        else:
            form_errors(request, form)
        return redirect(reverse("cockpit:map"))
    q = MapParams.of(request, year=today.year, figure="", layer="")
    data = maps.map_data(
        user=request.user, figure=q.figure, layer=q.layer, period=Period(q.year), today=today
    )
    return render(
        request,
        "cockpit/map.html",
        {
            "data": data,
            "year": q.year,
            "years": range(today.year - 4, today.year + 1),
            "form": BoundaryForm() if may_import else None,
        },
    )


# ---- search across the zone -----------------------------------------------------------------------------------
@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    """`/search/?q=…`: what the user may open that the term finds, grouped by kind; `kind=` shows more of one kind;
    the header's box asks for the dropdown (htmx)."""
    p = SearchParams.of(request, q="", kind="", dropdown=False)
    found = selectors.search(user=request.user, q=p.q, kind=p.kind)
    if request.headers.get("HX-Request") and p.dropdown:
        return render(request, "cockpit/_search_dropdown.html", found)
    return render(request, "cockpit/search.html", {**found, "kind": p.kind})


# ---- 目标任务 ----------------------------------------------------------------------------------------------------
@login_required
@access.page("cockpit:targets", selectors.may_view_targets)
def targets_view(request: HttpRequest) -> HttpResponse:
    """The year's targets, for the zone and each park; the targets office sets them, every official reads them."""
    today = timezone.localdate()
    q = YearParams.of(request, year=today.year)
    tiles, zone_parks = selectors.target_tiles(), list(parks())
    may_edit = selectors.may_edit_targets(request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the targets office sets the year's targets."))
        form = TargetsForm(request.POST, tiles=tiles, parks=zone_parks)
        if form.is_valid():
            try:
                created, changed, removed = services.save_targets(
                    user=request.user, year=q.year, values=form.values(), stamp=form.cleaned_data["stamp"]
                )
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Saved: %(c)s new, %(u)s changed, %(r)s removed.")
                    % {"c": created, "u": changed, "r": removed},
                )
                return redirect(f"{reverse('cockpit:targets')}?year={q.year}")
        else:
            form_errors(request, form)
    goals = selectors.targets(year=q.year)
    progress = selectors.target_progress(user=request.user, year=q.year, goals=goals, today=today)
    if request.method != "POST":
        initial: dict[str, Any] = {"stamp": services.targets_stamp(q.year)}
        for (key, park), v in goals.items():
            initial[TargetsForm.field_name(key, park)] = format(v.normalize(), "f")
        form = TargetsForm(initial=initial, tiles=tiles, parks=zone_parks)
    rows = [
        {
            "tile": t,
            "cells": [
                {
                    "park": p,
                    "field": form[TargetsForm.field_name(t.key, p.pk if p else None)],
                    "value": goals.get((t.key, p.pk if p else None)),
                    "goal": progress.get((t.key, p.pk if p else None)),
                }
                if p is None or t.park_target
                else None
                for p in [None, *zone_parks]
            ],
        }
        for t in tiles
    ]
    return render(
        request,
        "cockpit/targets.html",
        {
            "rows": rows,
            "parks": zone_parks,
            "form": form,
            "year": q.year,
            "years": range(today.year - 2, today.year + 2),
            "may_edit": may_edit,
            "history": selectors.target_history(year=q.year),
        },
    )


# ---- 经济运行月报 -------------------------------------------------------------------------------------------------
@login_required
@access.page("cockpit:report", report.may_view)
def report_view(request: HttpRequest) -> HttpResponse:
    """The month's economic report as a page, and as the 公文 (.docx) with `export=docx`."""
    today = timezone.localdate()
    year, month = report.default_month(today)
    chosen = ReportParams.of(request, year=year, month=month)
    data = report.monthly_report(user=request.user, year=chosen.year, month=chosen.month, today=today)
    if chosen.export == "docx":
        return docx_response(
            report_docx(data, ReportConfig.get()), f"report-{chosen.year}-{chosen.month:02d}.docx"
        )
    for key, option in data["charts"].items():
        data[f"chart_{key}"] = option
    return render(
        request,
        "cockpit/report.html",
        {"data": data, "years": range(today.year - 4, today.year + 1), "months": range(1, 13)},
    )
