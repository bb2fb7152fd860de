"""Writes of the evaluation: runs (DB → engine → stored results), schemes."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_insert
from parkos.core.exceptions import Forbidden, Invalid

from . import engine, selectors
from .models import EvaluationResult, EvaluationRun


def _f(x) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


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
    inp, ids, raw = selectors.evaluation_inputs(year)
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
        values = {c: res.values[c].tolist() for c in codes}
        scores = {c: res.scores[c].tolist() for c in codes}
        whatif = {c: res.whatif[c].tolist() for c in codes}
        tax_per_mu = (
            [_f(x) for x in res.values["tax_per_mu"]] if "tax_per_mu" in res.values else [None] * len(ids)
        )
        rows = []
        for i, eid in enumerate(ids):
            rows.append(
                {
                    "run_id": run.pk,
                    "enterprise_id": eid,
                    "cohort": res.cohort[i],
                    "status": res.status[i],
                    "total": _f(res.total[i]),
                    "rank": int(res.rank[i]) or None,
                    "score_class": res.score_class[i],
                    "final_class": res.final_class[i],
                    "tax_per_mu": tax_per_mu[i],
                    "inputs": raw[i],
                    "values": {c: _f(values[c][i]) for c in codes if not np.isnan(res.scores[c][i])},
                    "scores": {c: _f(scores[c][i]) for c in codes if not np.isnan(res.scores[c][i])},
                    "mean_score": [c for c in codes if res.mean_score_used[c][i]],
                    "whatif": {c: _f(whatif[c][i]) for c in codes if not np.isnan(whatif[c][i])},
                    "whatif_score": _f(res.whatif_score[i]),
                    "note": engine.explain(res, scheme, i),
                }
            )
            if i % 20000 == 0:
                report("write", i, len(ids))
        bulk_insert(EvaluationResult, rows, history=False)
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
