"""Policy pages: the library with each policy's figures, a policy and its clauses in plain Chinese, the clause editor,
a clause's match results with the explanation per enterprise, applications and grants; for enterprise users the
policies they are eligible for, with the reasons, and the application form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.excel import Column, Schema, text
from parkos.core.exceptions import ParkOSError
from parkos.core.views import page_of, schema_export_response, service_errors
from parkos.enterprises.selectors import enterprise_get

from . import engine, selectors, services
from .forms import ApplyForm, ClauseForm, PolicyForm
from .models import Application, Eligibility, Grant, Policy

MATCH_SCHEMA = Schema(
    kind="policy-matches", title="政策匹配结果",
    columns=[Column("enterprise", "企业", text, width=30), Column("uscc", "统一社会信用代码", text, width=22),
             Column("status", "匹配结果", text), Column("amount", "预计扶持(万元)", text), Column("year", "数据年度", text)],
)  # fmt: skip


POLICY_SCHEMA = Schema(
    kind="policies", title="惠企政策库",
    columns=[Column("title", "政策名称", text, width=36), Column("issuer", "发文单位", text, width=20), Column("doc_number", "文号", text, width=22),
             Column("level", "层级", text), Column("valid_from", "生效日期", text), Column("clauses", "条款数", text),
             Column("eligible", "符合条件企业", text), Column("applied", "申报数", text), Column("granted", "兑现数", text),
             Column("disbursed", "已拨付(万元)", text)],
)  # fmt: skip


APPLICATION_SCHEMA = Schema(
    kind="policy-applications", title="政策申报台账",
    columns=[Column("submitted_on", "申报日期", text), Column("enterprise", "企业", text, width=30), Column("uscc", "统一社会信用代码", text, width=22),
             Column("policy", "政策", text, width=30), Column("clause", "条款", text, width=24), Column("amount", "申请金额(万元)", text),
             Column("state", "状态", text), Column("review", "审核意见", text, width=30)],
)  # fmt: skip
GRANT_SCHEMA = Schema(
    kind="policy-grants", title="政策兑现台账",
    columns=[Column("enterprise", "企业", text, width=30), Column("uscc", "统一社会信用代码", text, width=22), Column("policy", "政策", text, width=30),
             Column("clause", "条款", text, width=24), Column("year", "数据年度", text), Column("amount", "金额(万元)", text),
             Column("state", "状态", text), Column("disbursed_on", "拨付日期", text), Column("voucher", "拨付凭证号", text)],
)  # fmt: skip


def _staff(request) -> None:
    if request.user.is_enterprise_user:
        raise Http404


@login_required
def library_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        return redirect("policies:mine")
    q, level = request.GET.get("q", "").strip(), request.GET.get("level", "")
    qs = selectors.policy_list(user=request.user, q=q, level=level, active=request.GET.get("active") == "1")
    page = page_of(request, qs)
    figures = selectors.policy_figures([p.pk for p in page])
    for p in page:
        p.figures = figures[p.pk]
    if request.GET.get("export") == "xlsx":
        figs = selectors.policy_figures(list(qs.values_list("pk", flat=True)))
        recs = (
            {
                "title": p.title,
                "issuer": p.issuer,
                "doc_number": p.doc_number,
                "level": p.get_level_display(),
                "valid_from": p.valid_from.isoformat(),
                "clauses": p.n_clauses,
                **{k: (float(v) if k == "disbursed" else v) for k, v in figs[p.pk].items()},
            }
            for p in qs
        )
        return schema_export_response(POLICY_SCHEMA, recs, "policies.xlsx")
    waiting = (
        Eligibility.objects.filter(status="eligible", notified=False).values("enterprise").distinct().count()
    )
    return render(
        request,
        "policies/list.html",
        {
            "page": page,
            "q": q,
            "level": level,
            "levels": Policy.Level.choices,
            "waiting": waiting,
            "can_edit": request.user.may("change"),
        },
    )


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    """An enterprise user's policies: each stored match explained condition by condition, with the apply form."""
    from parkos.enterprises.selectors import enterprise_of_user

    if not request.user.is_enterprise_user:
        raise Http404
    ent = enterprise_of_user(user=request.user)
    if ent is None:
        raise Http404
    matches = selectors.enterprise_matches(user=request.user, enterprise_id=ent.pk)
    services.matches_seen(user=request.user, enterprise_id=ent.pk)  # the portal page is the notice
    applied = {a.clause_id: a for a in Application.objects.filter(enterprise=ent).exclude(state="withdrawn")}
    grants = {g.clause_id: g for g in Grant.objects.filter(enterprise=ent)}
    for m in matches:
        m["applied"] = applied.get(m["clause"].pk)
        m["grant"] = grants.get(m["clause"].pk)
    return render(request, "policies/mine.html", {"matches": matches, "enterprise": ent, "form": ApplyForm()})


@login_required
def policy_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    policy = selectors.policy_get(user=request.user, pk=pk)
    clauses = list(policy.clauses.all())
    year = selectors.latest_year()
    counts = {}
    for c, status, n in (
        Eligibility.objects.filter(clause__in=clauses)
        .values_list("clause_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(c, {})[status] = n
    for c in clauses:
        c.rule_text = engine.describe(c.rule, year)
        c.support_text = engine.describe_support(c.support, year)
        c.counts = counts.get(c.pk, {})
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "clauses": clauses,
            "figures": selectors.policy_figures([pk])[pk],
            "history": policy.history.select_related("history_user")[:20],
        },
    )


@login_required
def policy_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _staff(request)
    if pk is None and not request.user.may("change"):
        raise Http404
    policy = selectors.policy_get(user=request.user, pk=pk, action="change") if pk else None
    form = PolicyForm(
        request.POST or None, instance=policy, initial={"version": policy.version if policy else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            p = services.policy_save(
                user=request.user,
                data={k: v for k, v in form.cleaned_data.items() if k != "version"},
                pk=pk,
                version=form.cleaned_data.get("version"),
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("policies:detail", pk=p.pk)
    return render(
        request, "policies/form.html", {"form": form, "title": policy.title if policy else _("New policy")}
    )


@login_required
def clause_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """`pk` is the policy for a new clause, the clause for an edit."""
    _staff(request)
    creating = request.resolver_match.url_name == "clause_create"
    clause = None if creating else selectors.clause_get(user=request.user, pk=pk, action="change")
    policy = selectors.policy_get(user=request.user, pk=pk, action="change") if creating else clause.policy
    form = ClauseForm(
        request.POST or None, instance=clause, initial={"version": clause.version if clause else None}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            c = services.clause_save(
                user=request.user,
                policy_id=policy.pk,
                data=data,
                pk=None if creating else pk,
                version=form.cleaned_data.get("version"),
            )
        except ParkOSError as exc:
            service_errors(request, exc, form)
        else:
            messages.success(request, _("Clause saved: %(rule)s") % {"rule": engine.describe(c.rule)})
            return redirect("policies:detail", pk=policy.pk)
    elif clause is not None:
        preview = engine.describe(clause.rule)
    return render(
        request,
        "policies/clause_form.html",
        {"form": form, "policy": policy, "preview": preview, "fields": engine.FIELDS, "ops": engine.OPS},
    )


@login_required
def clause_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    clause = selectors.clause_get(user=request.user, pk=pk)
    status = request.GET.get("status", "eligible")
    qs = (
        Eligibility.objects.restrict(request.user, "view")
        .filter(clause=clause)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    if status in Eligibility.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        recs = (
            {
                "enterprise": e.enterprise.name,
                "uscc": e.enterprise.uscc,
                "status": e.get_status_display(),
                "amount": float(e.amount) if e.amount is not None else None,
                "year": e.year,
            }
            for e in qs
        )
        return schema_export_response(MATCH_SCHEMA, recs, f"policy-matches-{clause.pk}.xlsx")
    year = selectors.latest_year()
    return render(
        request,
        "policies/clause.html",
        {
            "clause": clause,
            "page": page_of(request, qs),
            "status": status,
            "rule_text": engine.describe(clause.rule, year),
            "support_text": engine.describe_support(clause.support, year),
            "statuses": Eligibility.Status.choices,
            "applications": clause.applications.select_related("enterprise"),
            "grants": clause.grants.select_related("enterprise")[:200],
        },
    )


@login_required
def explain_view(request: HttpRequest, pk: int, enterprise: int) -> HttpResponse:
    clause = selectors.clause_get(user=request.user, pk=pk)
    ent = enterprise_get(user=request.user, pk=enterprise)
    ctx = selectors.explain_for(clause=clause, enterprise_id=ent.pk)
    return render(request, "policies/explain.html", {**ctx, "enterprise": ent})


@login_required
@require_POST
def apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    from parkos.enterprises.selectors import enterprise_of_user

    ent = enterprise_of_user(user=request.user) if request.user.is_enterprise_user else None
    if ent is None:
        raise Http404
    form = ApplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.apply(user=request.user, clause_id=pk, enterprise_id=ent.pk, **form.cleaned_data)
        except ParkOSError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Application submitted."))
    else:
        messages.error(request, _("Enter the amount applied for."))
    return redirect("policies:mine")


@login_required
@require_POST
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.application_withdraw(user=request.user, pk=pk, note=request.POST.get("note", ""))
        messages.success(request, _("Application withdrawn."))
    except ParkOSError as exc:
        service_errors(request, exc)
    return redirect("policies:mine")


@login_required
def applications_view(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if request.method == "POST":
        try:
            services.review(
                user=request.user,
                pk=int(request.POST["application"]),
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
        except (ParkOSError, ValueError, KeyError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        else:
            messages.success(request, _("Review recorded."))
        return redirect("policies:applications")
    state = request.GET.get("state", "submitted")
    qs = Application.objects.restrict(request.user, "view").select_related("clause__policy", "enterprise")
    if state in Application.State.values:
        qs = qs.filter(state=state)
    if request.GET.get("export") == "xlsx":
        recs = (
            {
                "submitted_on": a.submitted_on.isoformat(),
                "enterprise": a.enterprise.name,
                "uscc": a.enterprise.uscc,
                "policy": a.clause.policy.title,
                "clause": f"{a.clause.number} {a.clause.title}",
                "amount": float(a.amount),
                "state": a.get_state_display(),
                "review": a.review_note,
            }
            for a in qs.order_by("-submitted_on", "-pk")
        )
        return schema_export_response(APPLICATION_SCHEMA, recs, "policy-applications.xlsx")
    return render(
        request,
        "policies/applications.html",
        {
            "page": page_of(request, qs.order_by("-submitted_on", "-pk")),
            "state": state,
            "states": Application.State.choices,
        },
    )


@login_required
def grants_view(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if request.method == "POST":
        try:
            if request.POST.get("approve"):
                n = services.grants_approve(
                    user=request.user, ids=[int(x) for x in request.POST.getlist("grant")]
                )
                messages.success(request, _("%(n)s grants approved.") % {"n": n})
            elif request.POST.get("cancel"):
                services.grant_cancel(
                    user=request.user, pk=int(request.POST["grant_id"]), reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Grant cancelled."))
            else:
                services.disburse(
                    user=request.user,
                    pk=int(request.POST["grant_id"]),
                    on=timezone.localdate(),
                    voucher=request.POST.get("voucher", ""),
                )
                messages.success(request, _("Disbursement recorded."))
        except (ParkOSError, ValueError, KeyError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        return redirect(request.get_full_path())
    state = request.GET.get("state", "proposed")
    qs = Grant.objects.restrict(request.user, "view").select_related("clause__policy", "enterprise")
    if state in Grant.State.values:
        qs = qs.filter(state=state)
    if request.GET.get("export") == "xlsx":
        recs = (
            {
                "enterprise": g.enterprise.name,
                "uscc": g.enterprise.uscc,
                "policy": g.clause.policy.title,
                "clause": f"{g.clause.number} {g.clause.title}",
                "year": g.year,
                "amount": float(g.amount) if g.amount is not None else None,
                "state": g.get_state_display(),
                "disbursed_on": g.disbursed_on.isoformat() if g.disbursed_on else "",
                "voucher": g.voucher,
            }
            for g in qs.order_by("clause", "enterprise__name")
        )
        return schema_export_response(GRANT_SCHEMA, recs, "policy-grants.xlsx")
    return render(
        request,
        "policies/grants.html",
        {
            "page": page_of(request, qs.order_by("clause", "enterprise__name")),
            "state": state,
            "states": Grant.State.choices,
        },
    )


@login_required
@require_POST
def grant_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        n = services.grant_list(user=request.user, clause_id=pk)
    except ParkOSError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)s enterprises on the grant list.") % {"n": n})
    return redirect("policies:grants")


@login_required
@require_POST
def match_view(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if not request.user.may("change"):
        raise Http404
    counts = services.match_all()
    messages.success(
        request,
        _(
            "Matched %(clauses)s clauses against %(enterprises)s enterprises: %(eligible)s eligible, %(unknown)s with data missing, %(new)s newly eligible to notify."
        )
        % counts,
    )
    return redirect("policies:list")
