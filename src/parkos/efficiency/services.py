"""Writes of the evaluation: runs (DB → engine → stored results), schemes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_insert_columns
from parkos.core.exceptions import Forbidden, Invalid

from . import engine, selectors
from .models import EvaluationResult, EvaluationRun


def evaluation_run(*, user, year: int, progress=None) -> EvaluationRun:
    """Evaluate every enterprise with figures for `year` under the year's scheme and store the results."""
    if not user.may("evaluate"):
        raise Forbidden(_("You may not run the evaluation."))
    report = progress or (lambda *a, **k: None)
    scheme, profile = selectors.scheme_for_year(year)
    problems = scheme.validate()
    if problems:
        raise Invalid(
            _("The scheme for %(year)s is not usable: %(p)s") % {"year": year, "p": "; ".join(problems)}
        )
    report("read", 0, 1, force=True)
    inp, ids = selectors.evaluation_inputs(year)
    raw = selectors.stored_inputs(inp)
    report("compute", 0, 1, force=True)
    res = engine.evaluate(inp, scheme, year)
    report("write", 0, 1, force=True)
    codes = list(res.values)
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            year=year,
            scheme=scheme.to_dict(),
            profile=profile,
            created_by=user,
            status=EvaluationRun.Status.RUNNING,
        )
        values = {c: selectors.as_list(res.values[c]) for c in codes}
        scores = {c: selectors.as_list(res.scores[c]) for c in codes}
        whatif = {c: selectors.as_list(res.whatif[c]) for c in codes}
        used = {c: res.mean_score_used[c].tolist() for c in codes}
        total, whatif_score = selectors.as_list(res.total), selectors.as_list(res.whatif_score)
        tax_per_mu = values.get("tax_per_mu", [None] * len(ids))
        ranks = res.rank.tolist()
        notes = [
            engine.explain(res, scheme, i)
            if (res.vetoed[i] or res.downgraded[i] or any(used[c][i] for c in codes))
            else ""
            for i in range(len(ids))
        ]
        n = len(ids)
        details = [{"inputs": raw[i], "values": {}, "scores": {}, "mean": [], "whatif": {}} for i in range(n)]
        for (
            c
        ) in codes:  # fill the details indicator by indicator (column-wise), only where the cohort uses it
            used_c, whatif_c = used[c], whatif[c]
            for i, (v, sc) in enumerate(zip(values[c], scores[c], strict=True)):
                if sc is None:
                    continue
                d = details[i]
                d["values"][c] = v
                d["scores"][c] = sc
                if used_c[i]:
                    d["mean"].append(c)
                if whatif_c[i] is not None:
                    d["whatif"][c] = whatif_c[i]
        columns = {
            "run_id": [run.pk] * n,
            "enterprise_id": ids,
            "cohort": res.cohort.tolist(),
            "status": res.status.tolist(),
            "total": total,
            "rank": [r or None for r in ranks],
            "score_class": res.score_class.tolist(),
            "final_class": res.final_class.tolist(),
            "tax_per_mu": tax_per_mu,
            "whatif_score": whatif_score,
            "note": notes,
            "detail": details,
        }
        bulk_insert_columns(EvaluationResult, columns, n, history=False)
        summary = _summary(res)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.DONE,
            finished_at=timezone.now(),
            summary=summary,
            benchmarks=res.benchmarks,
        )
    run.refresh_from_db()
    report("done", 1, 1, force=True)
    return run


def _summary(res: engine.Result) -> dict[str, Any]:
    out: dict[str, Any] = {"total": int(len(res.status))}
    for s in engine.STATUS_LABELS:
        out[f"status_{s}"] = int((res.status == s).sum())
    for coh in (engine.ABOVE, engine.BELOW):
        for c in engine.CLASSES:
            out[f"{coh}_{c}"] = int(((res.cohort == coh) & (res.final_class == c)).sum())
    out["vetoed"] = int(res.vetoed.sum())
    out["downgraded"] = int(res.downgraded.sum())
    return out
