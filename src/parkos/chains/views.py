"""Chain pages: list with figures, the chain map (ECharts tree) with node figures, gap ranking and the leaders'
local supply rates, node pages with enterprises, purchases and targets (which become leads in one click)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core import access
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import Invalid, ParkOSError
from parkos.core.forms import YearParams, style_widgets
from parkos.core.registries import render_slot
from parkos.core.views import form_post, schema_export_response, service_errors, staff_only
from parkos.enterprises.selectors import enterprise_by_uscc

from . import selectors, services
from .forms import ChainForm, ChainListParams, NodeForm, PlacementForm, TargetForm
from .models import ChainConfig

NODE_SCHEMA = Schema(
    kind="chain-nodes", title="产业链节点",
    columns=[Column("node", "节点", text, width=24), Column("segment", "环节", text), Column("key", "关键节点", text),
             Column("enterprises", "区内企业数", text), Column("leaders", "链主数", text), Column("output", "产值(万元)", text),
             Column("tax", "税收(万元)", text), Column("purchases", "采购额(万元)", text), Column("local", "区内采购(万元)", text),
             Column("rate", "本地配套率(%)", text), Column("score", "缺口分值", text)],
)  # fmt: skip


def _year(request) -> int | None:
    return YearParams.of(request).year


@login_required
def chain_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    params = ChainListParams.of(request, q="", sort="order")
    q = params.q.strip()
    year = params.year or selectors.latest_year()
    chains = list(selectors.chain_list(user=request.user, q=q))
    rows = []
    for c in chains:  # a handful of chains: one engine pass each
        cf = selectors.compute(c, year)
        rows.append({"chain": c, "cf": cf, "gaps": len(cf.gaps())})
    sort = params.sort
    keys = {
        "name": lambda r: r["chain"].name,
        "rate": lambda r: -(r["cf"].rate or 0),
        "gaps": lambda r: -r["gaps"],
        "output": lambda r: -r["cf"].output,
    }
    if sort in keys:
        rows.sort(key=keys[sort])
    if params.export == "xlsx":
        recs = []
        for r in rows:
            for n in r["cf"].rows():
                recs.append(_node_record(r["chain"], n))
        return schema_export_response(NODE_SCHEMA, recs, f"chains-{year}.xlsx")
    return render(
        request,
        "chains/list.html",
        {
            "rows": rows,
            "q": q,
            "year": year,
            "sort": sort,
            "can_create": ChainConfig.may_change(request.user),
        },
    )


def _node_record(chain, n) -> dict:
    return {
        "node": f"{chain.name}/{n['node'].name}",
        "segment": n["node"].get_segment_display(),
        "key": "是" if n["node"].is_key else "否",
        "enterprises": n["enterprises"],
        "leaders": n["leaders"],
        "output": round(n["output"], 2),
        "tax": round(n["tax"], 2),
        "purchases": round(n["purchases"], 2),
        "local": round(n["local"], 2),
        "rate": None if n["rate"] is None else round(n["rate"], 1),
        "score": n["score"],
    }


@login_required
def chain_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    q = YearParams.of(request)
    cf = selectors.chain_figures(user=request.user, pk=pk, year=q.year)
    if q.export == "xlsx":
        return schema_export_response(
            NODE_SCHEMA,
            [_node_record(cf.chain, n) for n in cf.rows()],
            f"chain-{cf.chain.code}-{cf.year}.xlsx",
        )
    tree = selectors.chain_tree(cf)
    _add_urls(tree)
    chart = {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [
            {
                "type": "tree",
                "data": [tree],
                "top": "2%",
                "left": "12%",
                "bottom": "2%",
                "right": "20%",
                "symbol": "circle",
                "expandAndCollapse": False,
                "initialTreeDepth": -1,
                "label": {"position": "left", "verticalAlign": "middle", "align": "right"},
                "leaves": {"label": {"position": "right", "align": "left"}},
            }
        ],
    }
    return render(
        request,
        "chains/detail.html",
        {
            "cf": cf,
            "rows": cf.rows(),
            "gaps": cf.gaps(),
            "chart": chart,
            "chain": cf.chain,
            "can_edit": request.user.may("change"),
            "years": range(cf.year - 3, cf.year + 2),
        },
    )


def _add_urls(item: dict) -> None:
    if "id" in item:
        item["url"] = reverse("chains:node", args=[item["id"]])
    for c in item.get("children", []):
        _add_urls(c)


@login_required
def node_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    ctx = selectors.node_detail(user=request.user, pk=pk, year=_year(request))
    node = ctx["node"]
    cf = selectors.compute(node.chain, ctx["year"])
    ctx.update(
        figures=cf.row(node),
        target_form=TargetForm(),
        can_edit=request.user.may("change"),
        targets_actions=render_slot("chains.node.targets", request, node),
    )
    return render(request, "chains/node.html", ctx)


@login_required
def chain_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    staff_only(request)
    chain = selectors.chain_get(user=request.user, pk=pk) if pk else None
    form = ChainForm(
        request.POST or None, instance=chain, initial={"version": chain.version if chain else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            c = services.chain_save(
                user=request.user, data=form.cleaned_data, pk=pk, version=form.cleaned_data.get("version")
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:detail", pk=c.pk)
    return render(
        request, "chains/form.html", {"form": form, "title": chain.name if chain else _("New chain")}
    )


@login_required
def node_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """`pk` is the node for edit, the chain for a new node (the URL names which)."""
    staff_only(request)
    creating = request.resolver_match.url_name == "node_create"
    node = None if creating else selectors.node_get(user=request.user, pk=pk)
    chain = selectors.chain_get(user=request.user, pk=pk) if creating else node.chain
    form = NodeForm(
        request.POST or None, instance=node, chain=chain, initial={"version": node.version if node else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            n = services.node_save(
                user=request.user,
                chain_id=chain.pk,
                data=form.cleaned_data,
                pk=None if creating else pk,
                version=form.cleaned_data.get("version"),
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:node", pk=n.pk)
    what = node.name if node else _("New node")
    return render(request, "chains/form.html", {"form": form, "title": f"{chain.name} · {what}"})


@login_required
@require_POST
def placement_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)

    def place(d) -> None:
        if d["remove"]:
            services.placement_remove(user=request.user, pk=d["remove"])
            return
        ent = enterprise_by_uscc(user=request.user, uscc=d["uscc"])
        if ent is None:
            raise Invalid(_("No enterprise with this USCC in the registry."))
        services.placement_set(user=request.user, node_id=pk, enterprise_id=ent.pk, is_leader=d["is_leader"])

    return form_post(
        request,
        PlacementForm(request.POST),
        place,
        ok=_("Changes saved."),
        back=reverse("chains:node", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def target_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_add(user=request.user, node_id=pk, data=form.cleaned_data)
        except ParkOSError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Target company added."))
    else:
        messages.error(request, "; ".join(" ".join(v) for v in form.errors.values()))
    return redirect("chains:node", pk=pk)


@login_required
@access.page("chains:settings", ChainConfig.may_change)
def settings_view(request: HttpRequest) -> HttpResponse:
    form = ChainConfig.bound_form(request.POST or None)
    style_widgets(form)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_update(user=request.user, data=form.cleaned_data)
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("chains:list")
    return render(request, "chains/form.html", {"form": form, "title": _("Gap thresholds")})
