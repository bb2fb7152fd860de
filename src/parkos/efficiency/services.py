"""Writes of the evaluation: runs (DB → engine → stored results), schemes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import orjson
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.bulk import bulk_insert_columns
from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.models import audited
from parkos.core.progress import Progress
from parkos.core.selectors import working_calendar

from . import engine, selectors
from .models import EvaluationResult, EvaluationRun, EvaluationScheme, Objection, runs_evaluation
from .workflows import OBJECTION, RUN


def evaluation_run(*, user, year: int, progress=None) -> EvaluationRun:
    """Evaluate every enterprise with figures for `year` under the year's scheme and store the results."""
    run = evaluation_run_create(user=user, year=year)
    return evaluation_run_execute(run_id=run.pk, progress=progress)


def evaluation_run_create(*, user, year: int) -> EvaluationRun:
    """A pending run with the snapshot of the year's scheme (checked before anything is computed)."""
    if not runs_evaluation(user):
        raise Forbidden(_("You may not run the evaluation."))
    if EvaluationRun.objects.filter(year=year, state=EvaluationRun.State.PUBLISHED).exists():
        raise Conflict(_("The %(y)s results are published and locked.") % {"y": year})
    scheme, profile = selectors.scheme_for_year(year)
    problems = scheme.validate()
    if problems:
        raise Invalid(
            _("The scheme for %(year)s is not usable: %(p)s") % {"year": year, "p": "; ".join(problems)}
        )
    scheme = _resolve_benchmarks(scheme, year)
    return EvaluationRun.objects.create(year=year, scheme=scheme.to_dict(), profile=profile, created_by=user)


def _resolve_benchmarks(scheme: engine.Scheme, year: int) -> engine.Scheme:
    """`prev_year` benchmarks become fixed numbers: the previous year's published benchmarks × multiplier, so
    the run's snapshot holds exactly what was used."""
    if scheme.benchmark_mode != "prev_year":
        return scheme
    prev = selectors.run_latest(year=year - 1)
    if prev is None:
        raise Invalid(
            _("This scheme compares with the previous year: evaluate %(y)s first.") % {"y": year - 1}
        )
    fixed: dict[str, dict[str, float]] = {}
    for cohort in (engine.ABOVE, engine.BELOW):
        fixed[cohort] = {}
        for ind in scheme.indicators(cohort):
            b = prev.benchmarks.get(cohort, {}).get(ind.code)
            if b is None:
                raise Invalid(
                    _("The %(y)s evaluation has no benchmark for %(name)s.")
                    % {"y": year - 1, "name": ind.name}
                )
            fixed[cohort][ind.code] = b * scheme.benchmark_multiplier
    return dataclasses.replace(scheme, benchmark_mode="fixed", fixed_benchmarks=fixed)


@transaction.atomic
def scheme_save(
    *, user, year: int, config: dict[str, Any], profile: str, version: int | None, require_valid: bool = True
) -> EvaluationScheme:
    """Set a year's scheme (validated, versioned, audited). `version` is what the editor read (None: new)."""
    if not runs_evaluation(user):
        raise Forbidden(_("You may not change evaluation schemes."))
    scheme = engine.Scheme.from_dict(config)
    problems = scheme.validate()
    if problems and require_valid:
        raise Invalid(_("The scheme is not usable: %(p)s") % {"p": "; ".join(problems)})
    row = EvaluationScheme.objects.select_for_update().filter(year=year).first()
    if row is None:
        row = EvaluationScheme(year=year, profile=profile, config=scheme.to_dict())
    else:
        if version != row.version:
            raise Conflict(
                _(
                    "Someone else changed this scheme (now version %(current)s, you edited version %(yours)s). "
                    "Reload the page to see their change, then edit again."
                )
                % {"current": row.version, "yours": version},
                extra={"current": row.version},
            )
        row.profile, row.config = profile, scheme.to_dict()
        row.version += 1
    audited(row, user)
    row.save()
    return row


def scheme_apply_profile(*, user, year: int, profile: str, version: int | None) -> EvaluationScheme:
    """Start the year's scheme from a named profile. A profile that needs the user's numbers (shandong's
    weights) is stored for editing; a run refuses it until it validates."""
    if profile not in engine.PROFILES:
        raise Invalid(_("Unknown profile “%(p)s”.") % {"p": profile})
    return scheme_save(
        user=user,
        year=year,
        config=engine.PROFILES[profile].to_dict(),
        profile=profile,
        version=version,
        require_valid=False,
    )


def evaluation_run_start(*, user, year: int) -> EvaluationRun:
    """Queue a run in the background (the page shows its progress)."""
    from .tasks import evaluation_run_task

    run = evaluation_run_create(user=user, year=year)
    evaluation_run_task.enqueue(run.pk)
    return run


def evaluation_run_execute(*, run_id: int, progress=None) -> EvaluationRun:
    run = EvaluationRun.objects.get(pk=run_id)
    report = progress or Progress("evaluation", run.pk)
    EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.RUNNING)
    try:
        _compute(run, report)
    except Exception as exc:  # the run must end in a visible state whatever went wrong
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    report("done", 1, 1, force=True)
    return run


def explanation_text(parts: list[tuple[str, list[str]]]) -> str:
    """The 说明 of a result in the interface's words: vetoes and downgrades name their events (the spec's own
    terms), the mean-score rule its indicators."""
    words = {
        "veto": _("Vetoed: %(items)s"),
        "downgrade": _("Downgraded: %(items)s"),
        "mean_score": _("Scored at the mean: %(items)s"),
    }
    out = []
    for code, items in parts:
        names = [engine.CATALOGUE[c][0] for c in items] if code == "mean_score" else items
        out.append(words[code] % {"items": ("、" if code == "mean_score" else "；").join(names)})
    return "；".join(out)


def _compute(run: EvaluationRun, report) -> None:
    scheme, year = engine.Scheme.from_dict(run.scheme), run.year
    report("read", 0, 3, force=True)
    inp, ids = selectors.evaluation_inputs(year)
    report("compute", 1, 3, force=True)
    res = engine.evaluate(inp, scheme, year)
    report("write", 2, 3, force=True)
    codes = list(res.values)
    with transaction.atomic():
        n = len(ids)

        def per_row(d: dict) -> list[list]:  # one list per row, indicators in scheme order, built in C
            return np.column_stack([d[c] for c in codes]).tolist()

        numbers = np.column_stack([inp.numbers[k] for k in engine.INPUT_COLUMNS]).tolist()
        established = [
            None if d == "NaT" else d for d in np.datetime_as_string(inp.established, unit="D").tolist()
        ]
        mean_flags = {c: res.mean_score_used[c].astype(int) for c in codes}
        values, scores, whatif, means = (
            per_row(res.values),
            per_row(res.scores),
            per_row(res.whatif),
            per_row(mean_flags),
        )
        for i in np.flatnonzero(res.status != engine.RATED).tolist():  # nothing scored: keep the inputs only
            values[i] = scores[i] = whatif[i] = means[i] = []
        details = zip(
            numbers,
            values,
            scores,
            whatif,
            means,
            inp.division.tolist(),
            established,
            inp.is_above.tolist(),
            inp.vetoes,
            inp.downgrades,
            strict=True,
        )
        dumps = orjson.dumps  # NaN is written as null
        flagged = res.vetoed | res.downgraded
        for c in codes:
            flagged = flagged | res.mean_score_used[c]
        notes = [""] * n
        for i in np.flatnonzero(flagged).tolist():
            notes[i] = explanation_text(engine.explain(res, scheme, i))
        tpm = res.values.get("tax_per_mu")
        columns = {
            "run_id": [run.pk] * n,
            "enterprise_id": ids,
            "cohort": res.cohort.tolist(),
            "status": res.status.tolist(),
            "total": selectors.as_list(res.total),
            "rank": [r or None for r in res.rank.tolist()],
            "score_class": res.score_class.tolist(),
            "final_class": res.final_class.tolist(),
            "tax_per_mu": selectors.as_list(tpm) if tpm is not None else [None] * n,
            "whatif_score": selectors.as_list(res.whatif_score),
            "note": notes,
            "detail_json": [dumps(d).decode() for d in details],
        }
        bulk_insert_columns(EvaluationResult, columns, n, history=False, ids=False)
        summary = _summary(res)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.DONE,
            finished_at=timezone.now(),
            summary=summary,
            benchmarks=res.benchmarks,
        )


def _summary(res: engine.Result) -> dict[str, Any]:
    out: dict[str, Any] = {"total": int(len(res.status))}
    for s in engine.STATUSES:
        out[f"status_{s}"] = int((res.status == s).sum())
    for coh in (engine.ABOVE, engine.BELOW):
        for c in engine.CLASSES:
            out[f"{coh}_{c}"] = int(((res.cohort == coh) & (res.final_class == c)).sum())
    for coh, size in res.pool_size.items():
        out[f"pool_{coh}"] = int(size)  # ranked enterprises (vetoed ones are outside the pool)
    out["vetoed"] = int(res.vetoed.sum())
    out["downgraded"] = int(res.downgraded.sum())
    return out


# ---- publication: draft → public notice (objections in working days) → published and locked ---------------
def _run_for_update(run_id: int) -> EvaluationRun:
    return EvaluationRun.objects.select_for_update().get(pk=run_id)


@transaction.atomic
def run_publicize(*, user, run_id: int, working_days: int = 5, today: dt.date | None = None) -> EvaluationRun:
    """Put a finished run on public notice; objections are taken until `working_days` working days after today.
    A corrected re-run can take over the notice of an earlier run of the same year (its objections move with it)."""
    if not runs_evaluation(user):
        raise Forbidden(_("You may not publish evaluations."))
    run = _run_for_update(run_id)
    if run.state == EvaluationRun.State.DRAFT and run.status != EvaluationRun.Status.DONE:
        raise Conflict(_("Only a finished draft run can go on public notice."))
    if EvaluationRun.objects.filter(year=run.year, state=EvaluationRun.State.PUBLISHED).exists():
        raise Conflict(_("The %(y)s results are published and locked.") % {"y": run.year})
    if working_days < 1:
        raise Invalid(_("The objection window needs at least one working day."))
    start = today or timezone.localdate()
    earlier = EvaluationRun.objects.filter(year=run.year, state=EvaluationRun.State.PUBLICITY).exclude(
        pk=run.pk
    )
    for old in earlier:  # a correction replaces the run on notice; open objections stay to be answered
        Objection.objects.filter(run=old).update(run=run)
        workflow.transition(RUN, old, "replace", user=user, on=start, note=_("run #%(id)s") % {"id": run.pk})

    def effects(t) -> None:
        run.publicity_from = start
        run.objection_deadline = working_calendar().add_working_days(start, working_days)

    workflow.transition(RUN, run, "publicize", user=user, on=start, effects=effects)
    return run


@transaction.atomic
def objection_submit(
    *, user, run_id: int, enterprise_id: int, text: str, today: dt.date | None = None
) -> Objection:
    from parkos.enterprises.models import Enterprise

    if not Enterprise.objects.restrict(user, "view").filter(pk=enterprise_id).exists():
        raise Forbidden(_("You may not object for this enterprise."))
    run = _run_for_update(run_id)
    day = today or timezone.localdate()
    if (
        run.state != EvaluationRun.State.PUBLICITY
        or run.objection_deadline is None
        or day > run.objection_deadline
    ):
        raise Conflict(_("Objections are taken only during the public notice."))
    if not text.strip():
        raise Invalid(_("Say what is wrong."), fields={"text": [_("required")]})
    obj = Objection(run=run, enterprise_id=enterprise_id, text=text.strip()[:4000], submitted_by=user)
    audited(obj, user)
    obj.save()
    return obj


@transaction.atomic
def objection_answer(*, user, objection_id: int, answer: str) -> Objection:
    if not runs_evaluation(user):
        raise Forbidden(_("You may not answer objections."))
    obj = get_object_or_404(Objection.objects.select_for_update(), pk=objection_id)

    def effects(t) -> None:
        if not answer.strip():
            raise Invalid(_("Write the answer."), fields={"answer": [_("required")]})
        obj.answer, obj.answered_by, obj.answered_at = answer.strip()[:4000], user, timezone.now()

    workflow.transition(
        OBJECTION,
        obj,
        "answer",
        user=user,
        on=timezone.localdate(),
        note=answer.strip()[:300],
        effects=effects,
    )
    return obj


@transaction.atomic
def run_publish(*, user, run_id: int, today: dt.date | None = None) -> EvaluationRun:
    """Publish the run on notice once the objection window has closed and every objection is answered."""
    if not runs_evaluation(user):
        raise Forbidden(_("You may not publish evaluations."))
    run = _run_for_update(run_id)
    day = today or timezone.localdate()

    def effects(t) -> None:
        deadline = run.objection_deadline
        if deadline is not None and day <= deadline:
            raise Conflict(_("Objections are open until %(d)s.") % {"d": deadline.isoformat()})
        if run.objections.filter(status=Objection.Status.OPEN).exists():
            raise Conflict(_("Answer every objection before publishing."))
        run.published_at = timezone.now()

    workflow.transition(RUN, run, "publish", user=user, on=day, effects=effects)
    return run
