"""Registry pages: thin, calling selectors and services."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkos.core import charts, lists
from parkos.core.excel import Column, Schema, text, write_workbook
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import QueryParams
from parkos.core.numbers import formatted
from parkos.core.periods import Period
from parkos.core.selectors import departments, parks
from parkos.core.views import (
    form_post,
    schema_export_response,
    service_errors,
    xlsx_response,
)

from . import industries, selectors, services, totals
from .filters import EnterpriseFilters
from .forms import ContactForm, EnterpriseForm, LandParcelForm
from .imports import ANNUAL_SCHEMA, ENTERPRISE_SCHEMA, LAND_SCHEMA, MONTHLY_SCHEMA
from .models import EnterpriseStatus

TABLE = lists.Table(
    [
        lists.Col("name", gettext_lazy("Name"), sort="name"),
        lists.Col("uscc", gettext_lazy("USCC"), sort="uscc"),
        lists.Col("industry", gettext_lazy("Industry"), sort="industry"),
        lists.Col("park", gettext_lazy("Park"), sort="park"),
        lists.Col("flags", gettext_lazy("Flags")),
        lists.Col("capital", gettext_lazy("Registered capital"), sort="capital"),
        lists.Col("established", gettext_lazy("Established"), sort="established"),
        lists.Col("status", gettext_lazy("Status"), sort="status"),
    ],
    kind="enterprises",
)
FLAG_CHOICES = [
    ("above_scale", gettext_lazy("Above scale")),
    ("high_tech", gettext_lazy("High-tech")),
    ("srdi", gettext_lazy("SRDI (any level)")),
    ("little_giant", gettext_lazy("Little giant")),
    ("top500", gettext_lazy("Top-500")),
    ("foreign", gettext_lazy("Foreign-funded")),
    ("listing_reserve", gettext_lazy("Listing reserve")),
    ("headquarters", gettext_lazy("Headquarters")),
]


def _list_context(request: HttpRequest, page, fs) -> dict:
    return {
        "parks": parks(),
        "departments": departments() if request.user.is_zone_wide else [],
        "divisions": industries.DIVISION_CHOICES,
        "flags": FLAG_CHOICES,
        "statuses": EnterpriseStatus.choices,
        "can_create": request.user.may("change"),
    }


enterprise_list = lists.ListPage(
    name="enterprises",
    personal=True,
    url="enterprises:list",
    queryset=lambda request: selectors.enterprise_list(user=request.user),
    filters=EnterpriseFilters,
    table=TABLE,
    template="enterprises/list.html",
    partial="enterprises/_table.html",
    export="enterprises.xlsx",
    export_schema=ENTERPRISE_SCHEMA,  # the import template: an export can be edited and imported back
    export_records=lambda request, qs: selectors.enterprise_export_records(qs),
    context=_list_context,
)


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        return redirect("home")
    return enterprise_list(request)


@login_required
def enterprise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = selectors.enterprise_profile(user=request.user, pk=pk)
    a, m = ctx["charts"]["annual"], ctx["charts"]["monthly"]
    ctx["chart_annual"] = charts.line(
        [str(y) for y in a["years"]],
        {_("Revenue"): a["revenue"], _("Value added"): a["value_added"], _("Tax"): a["tax"]},
        bars=(_("Revenue"),),
        unit=_("10k yuan"),
        right=(_("Tax"),),
    )
    ctx["chart_monthly"] = charts.line(
        m["months"],
        {_("Output value"): m["output"], _("Tax"): m["tax"]},
        unit=_("10k yuan"),
        right=(_("Tax"),),
    )
    ctx["can_change"] = selectors.enterprise_list(user=request.user, action="change").filter(pk=pk).exists()
    if ctx["can_change"]:
        ctx["land_form"], ctx["contact_form"] = LandParcelForm(), ContactForm()
    ctx["tabs"] = selectors.enterprise_tabs(user=request.user)
    return render(request, "enterprises/detail.html", ctx)


@login_required
def enterprise_tab_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One app's tab of the enterprise page, loaded by htmx: 404 for an enterprise out of scope or a tab the user
    is not offered."""
    ent = selectors.enterprise_get(user=request.user, pk=pk)
    tab = next((t for t in selectors.enterprise_tabs(user=request.user) if t.key == key), None)
    if tab is None:
        raise Http404
    return HttpResponse(tab.render(request, ent))


@login_required
def enterprise_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise's data as a workbook: profile, land, annual and monthly sheets in the import templates."""
    ent = selectors.enterprise_get(user=request.user, pk=pk, action="export")
    from django.db.models import QuerySet

    one: QuerySet = selectors.enterprise_list(user=request.user, action="export").filter(pk=ent.pk)
    buf = io.BytesIO()
    write_workbook(
        buf,
        [
            (ENTERPRISE_SCHEMA, list(selectors.enterprise_export_records(one))),
            (
                LAND_SCHEMA,
                [
                    dict(
                        _base(ent),
                        **{
                            k: getattr(p, k)
                            for k in ("certificate_no", "area_mu", "purpose", "tenure", "location")
                        },
                    )
                    for p in selectors.land_list(user=request.user, enterprise=ent)
                ],
            ),
            (
                ANNUAL_SCHEMA,
                [
                    dict(_base(ent), **{c.key: getattr(a, c.key) for c in ANNUAL_SCHEMA.columns[2:]})
                    for a in selectors.annual_list(user=request.user, enterprise=ent).order_by("year")
                ],
            ),
            (
                MONTHLY_SCHEMA,
                [
                    dict(_base(ent), **{c.key: getattr(m, c.key) for c in MONTHLY_SCHEMA.columns[2:]})
                    for m in selectors.monthly_list(user=request.user, enterprise=ent).order_by("month")
                ],
            ),
        ],
    )
    return xlsx_response(buf.getvalue(), f"enterprise-{ent.uscc}.xlsx")


def _base(ent) -> dict:
    return {"uscc": ent.uscc, "name": ent.name}


@login_required
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.may("change") or request.user.is_enterprise_user:
        raise Http404
    form = EnterpriseForm(request.POST or None)
    _limit_owner(form, request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            ent = services.enterprise_create(user=request.user, data=data)
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Enterprise registered."))
            return redirect("enterprises:detail", pk=ent.pk)
    return render(request, "enterprises/form.html", {"form": form, "creating": True})


@login_required
def enterprise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    ent = selectors.enterprise_get(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        form = EnterpriseForm(
            request.POST,
            instance=selectors.enterprise_get(user=request.user, pk=pk, action="change"),
            editing=True,
        )
        _limit_owner(form, request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "uscc"}}
            try:
                services.enterprise_update(
                    user=request.user, pk=pk, version=form.cleaned_data.get("version"), data=data
                )
            except ParkOSError as exc:
                service_errors(request, exc, form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("enterprises:detail", pk=pk)
    else:
        form = EnterpriseForm(instance=ent, initial={"version": ent.version}, editing=True)
        _limit_owner(form, request.user)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": ent, "creating": False})


def _limit_owner(form: EnterpriseForm, user) -> None:
    if not user.is_zone_wide:
        form.fields["owner"].queryset = departments(only_id=user.department_id)


def _child_form_post(request: HttpRequest, pk: int, form_class, create) -> HttpResponse:
    selectors.enterprise_get(
        user=request.user, pk=pk
    )  # 404 outside the user's scope, before the form is read
    return form_post(
        request,
        form_class(request.POST),
        lambda d: create(user=request.user, enterprise_id=pk, data=d),
        ok=_("Saved."),
        back=reverse("enterprises:detail", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def land_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_post(request, pk, LandParcelForm, services.land_parcel_create)


@login_required
@require_POST
def land_delete_view(request: HttpRequest, pk: int, parcel_id: int) -> HttpResponse:
    services.land_parcel_delete(user=request.user, pk=parcel_id)
    messages.success(request, _("Removed."))
    return redirect("enterprises:detail", pk=pk)


@login_required
@require_POST
def contact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_post(request, pk, ContactForm, services.contact_create)


@login_required
@require_POST
def contact_delete_view(request: HttpRequest, pk: int, contact_id: int) -> HttpResponse:
    services.contact_delete(user=request.user, pk=contact_id)
    messages.success(request, _("Removed."))
    return redirect("enterprises:detail", pk=pk)


# ---- the home page (the registry's summary until the cockpit takes over) ----------------------------------
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        ent = selectors.enterprise_of_user(user=request.user)
        if ent is None:
            return render(request, "core/no_enterprise.html")
        return redirect("enterprises:detail", pk=ent.pk)
    summary = selectors.registry_summary(user=request.user)
    parks = [(r["park__name"] or _("(no park)"), r["n"]) for r in summary["by_park"]]
    years = summary["years"]
    return render(
        request,
        "core/home.html",
        {
            "summary": summary,
            "chart_parks": charts.bar(
                [p for p, _n in parks],
                {_("Enterprises"): [n for _p, n in parks]},
                horizontal=True,
                unit=_("enterprises (unit)"),
            ),
            "chart_years": charts.line(
                [str(y["year"]) for y in years],
                {_("Revenue"): [y["revenue"] for y in years], _("Tax"): [y["tax"] for y in years]},
                bars=(_("Revenue"),),
                unit=_("10k yuan"),
                right=(_("Tax"),),
            ),
        },
    )


# ---- 经济运行: the registry's monthly figures summed ----------------------------------------------------------------
ECONOMY_SCHEMA = Schema(
    kind="economy",
    title="经济运行",
    columns=[
        Column("group", "分组", text, width=28),
        *[
            Column(f"{f}{suffix}", f"{head}{tail}", text)
            for f, head in (
                ("output_value", "产值(万元)"),
                ("revenue", "营业收入(万元)"),
                ("tax", "税收(万元)"),
                ("electricity_kwh", "用电量(千瓦时)"),
            )  # fmt: skip
            for suffix, tail in (("", ""), ("_previous", "上年同期"), ("_growth", "增长(%)"))
        ],
    ],
)


def _economy_records(tables: list[tuple[str, list[dict]]]) -> list[dict]:
    out = []
    for heading, rows in tables:
        for r in rows:
            rec = {"group": f"{heading}：{r['label'] or '未填'}"}
            for f in totals.FIGURES:
                places = 0 if f == "electricity_kwh" else 2
                rec[f] = formatted(r[f], places)
                rec[f"{f}_previous"] = formatted(r[f"{f}_previous"], places)
                rec[f"{f}_growth"] = formatted(r[f"{f}_growth"], 1)
            out.append(rec)
    return out


@login_required
def economy_view(request: HttpRequest) -> HttpResponse:
    """经济运行: the period's reported months summed (1–N月) for what the user sees, by park and by industry
    division, beside the same months a year earlier — the figures behind the cockpit's economy tiles."""
    today = timezone.localdate()
    period = Period.from_query(request.GET, today.year)
    e = totals.economy(user=request.user, period=period, today=today)
    by_park = totals.table(e, "park", {p.pk: p.name for p in parks()})
    by_division = totals.table(
        e,
        "division",
        {k: industries.label(k) for k in e["by_division"].keys() | e["by_division_previous"].keys() if k},
    )
    total = totals.total_row(e)
    if QueryParams.of(request).export == "xlsx":
        records = _economy_records(
            [("合计", [{**total, "label": "全部"}]), ("园区", by_park), ("行业", by_division)]
        )
        return schema_export_response(ECONOMY_SCHEMA, records, f"economy-{period.label}.xlsx")
    chart = charts.bar(
        [r["label"] or _("No park") for r in by_park],
        {
            _("Output value of the period (10k yuan)"): [float(r["output_value"]) for r in by_park],
            _("Same months last year"): [float(r["output_value_previous"]) for r in by_park],
        },
    )
    return render(
        request,
        "enterprises/economy.html",
        {
            "period": period,
            "span": e["span"],
            "total": total,
            "above": e["above"],
            "by_park": by_park,
            "by_division": by_division,
            "chart": chart,
            "years": range(today.year - 4, today.year + 1),
            "months": range(1, 13),
        },
    )
