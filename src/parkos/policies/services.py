"""Every write of policies: the library (rules validated before they are stored), matching every active clause
against every enterprise over columns, applications and their review, 免申即享 grant lists approved in bulk, and
disbursement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from parkos.core import workflow
from parkos.core.bulk import bulk_insert_objects
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.progress import Progress
from parkos.core.services import attach_files, check_version
from parkos.core.services import clean_and_save as _save
from parkos.enterprises.models import Enterprise

from . import engine, selectors
from .models import Application, Clause, Eligibility, Grant, MatchRun, Policy
from .workflows import APPLICATION, GRANT

POLICY_FIELDS = ["title", "issuer", "level", "doc_number", "valid_from", "valid_to", "department", "summary"]
CLAUSE_FIELDS = ["number", "title", "text", "rule", "support", "auto_grant", "active"]


def _editor(user, department_id: int | None = None) -> None:
    if user.is_enterprise_user or not user.may("change"):
        raise Forbidden(_("You may not change the enterprise policies."))
    if department_id is not None and not user.is_zone_wide and department_id != user.department_id:
        raise Forbidden(_("Only the department in charge changes this policy."))


@transaction.atomic
def policy_save(*, user, data: dict[str, Any], pk: int | None = None, version: int | None = None) -> Policy:
    p = Policy.objects.select_for_update().get(pk=pk) if pk else Policy()
    _editor(user, p.department_id if pk else None)
    if pk and version is not None:
        check_version(p, version)
    for k in POLICY_FIELDS:
        if k in data:
            setattr(p, k, data[k])
    if p.department_id is None and not user.is_zone_wide:
        p.department_id = user.department_id
    if pk:
        p.version += 1
    _save(p, user=user)
    return p


@transaction.atomic
def clause_save(
    *, user, policy_id: int, data: dict[str, Any], pk: int | None = None, version: int | None = None
) -> Clause:
    """Store a clause after checking its rule and support against the format (engine.validate): never executed."""
    policy = get_object_or_404(Policy, pk=policy_id)
    _editor(user, policy.department_id)
    c = Clause.objects.select_for_update().get(pk=pk, policy=policy) if pk else Clause(policy=policy)
    if pk and version is not None:
        check_version(c, version)
    for k in CLAUSE_FIELDS:
        if k in data:
            setattr(c, k, data[k])
    try:
        engine.validate(c.rule)
        engine.validate_support(c.support)
    except engine.RuleError as exc:
        raise Invalid(str(exc), fields={"rule": [str(exc)]}) from None
    if pk:
        c.version += 1
    _save(c, user=user)
    return c


# ---- matching ------------------------------------------------------------------------------------------------
def match_all(
    *, year: int | None = None, clause_ids: list[int] | None = None, progress=None
) -> dict[str, int]:
    """Evaluate every active clause (of policies in force) against every operating enterprise; store the eligible
    and to-check pairs (replacing the clause's previous ones) and flag the newly eligible for notification."""
    year = year or selectors.latest_year()
    today = timezone.localdate()
    clauses = list(
        Clause.objects.filter(active=True, policy__valid_from__lte=today)
        .filter(Q(policy__valid_to__isnull=True) | Q(policy__valid_to__gte=today))
        .filter(**({"pk__in": clause_ids} if clause_ids is not None else {}))
    )
    need = engine.columns_needed([c.rule for c in clauses], [c.support for c in clauses if c.support])
    ids, table = selectors.build_table(year, need)
    ids_arr = np.array(ids, dtype=np.int64)
    now = timezone.now()
    counts = {"clauses": len(clauses), "enterprises": len(ids), "eligible": 0, "unknown": 0, "new": 0}
    with transaction.atomic():
        before = set(
            Eligibility.objects.filter(clause__in=clauses, status="eligible").values_list(
                "clause_id", "enterprise_id"
            )
        )
        Eligibility.objects.filter(clause__in=clauses).delete()
        rows = []
        for k, c in enumerate(clauses):
            s = engine.evaluate(c.rule, table)
            amount = engine.support_amount(c.support, table)
            for status, code in ((engine.MET, "eligible"), (engine.UNKNOWN, "unknown")):
                idx = np.flatnonzero(s == status)
                counts[code] += len(idx)
                for i in idx.tolist():
                    e = int(ids_arr[i])
                    a = amount[i]
                    new = code == "eligible" and (c.pk, e) not in before
                    counts["new"] += new
                    rows.append(
                        Eligibility(
                            clause=c,
                            enterprise_id=e,
                            status=code,
                            year=year,
                            matched_at=now,
                            notified=not new,
                            amount=None if np.isnan(a) else Decimal(f"{a:.2f}"),
                        )
                    )
            if progress:
                progress("match", k + 1, len(clauses))
        bulk_insert_objects(rows, history=False)
    return counts


def match_run_start(*, user) -> MatchRun:
    """Queue a matching of every clause against every enterprise (the page shows its progress)."""
    from .tasks import match_run_task

    _editor(user)
    run = MatchRun.objects.create(created_by=user)
    match_run_task.enqueue(run.pk)
    return run


def match_run_execute(*, run_id: int, progress=None) -> MatchRun:
    run = MatchRun.objects.get(pk=run_id)
    report = progress or Progress("policy-match", run.pk, step=1)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING)
    try:
        counts = match_all(year=run.year, progress=report)
    except Exception as exc:  # the run must end in a visible state whatever went wrong
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE, counts=counts, finished_at=timezone.now()
    )
    report("done", 1, 1, force=True)
    run.refresh_from_db()
    return run


def matches_seen(*, user, enterprise_id: int) -> int:
    """The enterprise's own user has seen its policies page, which is the notice of newly eligible clauses."""
    if (
        not user.is_enterprise_user
        or not Enterprise.objects.filter(pk=enterprise_id, accounts__user=user).exists()
    ):
        raise Forbidden(_("Only the enterprise's own users apply."))
    return Eligibility.objects.filter(enterprise_id=enterprise_id, notified=False).update(notified=True)


# ---- applications and grants -----------------------------------------------------------------------------------
@transaction.atomic
def apply(
    *, user, clause_id: int, enterprise_id: int, amount: Decimal, materials=None, note: str = ""
) -> Application:
    if (
        not user.is_enterprise_user
        or not Enterprise.objects.filter(pk=enterprise_id, accounts__user=user).exists()
    ):
        raise Forbidden(_("Only the enterprise's own users apply."))
    clause = get_object_or_404(Clause, pk=clause_id, active=True)
    if clause.auto_grant:
        raise Invalid(_("This support is granted without application (免申即享)."))
    if Application.objects.filter(
        clause=clause, enterprise_id=enterprise_id, state__in=["submitted", "approved"]
    ).exists():
        raise Invalid(_("Your enterprise has already applied under this clause."))
    a = Application(
        clause=clause,
        enterprise_id=enterprise_id,
        amount=amount,
        note=note.strip(),
        submitted_on=timezone.localdate(),
        submitted_by=user,
    )
    _save(a, user=user)
    if materials:  # the application and its materials together, or neither
        attach_files(user=user, target="policies.application", target_id=a.pk, uploads=list(materials))
    return a


@transaction.atomic
def review(*, user, pk: int, approve: bool, note: str = "", amount: Decimal | None = None) -> Application:
    a = get_object_or_404(Application.objects.select_for_update().select_related("clause__policy"), pk=pk)
    _editor(user, a.clause.policy.department_id)
    today = timezone.localdate()

    def effects(t) -> None:
        if not approve and not note.strip():
            raise Invalid(_("Give the reason for rejecting it."), fields={"note": [_("required")]})
        a.reviewed_by, a.reviewed_on, a.review_note = user, today, note.strip()

    workflow.transition(
        APPLICATION,
        a,
        "approve" if approve else "reject",
        user=user,
        on=today,
        note=note.strip(),
        effects=effects,
    )
    if approve:
        g = Grant(
            clause=a.clause,
            enterprise_id=a.enterprise_id,
            application=a,
            year=today.year,
            amount=amount if amount is not None else a.amount,
            state=Grant.State.APPROVED,
            approved_by=user,
            approved_on=today,
        )
        _save(g, user=user)
        workflow.record(GRANT, g, "approve", user=user, on=today, frm="", note=note.strip())
    return a


@transaction.atomic
def application_withdraw(*, user, pk: int, note: str = "") -> Application:
    """The enterprise takes back an application still waiting for review."""
    a = get_object_or_404(Application.objects.restrict(user, "view").select_for_update(), pk=pk)
    if not user.is_enterprise_user or not a.enterprise.accounts.filter(user=user).exists():
        raise Forbidden(_("Only the enterprise's own users apply."))
    workflow.transition(APPLICATION, a, "withdraw", user=user, on=timezone.localdate(), note=note.strip())
    return a


@transaction.atomic
def grant_list(*, user, clause_id: int, year: int | None = None) -> int:
    """The 免申即享 list of a clause from data alone: every eligible enterprise with its computed amount, proposed."""
    clause = get_object_or_404(Clause.objects.select_related("policy"), pk=clause_id)
    _editor(user, clause.policy.department_id)
    if not clause.auto_grant:
        raise Invalid(_("Only a 免申即享 clause makes a grant list."))
    year = year or selectors.latest_year()
    match_all(year=year, clause_ids=[clause.pk])
    have = set(Grant.objects.filter(clause=clause, year=year).values_list("enterprise_id", flat=True))
    rows = [  # an eligible enterprise whose base figure is missing is listed without an amount (data missing)
        Grant(clause=clause, enterprise_id=e.enterprise_id, year=year, amount=e.amount)
        for e in Eligibility.objects.filter(clause=clause, status="eligible").exclude(enterprise_id__in=have)
    ]
    made = bulk_create_with_history(rows, Grant, default_user=user)
    workflow.record_many(GRANT, made, "propose", user=user, on=timezone.localdate(), frm="")
    return len(rows)


@transaction.atomic
def grants_approve(*, user, ids: list[int]) -> int:
    grants = list(
        Grant.objects.select_for_update()
        .select_related("clause__policy")
        .filter(pk__in=ids, state=Grant.State.PROPOSED)
    )
    for g in grants:
        _editor(user, g.clause.policy.department_id)
    ready = [g for g in grants if g.amount is not None]  # data missing: stays proposed until the figure is in
    today = timezone.localdate()

    def approved(g: Grant) -> None:
        g.approved_by, g.approved_on = user, today

    return workflow.transition_many(
        GRANT, ready, "approve", user=user, on=today, fields=["approved_by", "approved_on"], effects=approved
    )


@transaction.atomic
def disburse(*, user, pk: int, on: dt.date, voucher: str) -> Grant:
    g = get_object_or_404(Grant.objects.select_for_update().select_related("clause__policy"), pk=pk)
    _editor(user, g.clause.policy.department_id)

    def effects(t) -> None:
        if not voucher.strip():
            raise Invalid(_("Enter the payment voucher number."), fields={"voucher": [_("required")]})
        g.disbursed_on, g.voucher = on, voucher.strip()

    workflow.transition(GRANT, g, "disburse", user=user, on=on, note=voucher.strip(), effects=effects)
    return g


@transaction.atomic
def grant_cancel(*, user, pk: int, reason: str) -> Grant:
    """Cancel a grant before it is paid (the enterprise no longer qualifies, a duplicate, …), with the reason."""
    g = get_object_or_404(Grant.objects.select_for_update().select_related("clause__policy"), pk=pk)
    _editor(user, g.clause.policy.department_id)

    def effects(t) -> None:
        if not reason.strip():
            raise Invalid(_("Give the reason."), fields={"reason": [_("required")]})

    workflow.transition(
        GRANT, g, "cancel", user=user, on=timezone.localdate(), note=reason.strip(), effects=effects
    )
    return g
