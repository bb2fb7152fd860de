"""Evaluation pages: overview and runs, the ranking list, and an enterprise's report (亩均体检报告)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import charts, lists
from parkos.core.exceptions import Invalid, ParkOSError
from parkos.core.progress import progress_of
from parkos.core.selectors import history_entries, parks
from parkos.core.views import action_post, form_errors, form_post, is_htmx, service_errors
from parkos.enterprises import industries
from parkos.enterprises.selectors import enterprise_of_user

from . import engine, exports, selectors, services
from .filters import ResultFilters
from .forms import (
    ROWS_PER_COHORT,
    ClassPolicyForm,
    IndexParams,
    ObjectionAnswerForm,
    ObjectionForm,
    PlanCompleteForm,
    PlanCreateForm,
    PublicizeForm,
    RunStartForm,
    SchemeForm,
    SchemeProfileForm,
)
from .models import COHORT_LABELS, MODE_LABELS, STATUS_LABELS, EvaluationRun, Profile, runs_evaluation

RESULT_TABLE = lists.Table(
    [
        lists.Col("rank", gettext_lazy("Rank"), sort="rank"),
        lists.Col("name", gettext_lazy("Name"), sort="name"),
        lists.Col("uscc", gettext_lazy("USCC"), sort="uscc"),
        lists.Col("cohort", gettext_lazy("Cohort")),
        lists.Col("tax", gettext_lazy("Tax per mu"), sort="tax"),
        lists.Col("total", gettext_lazy("Total"), sort="total"),
        lists.Col("class", gettext_lazy("Class"), sort="class"),
        lists.Col("note", gettext_lazy("Note")),
    ],
    kind="evaluation-results",
)
SURCHARGE_TABLE = lists.Table(
    [
        lists.Col("uscc", "", export="result.enterprise.uscc", header="统一社会信用代码", width=22),
        lists.Col("name", "", export="result.enterprise.name", header="企业名称", width=30),
        lists.Col("class", "", export="result.final_class", header="等级"),
        lists.Col("years", "", export="consecutive", header="连续D类年数"),
        lists.Col("rate", "", export="surcharge", header="加价(元/千瓦时)"),
        lists.Col("kwh", "", export="electricity", header="用电量(万千瓦时)"),
    ],
    kind="surcharges",
    title="差别化电价名单",
)
LOWLAND_TABLE = lists.Table(
    [
        lists.Col("uscc", "", export="result.enterprise.uscc", header="统一社会信用代码", width=22),
        lists.Col("name", "", export="result.enterprise.name", header="企业名称", width=30),
        lists.Col("class", "", export="result.final_class", header="等级"),
        lists.Col(
            "tax",
            "",
            export=lambda r: float(engine.display(r.tax_per_mu)) if r.tax_per_mu is not None else None,
            header="亩均税收",
        ),
        lists.Col(
            "line",
            "",
            export=lambda r: float(engine.display(r.line)) if r.line is not None else None,
            header="三分之一基准值",
        ),
        lists.Col(
            "reasons", "", export=lambda r: "；".join(str(x) for x in r.reasons), header="原因", width=40
        ),
        lists.Col("plan", "", export=lambda r: r.plan.deadline if r.plan else None, header="整改期限"),
        lists.Col(
            "status", "", export=lambda r: r.plan.get_status_display() if r.plan else "", header="整改状态"
        ),
    ],
    kind="lowland",
    title="低效用地企业名单",
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_enterprise_user:
        ent = enterprise_of_user(user=user)
        run = (
            selectors.run_list(user=user)
            .filter(status=EvaluationRun.Status.DONE, results__enterprise=ent)
            .first()
        )
        if run is None or ent is None:
            return render(request, "efficiency/no_report.html")
        return redirect("efficiency:report", pk=run.pk, enterprise_id=ent.pk)
    q = IndexParams.of(request)
    if q.enterprise:  # the enterprise page's link: its latest report
        eid = q.enterprise
        result = selectors.latest_result(user=user, enterprise_id=eid)
        if result is None:
            return render(request, "efficiency/no_report.html")
        return redirect("efficiency:report", pk=result.run_id, enterprise_id=eid)
    years = selectors.evaluation_years()
    year = q.year or (years[0] if years else None)
    if request.method == "POST":
        form = RunStartForm(request.POST)
        try:
            if not form.is_valid():
                raise Invalid(_("Choose a year."), fields=dict(form.errors))
            run = services.evaluation_run_start(user=user, year=form.cleaned_data["year"])
        except ParkOSError as exc:
            service_errors(request, exc)
            return redirect("efficiency:index")
        return redirect("efficiency:run", pk=run.pk)
    runs = selectors.run_list(user=user).filter(year=year)[:20] if year else []
    return render(
        request,
        "efficiency/index.html",
        {
            "years": years,
            "year": year,
            "runs": runs,
            "can_run": runs_evaluation(user),
            "latest": selectors.run_latest(year=year) if year else None,
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_enterprise_user:  # an enterprise sees its own report, not the zone's summary
        raise Http404
    run = selectors.run_get(user=request.user, pk=pk)
    if request.method == "POST":
        u = request.user
        actions = {
            "publicize": (
                PublicizeForm,
                lambda d: services.run_publicize(user=u, run_id=run.pk, working_days=d["working_days"] or 0),
            ),
            "publish": (forms.Form, lambda d: services.run_publish(user=u, run_id=run.pk)),
            "answer": (
                ObjectionAnswerForm,
                lambda d: services.objection_answer(user=u, objection_id=d["objection"], answer=d["answer"]),
            ),
        }
        ok = {
            "publicize": _("The results are on public notice."),
            "publish": _("The results are published and locked."),
            "answer": _("Answer saved."),
        }
        return action_post(request, actions, ok=ok, back=reverse("efficiency:run", kwargs={"pk": run.pk}))
    ctx = {"run": run, "progress": progress_of("evaluation", run.pk)}
    if run.status == EvaluationRun.Status.DONE:
        counts = selectors.class_counts(user=request.user, run=run)
        hist = selectors.score_histogram(user=request.user, run=run)
        cohort = {
            c: str(label) for c, label in ((engine.ABOVE, _("Above scale")), (engine.BELOW, _("Below scale")))
        }
        ctx.update(
            {
                "counts": counts,
                "chart_classes": charts.bar(
                    list(engine.CLASSES), {cohort[c]: [counts[c][k] for k in engine.CLASSES] for c in cohort}
                ),
                "chart_histogram": charts.bar(hist["edges"], {cohort[c]: hist[c] for c in cohort}),
                "benchmarks": _benchmark_rows(run),
                "objections": selectors.objection_list(user=request.user, run=run),
                "can_publish": runs_evaluation(request.user),
            }
        )
    if is_htmx(request):
        if run.status in (EvaluationRun.Status.PENDING, EvaluationRun.Status.RUNNING):
            return render(request, "efficiency/_run_status.html", ctx)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: load the whole page with its charts
        return response
    return render(request, "efficiency/run.html", ctx)


def _benchmark_rows(run: EvaluationRun) -> list[dict]:
    scheme = engine.Scheme.from_dict(run.scheme)
    rows = []
    for cohort, label in ((engine.ABOVE, _("Above scale")), (engine.BELOW, _("Below scale"))):
        for ind in scheme.indicators(cohort):
            b = run.benchmarks.get(cohort, {}).get(ind.code)
            pct = 100 if ind.code in exports.PERCENT else 1
            rows.append(
                {
                    "cohort": label,
                    "name": ind.name,
                    "weight": ind.weight,
                    "cap": ind.cap,
                    "benchmark": engine.display(b * pct, 4) if b is not None else None,
                    "unit": "%" if pct == 100 else engine.CATALOGUE[ind.code][3],
                }
            )
    return rows


def _run_results(request: HttpRequest, pk: int):
    request._evaluation_run = run = selectors.run_get(user=request.user, pk=pk)
    return selectors.result_page_list(user=request.user, run=run)


def _results_context(request: HttpRequest, page, fs) -> dict:
    return {
        "run": request._evaluation_run,
        "parks": parks(),
        "divisions": industries.DIVISION_CHOICES,
        "classes": engine.CLASSES,
        "statuses": STATUS_LABELS.items(),
        "cohorts": [(engine.ABOVE, _("Above scale")), (engine.BELOW, _("Below scale"))],
    }


results = login_required(
    lists.ListPage(
        name="evaluation-results",
        url="efficiency:results",
        queryset=_run_results,
        staff_only=True,
        filters=ResultFilters,
        table=RESULT_TABLE,
        template="efficiency/results.html",
        partial="efficiency/_results_table.html",
        export=lambda request: (
            f"evaluation-{request._evaluation_run.year}-run{request._evaluation_run.pk}.xlsx"
        ),
        export_schema=lambda request: exports.results_schema(
            engine.Scheme.from_dict(request._evaluation_run.scheme)
        ),
        export_records=lambda request, qs: exports.result_records(
            request._evaluation_run, qs.iterator(chunk_size=5000)
        ),
        context=_results_context,
    )
)


@login_required
def report(request: HttpRequest, pk: int, enterprise_id: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    result = selectors.result_get(user=request.user, run=run, enterprise_id=enterprise_id)
    history = selectors.result_history(user=request.user, enterprise_id=enterprise_id, year=run.year)
    next_class = {"B": "A", "C": "B", "D": "C"}.get(result.final_class, "")
    if request.method == "POST":
        return form_post(
            request,
            ObjectionForm(request.POST),
            lambda d: services.objection_submit(
                user=request.user, run_id=run.pk, enterprise_id=enterprise_id, text=d["text"]
            ),
            ok=_("Your objection was recorded; the administration will answer it."),
            back=reverse("efficiency:report", kwargs={"pk": run.pk, "enterprise_id": enterprise_id}),
        )
    objections = selectors.objection_list(user=request.user, year=run.year, enterprise_id=enterprise_id)
    return render(
        request,
        "efficiency/report.html",
        {
            "objections": objections,
            "can_object": run.state == EvaluationRun.State.PUBLICITY,
            "run": run,
            "result": result,
            "enterprise": result.enterprise,
            "rows": selectors.report_rows(run=run, result=result),
            "blockers": selectors.report_blockers(run=run, result=result),
            "status_label": STATUS_LABELS[result.status],
            "cohort_label": COHORT_LABELS[result.cohort],
            "pool": run.summary.get(f"pool_{result.cohort}", 0),
            "history": history,
            "next_class": next_class,
            "whatif_score": engine.display(result.whatif_score),
            "total": engine.display(result.total),
        },
    )


# ---- scheme editor -------------------------------------------------------------------------------------------
@login_required
def scheme_edit(request: HttpRequest, year: int) -> HttpResponse:
    user = request.user
    if not runs_evaluation(user):
        raise Http404
    row = selectors.scheme_row(year)
    if request.method == "POST":
        back = reverse("efficiency:scheme", kwargs={"year": year})
        if "profile" in request.POST:  # the profile picker above the editor
            return form_post(
                request,
                SchemeProfileForm(request.POST),
                lambda d: services.scheme_apply_profile(
                    user=user, year=year, profile=d["profile"], version=d["version"]
                ),
                ok=_("Scheme saved."),
                back=back,
            )
        form = SchemeForm(request.POST)  # a refused scheme stays on the editor (200) with its reasons
        if not form.is_valid():
            form_errors(request, form)
        else:
            try:
                services.scheme_save(
                    user=user,
                    year=year,
                    config=form.config(),
                    profile=form.cleaned_data["profile_name"] or "custom",
                    version=form.cleaned_data["version"],
                )
            except ParkOSError as exc:
                service_errors(request, exc)
            else:
                messages.success(request, _("Scheme saved."))
                return redirect(back)
    scheme, profile = selectors.scheme_for_year(year)
    rows = {}
    for cohort in (engine.ABOVE, engine.BELOW):
        inds = list(scheme.indicators(cohort))
        fixed = scheme.fixed_benchmarks.get(cohort, {})
        rows[cohort] = [
            {
                "i": i,
                "code": inds[i].code if i < len(inds) else "",
                "weight": inds[i].weight if i < len(inds) else "",
                "cap": (inds[i].cap if inds[i].cap is not None else "") if i < len(inds) else "",
                "bench": (
                    fixed.get(inds[i].code, "") * (100 if inds[i].code in exports.PERCENT else 1)
                    if fixed.get(inds[i].code) is not None
                    else ""
                )
                if i < len(inds)
                else "",
            }
            for i in range(ROWS_PER_COHORT)
        ]
    events = [
        {"name": e, "kind": "veto" if e in scheme.vetoes else "downgrade" if e in scheme.downgrades else ""}
        for e in engine.VETO_EVENTS + engine.DOWNGRADE_EVENTS
    ]
    history = history_entries([(str(_("evaluation scheme")), row.history.filter(id=row.pk))]) if row else []
    return render(
        request,
        "efficiency/scheme.html",
        {
            "year": year,
            "scheme": scheme,
            "profile": profile,
            "row": row,
            "rows": rows,
            "events": events,
            "problems": scheme.validate(),
            "profile_label": Profile(profile).label if profile in Profile.values else profile,
            "profiles": [(p, Profile(p).label) for p in engine.PROFILES],
            "modes": [(m, MODE_LABELS[m]) for m in engine.BENCHMARK_MODES],
            "catalogue": [(c, v[0]) for c, v in engine.CATALOGUE.items()],
            "history": history,
            "cohorts": [(engine.ABOVE, _("Above scale")), (engine.BELOW, _("Below scale"))],
        },
    )


# ---- differentiated policies and low-efficiency land ---------------------------------------------------------
@login_required
def policies_view(request: HttpRequest, year: int) -> HttpResponse:

    from . import levers

    if request.user.is_enterprise_user:
        raise Http404
    if request.method == "POST":
        form = ClassPolicyForm(request.POST)
        return form_post(
            request,
            form,
            lambda d: levers.policy_set(
                user=request.user, year=year, klass=d["klass"], version=d["version"], data=form.policy()
            ),
            ok=_("Saved."),
            back=reverse("efficiency:policies", kwargs={"year": year}),
        )
    return surcharge_page(request, year=year)


def _surcharges(request: HttpRequest, year: int):
    from . import levers

    request._evaluation_run, rows = levers.surcharge_list(user=request.user, year=year)
    return rows


surcharge_page = lists.ListPage(
    name="surcharges",
    url="efficiency:policies",
    queryset=_surcharges,
    staff_only=True,
    filters=lists.FilterSet,
    table=SURCHARGE_TABLE,
    template="efficiency/policies.html",
    partial="efficiency/policies.html",
    export=lambda request: f"surcharges-{request.resolver_match.kwargs['year']}.xlsx",
    context=lambda request, page, fs: {
        "year": request.resolver_match.kwargs["year"],
        "run": request._evaluation_run,
        "rows": page,
        "levers": _levers().policies_for(request.resolver_match.kwargs["year"]).values(),
        "can_edit": runs_evaluation(request.user),
    },
)


def _levers():
    from . import levers

    return levers


@login_required
def lowland_view(request: HttpRequest, year: int) -> HttpResponse:

    from . import levers

    if request.user.is_enterprise_user:
        raise Http404
    if request.method == "POST":
        u = request.user
        actions = {
            "complete": (
                PlanCompleteForm,
                lambda d: levers.plan_complete(user=u, plan_id=d["plan"], version=d["version"]),
            ),
            "create": (
                PlanCreateForm,
                lambda d: levers.plan_create(
                    user=u,
                    enterprise_id=d["enterprise"],
                    year=year,
                    reason=d["reason"],
                    measures=d["measures"],
                    deadline=d["deadline"],
                ),
            ),
        }
        return action_post(
            request, actions, ok=_("Saved."), back=reverse("efficiency:lowland", kwargs={"year": year})
        )
    return lowland_page(request, year=year)


def _lowland(request: HttpRequest, year: int):
    request._evaluation_run, rows = _levers().low_efficiency_list(user=request.user, year=year)
    return rows


lowland_page = lists.ListPage(
    name="lowland",
    url="efficiency:lowland",
    queryset=_lowland,
    staff_only=True,
    filters=lists.FilterSet,
    table=LOWLAND_TABLE,
    template="efficiency/lowland.html",
    partial="efficiency/lowland.html",
    export=lambda request: f"low-efficiency-{request.resolver_match.kwargs['year']}.xlsx",
    context=lambda request, page, fs: {
        "year": request.resolver_match.kwargs["year"],
        "run": request._evaluation_run,
        "rows": page,
        "today": timezone.localdate(),
        "can_edit": request.user.may("change"),
    },
)


CLASS_BADGE = {"A": "bg-green-lt", "B": "bg-blue-lt", "C": "bg-yellow-lt", "D": "bg-red-lt"}


def enterprise_tab(request: HttpRequest, enterprise) -> str:
    """The enterprise page's 亩均 tab: the class of every evaluated year with its total and rank, and the trend."""
    from parkos.core.registries import Cell, TabSection, render_tab

    results = selectors.enterprise_results(user=request.user, enterprise_id=enterprise.pk)
    rows = [
        [
            Cell(
                r.run.year,
                reverse("efficiency:report", kwargs={"pk": r.run_id, "enterprise_id": enterprise.pk}),
            ),
            Cell(STATUS_LABELS[r.status]),
            Cell(COHORT_LABELS[r.cohort]),
            Cell(engine.display(r.total) if r.total is not None else "—", number=True),
            Cell(r.rank or "—", number=True),
            Cell(r.final_class or "—", badge=CLASS_BADGE.get(r.final_class, "")),
            Cell(r.note),
        ]
        for r in results
    ]
    trend = results[::-1]
    chart = charts.line(
        [str(r.run.year) for r in trend],
        {_("Total"): [engine.display(r.total) if r.total is not None else None for r in trend]},
        unit=_("points"),
    )
    return render_tab(
        request,
        "efficiency",
        [
            TabSection(
                _("Per-mu evaluation by year"),
                [_("Year"), _("Status"), _("Cohort"), _("Total"), _("Rank"), _("Class"), _("Note")],
                rows,
                empty=_("This enterprise has not been evaluated yet."),
                chart=chart if results else None,
            )
        ],
    )
