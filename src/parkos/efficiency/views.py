"""Evaluation pages: overview and runs, the ranking list, and an enterprise's report (亩均体检报告)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import charts
from parkos.core.exceptions import ParkOSError
from parkos.core.models import Park
from parkos.core.progress import progress_of
from parkos.core.views import is_htmx, page_of, schema_export_response, service_errors, sort_columns
from parkos.enterprises import industries
from parkos.enterprises.selectors import enterprise_of_user

from . import engine, exports, selectors, services
from .models import EvaluationRun

COLUMNS = [
    ("rank", gettext_lazy("Rank")),
    ("name", gettext_lazy("Name")),
    ("uscc", gettext_lazy("USCC")),
    ("", gettext_lazy("Cohort")),
    ("tax", gettext_lazy("Tax per mu")),
    ("total", gettext_lazy("Total")),
    ("class", gettext_lazy("Class")),
    ("", gettext_lazy("Note")),
]


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
    run = selectors.run_get(user=request.user, pk=pk)
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


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_enterprise_user:
        raise Http404
    run = selectors.run_get(user=request.user, pk=pk)
    filters = selectors.ResultFilters.from_query(request.GET)
    qs = selectors.result_page_list(user=request.user, run=run, filters=filters)
    if request.GET.get("export") == "xlsx":
        schema = exports.results_schema(engine.Scheme.from_dict(run.scheme))
        return schema_export_response(
            schema,
            exports.result_records(run, qs.iterator(chunk_size=5000)),
            f"evaluation-{run.year}-run{run.pk}.xlsx",
        )
    ctx = {
        "run": run,
        "page": page_of(request, qs),
        "filters": filters,
        "headers": sort_columns(COLUMNS, filters.sort),
        "parks": Park.objects.all(),
        "divisions": industries.DIVISION_CHOICES,
        "classes": engine.CLASSES,
        "statuses": engine.STATUS_LABELS.items(),
        "cohorts": [(engine.ABOVE, _("Above scale")), (engine.BELOW, _("Below scale"))],
    }
    return render(
        request, "efficiency/_results_table.html" if is_htmx(request) else "efficiency/results.html", ctx
    )


@login_required
def report(request: HttpRequest, pk: int, enterprise_id: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    result = selectors.result_get(user=request.user, run=run, enterprise_id=enterprise_id)
    history = selectors.result_history(user=request.user, enterprise_id=enterprise_id, year=run.year)
    next_class = {"B": "A", "C": "B", "D": "C"}.get(result.final_class, "")
    return render(
        request,
        "efficiency/report.html",
        {
            "run": run,
            "result": result,
            "enterprise": result.enterprise,
            "rows": selectors.report_rows(run=run, result=result),
            "status_label": engine.STATUS_LABELS[result.status],
            "cohort_label": engine.COHORT_LABELS[result.cohort],
            "pool": run.summary.get(f"pool_{result.cohort}", 0),
            "history": history,
            "next_class": next_class,
            "whatif_score": engine.display(result.whatif_score),
            "total": engine.display(result.total),
        },
    )
