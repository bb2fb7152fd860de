"""Policy pages: the library with each policy's figures, a policy and its clauses in plain Chinese, the clause editor,
a clause's match results with the explanation per enterprise, applications and grants; for enterprise users the
policies they are eligible for, with the reasons, and the application form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from parkos.core import lists
from parkos.core.exceptions import ParkOSError
from parkos.core.forms import NoteForm
from parkos.core.progress import progress_of
from parkos.core.views import action_post, form_post, service_errors, staff_only
from parkos.enterprises.selectors import enterprise_get

from . import engine, selectors, services
from .filters import ApplicationFilters, GrantFilters, MatchFilters, PolicyFilters
from .forms import (
    ApplyForm,
    ClauseForm,
    DisburseForm,
    GrantCancelForm,
    GrantsApproveForm,
    PolicyForm,
    ReviewForm,
)
from .models import Application, Eligibility, Grant, Policy

MATCH_TABLE = lists.Table(
    [
        lists.Col(
            "enterprise",
            _l("enterprise"),
            sort="enterprise",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col("uscc", "", export="enterprise.uscc", header="统一社会信用代码", width=22, page=False),
        lists.Col("status", _l("status"), export="get_status_display", header="匹配结果"),
        lists.Col("amount", _l("estimated support (10k yuan)"), sort="amount", header="预计扶持(万元)"),
        lists.Col("year", "", header="数据年度", page=False),
        lists.Col("why", "", export=None),
    ],
    kind="policy-matches",
    title="政策匹配结果",
)
POLICY_TABLE = lists.Table(
    [
        lists.Col("title", _l("policy title"), sort="title", header="政策名称", width=36),
        lists.Col("issuer", "", header="发文单位", width=20, page=False),
        lists.Col("doc_number", _l("document number"), header="文号", width=22),
        lists.Col("level", "", export="get_level_display", header="层级", page=False),
        lists.Col("valid_from", _l("valid from"), sort="valid_from", header="生效日期"),
        lists.Col("clauses", _l("Clauses"), sort="clauses", export="n_clauses", header="条款数"),
        lists.Col("eligible", _l("Eligible"), export=lambda p: p.figures["eligible"], header="符合条件企业"),
        lists.Col("applied", _l("Applied"), export=lambda p: p.figures["applied"], header="申报数"),
        lists.Col("granted", _l("Grants made"), export=lambda p: p.figures["granted"], header="兑现数"),
        lists.Col(
            "disbursed",
            _l("Disbursed (10k yuan)"),
            export=lambda p: p.figures["disbursed"],
            header="已拨付(万元)",
        ),
    ],
    kind="policies",
    title="惠企政策库",
)
APPLICATION_TABLE = lists.Table(
    [
        lists.Col("submitted_on", _l("submitted on"), sort="submitted_on", header="申报日期"),
        lists.Col(
            "enterprise",
            _l("enterprise"),
            sort="enterprise",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col("uscc", "", export="enterprise.uscc", header="统一社会信用代码", width=22, page=False),
        lists.Col("policy", "", export="clause.policy.title", header="政策", width=30, page=False),
        lists.Col(
            "clause",
            _l("clause"),
            export=lambda a: f"{a.clause.number} {a.clause.title}",
            header="条款",
            width=24,
        ),
        lists.Col("amount", _l("amount applied for (10k yuan)"), sort="amount", header="申请金额(万元)"),
        lists.Col("materials", _l("materials"), export=None),
        lists.Col("state", "", export="get_state_display", header="状态"),
        lists.Col("review", "", export="review_note", header="审核意见", width=30, page=False),
    ],
    kind="policy-applications",
    title="政策申报台账",
    export_order=["submitted_on", "enterprise", "uscc", "policy", "clause", "amount", "state", "review"],
)
GRANT_TABLE = lists.Table(
    [
        lists.Col("pick", "", export=None),
        lists.Col(
            "enterprise",
            _l("enterprise"),
            sort="enterprise",
            export="enterprise.name",
            header="企业",
            width=30,
        ),
        lists.Col("uscc", "", export="enterprise.uscc", header="统一社会信用代码", width=22, page=False),
        lists.Col("policy", "", export="clause.policy.title", header="政策", width=30, page=False),
        lists.Col(
            "clause",
            _l("clause"),
            sort="clause",
            export=lambda g: f"{g.clause.number} {g.clause.title}",
            header="条款",
            width=24,
        ),
        lists.Col("year", "", header="数据年度", page=False),
        lists.Col("amount", _l("amount (10k yuan)"), sort="amount", header="金额(万元)"),
        lists.Col("state", _l("state"), export="get_state_display", header="状态"),
        lists.Col("disbursed_on", "", header="拨付日期", page=False),
        lists.Col("voucher", "", header="拨付凭证号", page=False),
        lists.Col("actions", "", export=None),
    ],
    kind="policy-grants",
    title="政策兑现台账",
)


def _with_figures(request: HttpRequest, rows) -> None:
    figures = selectors.policy_figures([p.pk for p in rows])
    for p in rows:
        p.figures = figures[p.pk]


policy_library = lists.ListPage(
    name="policies",
    url="policies:list",
    queryset=lambda request: selectors.policy_list(user=request.user),
    filters=PolicyFilters,
    table=POLICY_TABLE,
    template="policies/list.html",
    partial="policies/_list.html",
    export="policies.xlsx",
    rows=_with_figures,
    context=lambda request, page, fs: {
        "levels": Policy.Level.choices,
        "waiting": selectors.enterprises_newly_eligible(),
        "can_edit": request.user.may("change"),
    },
)


@login_required
def library_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        return redirect("policies:mine")
    return policy_library(request)


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
    applied, grants = selectors.applications_and_grants_of(enterprise=ent)
    for m in matches:
        m["applied"] = applied.get(m["clause"].pk)
        m["grant"] = grants.get(m["clause"].pk)
    return render(request, "policies/mine.html", {"matches": matches, "enterprise": ent, "form": ApplyForm()})


@login_required
def policy_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    policy = selectors.policy_get(user=request.user, pk=pk)
    clauses = list(policy.clauses.all())
    year = selectors.latest_year()
    counts = {}
    for c, status, n in selectors.match_counts(clauses):
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
            "can_change": selectors.may_change(user=request.user, policy=policy),
            "history": policy.history.select_related("history_user")[:20],
        },
    )


@login_required
def policy_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    staff_only(request)
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
    staff_only(request)
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
        {"form": form, "policy": policy, "preview": preview, "vocabulary": engine.vocabulary()},
    )


def _clause_context(request: HttpRequest, page, fs, pk: int | None = None) -> dict:
    clause = request._policy_clause  # the page's clause, read once by the queryset
    year = selectors.latest_year()
    return {
        "clause": clause,
        "rule_text": engine.describe(clause.rule, year),
        "support_text": engine.describe_support(clause.support, year),
        "statuses": Eligibility.Status.choices,
        "applications": clause.applications.select_related("enterprise"),
        "grants": clause.grants.select_related("enterprise")[:200],
    }


def _clause_matches(request: HttpRequest, pk: int):
    clause = selectors.clause_get(user=request.user, pk=pk)
    request._policy_clause = clause
    return selectors.matches_of(user=request.user, clause=clause)


clause_view = login_required(
    lists.ListPage(
        name="policy-matches",
        url="policies:clause",
        queryset=_clause_matches,
        staff_only=True,
        filters=MatchFilters,
        table=MATCH_TABLE,
        template="policies/clause.html",
        partial="policies/_matches.html",
        export="policy-matches.xlsx",
        context=_clause_context,
    )
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
    return form_post(
        request,
        NoteForm(request.POST),
        lambda d: services.application_withdraw(user=request.user, pk=pk, note=d["note"]),
        ok=_("Application withdrawn."),
        back=reverse("policies:mine"),
    )


@login_required
def applications_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if request.method == "POST":
        return form_post(
            request,
            ReviewForm(request.POST),
            lambda d: services.review(
                user=request.user, pk=d["application"], approve=d["decision"] == "approve", note=d["note"]
            ),
            ok=_("Review recorded."),
            back=reverse("policies:applications"),
        )
    return application_page(request)


def _with_files(request: HttpRequest, rows) -> None:
    from parkos.core.selectors import attachments_for

    files = attachments_for(target="policies.application", ids=[a.pk for a in rows])
    for a in rows:
        a.files = files.get(a.pk, [])


application_page = lists.ListPage(
    name="policy-applications",
    url="policies:applications",
    queryset=lambda request: selectors.application_list(user=request.user),
    staff_only=True,
    filters=ApplicationFilters,
    table=APPLICATION_TABLE,
    template="policies/applications.html",
    partial="policies/_applications.html",
    rows=_with_files,
    export="policy-applications.xlsx",
    context=lambda request, page, fs: {"states": Application.State.choices},
)


@login_required
def grants_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if request.method == "POST":
        u = request.user
        actions = {
            "approve": (GrantsApproveForm, lambda d: services.grants_approve(user=u, ids=d["grant"])),
            "cancel": (
                GrantCancelForm,
                lambda d: services.grant_cancel(user=u, pk=d["grant_id"], reason=d["reason"]),
            ),
            "disburse": (
                DisburseForm,
                lambda d: services.disburse(
                    user=u, pk=d["grant_id"], on=timezone.localdate(), voucher=d["voucher"]
                ),
            ),
        }
        ok = {
            "approve": lambda n: _("%(n)s grants approved.") % {"n": n},
            "cancel": _("Grant cancelled."),
            "disburse": _("Disbursement recorded."),
        }
        return action_post(request, actions, ok=ok, back=request.get_full_path())
    return grant_page(request)


grant_page = lists.ListPage(
    name="policy-grants",
    url="policies:grants",
    queryset=lambda request: selectors.grants_of(user=request.user),
    staff_only=True,
    filters=GrantFilters,
    table=GRANT_TABLE,
    template="policies/grants.html",
    partial="policies/_grants.html",
    export="policy-grants.xlsx",
    context=lambda request, page, fs: {"states": Grant.State.choices},
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
    """Start a matching of every clause against every enterprise in the background; its page shows the progress."""
    staff_only(request)
    if not request.user.may("change"):
        raise Http404
    try:
        run = services.match_run_start(user=request.user)
    except ParkOSError as exc:
        service_errors(request, exc)
        return redirect("policies:list")
    return redirect("policies:match_run", pk=run.pk)


@login_required
def match_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    run = selectors.match_run_get(user=request.user, pk=pk)
    ctx = {"run": run, "progress": progress_of("policy-match", run.pk)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "policies/_match_status.html", ctx)
    return render(request, "policies/match_run.html", ctx)


@login_required
@require_POST
def matches_seen_view(request: HttpRequest) -> HttpResponse:
    """The enterprise has opened its policies page: its new matches are no longer news (a POST the page sends)."""
    from parkos.enterprises.selectors import enterprise_of_user

    ent = enterprise_of_user(user=request.user)
    if ent is None:
        raise Http404
    services.matches_seen(user=request.user, enterprise_id=ent.pk)
    return HttpResponse(status=204)


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's policies tab: clauses it matches (with the estimated support), what it applied for
    and what it was granted."""
    from parkos.core.numbers import formatted
    from parkos.core.registries import Cell, TabSection, render_tab

    data = selectors.enterprise_policies(user=request.user, enterprise_id=enterprise.pk)
    staff = not request.user.is_enterprise_user

    def clause_cell(clause) -> Cell:
        return Cell(str(clause), reverse("policies:clause", args=[clause.pk]) if staff else "")

    return render_tab(
        request,
        "policies",
        [
            TabSection(
                _("Matched clauses"),
                [_("Clause"), _("Status"), _("Data year"), _("Estimated support (10k yuan)")],
                [
                    [
                        clause_cell(m.clause),
                        Cell(m.get_status_display()),
                        Cell(m.year),
                        Cell(formatted(m.amount), number=True),
                    ]
                    for m in data["matches"]
                ],
                empty=_("No clause matched yet."),
                more="" if staff else reverse("policies:mine"),
            ),
            TabSection(
                _("Applications"),
                [_("Clause"), _("State"), _("Submitted on"), _("Amount applied for (10k yuan)")],
                [
                    [
                        clause_cell(a.clause),
                        Cell(a.get_state_display()),
                        Cell(a.submitted_on.isoformat()),
                        Cell(formatted(a.amount), number=True),
                    ]
                    for a in data["applications"]
                ],
                empty=_("No application."),
            ),
            TabSection(
                _("Grants"),
                [_("Clause"), _("State"), _("Data year"), _("Amount (10k yuan)"), _("Disbursed on")],
                [
                    [
                        clause_cell(g.clause),
                        Cell(g.get_state_display()),
                        Cell(g.year),
                        Cell(formatted(g.amount), number=True),
                        Cell(g.disbursed_on.isoformat() if g.disbursed_on else "—"),
                    ]
                    for g in data["grants"]
                ],
                empty=_("No grant."),
            ),
        ],
    )
