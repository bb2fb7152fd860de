"""好差评 pages: the rating and case figures (staff and public), the 差评 case board and a case with its steps, and
the rating form's target. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core import charts
from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import QueryParams, YearParams
from parkos.core.selectors import attachments_for
from parkos.core.views import next_url, schema_export_response

from . import selectors, services
from .forms import CaseActionForm, RateForm, RatingsParams
from .workflows import CASE

CASE_SCHEMA = Schema(kind="bad-rating-cases", title="差评整改台账", columns=[
    Column("received_on", "收到日期", text), Column("enterprise", "企业", text, width=30), Column("level", "评价", text),
    Column("reasons", "差评原因", text, width=20), Column("department", "责任部门", text), Column("state", "状态", text),
    Column("kind", "处置类型", text), Column("rectify_due", "整改期限", text), Column("feedback_on", "反馈日期", text),
    Column("followup", "追评", text)])  # fmt: skip


@login_required
@require_POST
def rate_view(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    """An enterprise rates a service it received (the form on its requests page)."""
    form = RateForm(request.POST)
    try:
        if not form.is_valid():
            raise ParkOSError(_("Choose a rating from 1 to 5."))
        d = form.cleaned_data
        services.rate(
            user=request.user,
            target=target,
            target_id=pk,
            level=d["level"],
            reasons=d["reasons"],
            text=d["text"],
        )
    except ParkOSError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect(next_url(request, reverse("home")))


# ---- ratings and cases -------------------------------------------------------------------------------------------------
@login_required
def ratings_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        raise Http404
    q = RatingsParams.of(request, year=timezone.localdate().year, by="department")
    year, by = q.year, q.by
    rows = selectors.rating_metrics(user=request.user, year=year, by=by)
    chart = charts.bar(
        [str(r["key"]) for r in rows],
        {
            _("Good-rating rate (%)"): [r["m"].good_rate for r in rows],
            _("Satisfaction"): [r["m"].satisfaction for r in rows],
        },
    )
    return render(
        request,
        "ratings/ratings.html",
        {
            "rows": rows,
            "year": year,
            "by": by,
            "chart": chart,
            "total": selectors.rating_total(user=request.user, year=year),
            "groups": selectors.GROUPS,
            "years": range(timezone.localdate().year - 2, timezone.localdate().year + 1),
        },
    )


def public_view(request: HttpRequest) -> HttpResponse:
    """Department figures for the public: no login, no personal data (spec §7)."""
    year = YearParams.of(request, year=timezone.localdate().year).year
    rows = selectors.rating_metrics(user=request.user, year=year, by="department", public=True)
    return render(request, "ratings/public.html", {"rows": rows, "year": year})


@login_required
def cases_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        raise Http404
    if QueryParams.of(request).export == "xlsx":
        recs = (
            {
                "received_on": c.received_on.isoformat(),
                "enterprise": c.rating.enterprise.name,
                "level": c.rating.get_level_display(),
                "reasons": "、".join(c.rating.reasons),
                "department": c.department.name,
                "state": c.get_state_display(),
                "kind": c.get_kind_display(),
                "rectify_due": c.rectify_due.isoformat() if c.rectify_due else "",
                "feedback_on": c.feedback_on.isoformat() if c.feedback_on else "",
                "followup": c.followup.get_level_display() if c.followup else "",
            }
            for c in selectors.case_list(user=request.user)
            .prefetch_related("followups")
            .order_by("received_on", "pk")
        )
        return schema_export_response(CASE_SCHEMA, recs, "bad-rating-cases.xlsx")
    return render(request, "ratings/cases.html", {"columns": selectors.case_board(user=request.user)})


@login_required
def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = CaseActionForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.case_act(
                    user=request.user,
                    pk=pk,
                    action=d["action"],
                    on=d["on"],
                    note=d["note"],
                    kind=d["kind"],
                    method=d["method"],
                    evidence=d["evidence"],
                    level=d["level"],
                    version=d["version"],
                )
            except ParkOSError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Done."))
        return redirect("ratings:case", pk=pk)
    actions = [(t.action, t.label) for t in CASE.available(request.user, case)]
    target_label, target_url = selectors.rated_service(user=request.user, rating=case.rating)
    return render(
        request,
        "ratings/case.html",
        {
            "case": case,
            "actions": actions,
            "events": case.events.select_related("by"),
            "form": CaseActionForm(initial={"on": timezone.localdate(), "version": case.version}),
            "due": selectors.step_due(case),
            "target_label": target_label,
            "target_url": target_url,
            "files": attachments_for(target="ratings.case", ids=[case.pk]).get(case.pk, []),
        },
    )
