"""Evaluation pages: overview and runs, the ranking list, and an enterprise's report (亩均体检报告)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import charts, lists
from parkos.core.exceptions import Invalid, ParkOSError
from parkos.core.progress import progress_of
from parkos.core.selectors import history_entries, parks
from parkos.core.views import is_htmx, service_errors
from parkos.enterprises import industries
from parkos.enterprises.selectors import enterprise_of_user

from . import engine, exports, selectors, services
from .filters import ResultFilters
from .models import COHORT_LABELS, STATUS_LABELS, EvaluationRun, Objection

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
    if request.GET.get("enterprise", "").isdigit():  # the enterprise page's link: its latest report
        eid = int(request.GET["enterprise"])
        result = selectors.latest_result(user=user, enterprise_id=eid)
        if result is None:
            return render(request, "efficiency/no_report.html")
        return redirect("efficiency:report", pk=result.run_id, enterprise_id=eid)
    years = selectors.evaluation_years()
    year = (
        int(request.GET["year"]) if request.GET.get("year", "").isdigit() else (years[0] if years else None)
    )
    if request.method == "POST":
        try:
            run = services.evaluation_run_start(user=user, year=int(request.POST.get("year", "0")))
        except (ParkOSError, ValueError) as exc:
            service_errors(request, exc if isinstance(exc, ParkOSError) else ParkOSError(_("Choose a year.")))
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
            "can_run": user.may("evaluate"),
            "latest": selectors.run_latest(year=year) if year else None,
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_enterprise_user:  # an enterprise sees its own report, not the zone's summary
        return redirect("efficiency:index")
    run = selectors.run_get(user=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publicize":
                days = request.POST.get("working_days", "5")
                services.run_publicize(
                    user=request.user, run_id=run.pk, working_days=int(days) if days.isdigit() else 0
                )
                messages.success(request, _("The results are on public notice."))
            elif action == "publish":
                services.run_publish(user=request.user, run_id=run.pk)
                messages.success(request, _("The results are published and locked."))
            elif action == "answer":
                services.objection_answer(
                    user=request.user,
                    objection_id=int(request.POST.get("objection", "0")),
                    answer=request.POST.get("answer", ""),
                )
                messages.success(request, _("Answer saved."))
        except (ParkOSError, Objection.DoesNotExist) as exc:
            service_errors(
                request, exc if isinstance(exc, ParkOSError) else ParkOSError(_("No such objection."))
            )
        return redirect("efficiency:run", pk=run.pk)
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
                "can_publish": request.user.may("evaluate"),
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
        try:
            services.objection_submit(
                user=request.user,
                run_id=run.pk,
                enterprise_id=enterprise_id,
                text=request.POST.get("text", ""),
            )
            messages.success(request, _("Your objection was recorded; the administration will answer it."))
        except ParkOSError as exc:
            service_errors(request, exc)
        return redirect("efficiency:report", pk=run.pk, enterprise_id=enterprise_id)
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
ROWS_PER_COHORT = 8


def _scheme_from_post(post) -> dict:
    """The editor's fields as a scheme dict; problems are reported by `Scheme.validate` in the service."""

    def num(name: str, default=None):
        raw = (post.get(name) or "").strip()
        if raw == "":
            return default
        try:
            return float(raw)
        except ValueError:
            raise Invalid(
                _("“%(v)s” is not a number.") % {"v": raw}, fields={name: [_("not a number")]}
            ) from None

    config: dict = {"fixed_benchmarks": {}}
    for cohort in (engine.ABOVE, engine.BELOW):
        inds, fixed = [], {}
        for i in range(ROWS_PER_COHORT):
            code = post.get(f"{cohort}-{i}-code", "")
            if not code:
                continue
            if code not in engine.CATALOGUE:
                raise Invalid(_("Unknown indicator “%(c)s”.") % {"c": code})
            cap = num(f"{cohort}-{i}-cap")
            inds.append(
                {
                    "code": code,
                    "weight": num(f"{cohort}-{i}-weight", 0.0),
                    "cap": cap,
                    "missing": post.get(f"{cohort}-{i}-missing", "mean_score"),
                }
            )
            bench = num(f"{cohort}-{i}-bench")
            if bench is not None:
                fixed[code] = bench / 100 if code in exports.PERCENT else bench
        config[cohort] = inds
        config["fixed_benchmarks"][cohort] = fixed
    config.update(
        {
            "benchmark_mode": post.get("benchmark_mode", "cohort_aggregate"),
            "benchmark_multiplier": num("benchmark_multiplier", 1.0),
            "cutoffs": [num("cut_a", 0.2), num("cut_b", 0.6), num("cut_c", 0.95)],
            "protection_years": int(num("protection_years", 3)),
            "small_min_land_mu": num("small_min_land_mu", 3.0),
            "exempt_divisions": [
                d.strip() for d in post.get("exempt_divisions", "").replace("，", ",").split(",") if d.strip()
            ],
            "vetoes": [
                e for e in engine.VETO_EVENTS + engine.DOWNGRADE_EVENTS if post.get(f"event-{e}") == "veto"
            ],
            "downgrades": [
                e
                for e in engine.VETO_EVENTS + engine.DOWNGRADE_EVENTS
                if post.get(f"event-{e}") == "downgrade"
            ],
        }
    )
    return config


@login_required
def scheme_edit(request: HttpRequest, year: int) -> HttpResponse:
    user = request.user
    if not user.may("evaluate"):
        raise Http404
    row = selectors.scheme_row(year)
    if request.method == "POST":
        version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        try:
            if request.POST.get("action") == "profile":
                services.scheme_apply_profile(
                    user=user, year=year, profile=request.POST.get("profile", ""), version=version
                )
            else:
                services.scheme_save(
                    user=user,
                    year=year,
                    config=_scheme_from_post(request.POST),
                    profile=request.POST.get("profile_name") or "custom",
                    version=version,
                )
            messages.success(request, _("Scheme saved."))
            return redirect("efficiency:scheme", year=year)
        except ParkOSError as exc:
            service_errors(request, exc)
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
            "profiles": list(engine.PROFILES),
            "modes": engine.BENCHMARK_MODES,
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
        klass = request.POST.get("klass", "")
        version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        try:
            data = {
                k: request.POST.get(k, "0") or "0"
                for k in (
                    "electricity_surcharge",
                    "consecutive_surcharge",
                    "water_surcharge_pct",
                    "land_tax_reduction_pct",
                )
            }
            data["consecutive_years"] = int(request.POST.get("consecutive_years", "3") or 3)
            data["land_supply_priority"] = bool(request.POST.get("land_supply_priority"))
            data["subsidy_eligible"] = bool(request.POST.get("subsidy_eligible"))
            levers.policy_set(user=request.user, year=year, klass=klass, version=version, data=data)
            messages.success(request, _("Saved."))
        except ParkOSError as exc:
            service_errors(request, exc)
        except ValueError:
            messages.error(request, _("Enter numbers."))
        return redirect("efficiency:policies", year=year)
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
        "can_edit": request.user.may("evaluate"),
    },
)


def _levers():
    from . import levers

    return levers


@login_required
def lowland_view(request: HttpRequest, year: int) -> HttpResponse:
    import datetime as dt

    from . import levers

    if request.user.is_enterprise_user:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "complete":
                version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
                levers.plan_complete(
                    user=request.user, plan_id=int(request.POST.get("plan", "0")), version=version
                )
            else:
                levers.plan_create(
                    user=request.user,
                    enterprise_id=int(request.POST.get("enterprise", "0")),
                    year=year,
                    reason=request.POST.get("reason", ""),
                    measures=request.POST.get("measures", ""),
                    deadline=dt.date.fromisoformat(request.POST.get("deadline", "")),
                )
            messages.success(request, _("Saved."))
        except ParkOSError as exc:
            service_errors(request, exc)
        except ValueError:
            messages.error(request, _("Enter a date as YYYY-MM-DD."))
        return redirect("efficiency:lowland", year=year)
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
