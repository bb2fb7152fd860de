"""The writes of 好差评: a real-name rating of any registered service (a rating target), the 差评 case it opens and
each step of the case (spec ratings.md §2–§4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import registries, workflow
from parkos.core.exceptions import Invalid
from parkos.core.selectors import working_calendar
from parkos.core.services import attach_files, check_version
from parkos.core.services import clean_and_save as _save

from . import engine
from .models import BAD_REASONS, FOLLOWUP_LEVELS, BadRatingCase, CaseState, Rating, RatingConfig
from .workflows import CASE


@transaction.atomic
def rate(
    *,
    user,
    target: str,
    target_id: int,
    level: int,
    reasons: list[str] | None = None,
    text: str = "",
    on: dt.date | None = None,
) -> Rating:
    """The enterprise's real-name rating of a service it received, within the rating window; a 差评 opens a case.
    The service's app says (its rating target's `context`) whether this user may rate it now and whom the rating
    counts for."""
    t = registries.rating_targets.get(target)
    if t is None:
        raise Invalid(_("This service cannot be rated."))
    on = on or timezone.localdate()
    ctx = t.context(user, target_id, on, RatingConfig.get().rating_window_days)
    if Rating.objects.filter(target=target, target_id=target_id, followup_of__isnull=True).exists():
        raise Invalid(t.already_rated)
    return _rate(
        user=user,
        level=level,
        reasons=reasons or [],
        text=text,
        on=on,
        target=target,
        target_id=target_id,
        **ctx,
    )


def _rate(
    *,
    user,
    level: int,
    reasons: list[str],
    text: str,
    on: dt.date,
    target: str,
    target_id: int,
    enterprise_id: int,
    department_id,
    officer_id=None,
    category: str = "",
) -> Rating:
    if level not in range(1, 6):
        raise Invalid(_("Choose a rating from 1 to 5."), fields={"level": [_("required")]})
    if engine.is_bad(level) and not reasons:
        raise Invalid(_("A bad rating names at least one reason."), fields={"reasons": [_("required")]})
    unknown = [r for r in reasons if r not in BAD_REASONS]
    if unknown:
        raise Invalid(
            _("Reasons are chosen from the standard list: %(list)s (not “%(given)s”).")
            % {"list": "、".join(BAD_REASONS), "given": "、".join(map(str, unknown))},
            fields={"reasons": [_("not in the standard list")]},
        )
    r = Rating(
        target=target,
        target_id=target_id,
        enterprise_id=enterprise_id,
        department_id=department_id,
        officer_id=officer_id,
        category=category[:60],
        rater=user,
        level=level,
        reasons=reasons,
        text=text.strip(),
        on=on,
    )
    r.full_clean(exclude=["followup_of"])
    r.save()
    if engine.is_bad(level) and department_id:
        cfg = RatingConfig.get()
        cal = working_calendar()
        case = BadRatingCase(
            rating=r,
            department_id=department_id,
            received_on=on,
            contact_due=cal.add_working_days(on, cfg.case_contact_wd),
        )
        case.state = (
            CaseState.ASSIGNED
        )  # pushed to the responsible unit on receipt (spec §4.2 assign_within_hours)
        _save(case, user=user)
        workflow.record(CASE, case, "assign", user=user, on=on, frm=CaseState.RECEIVED)
    return r


def _case_action_effects(*, case, action, on, note, kind, method, evidence, level, cfg, cal, user) -> None:
    """What a step does to the case besides its state: dates, deadlines, classification, feedback, appeal,
    follow-up rating, re-opening (spec §4.2–4.3)."""
    if action == "contact":
        if not method.strip():
            raise Invalid(_("Say how the rater was contacted."), fields={"method": [_("required")]})
        case.contact_on, case.contact_method, case.handler = on, method.strip(), user
        case.verify_due = cal.add_working_days(case.received_on, cfg.case_verify_wd)
    elif action == "rectify":
        if kind not in BadRatingCase.Kind.values:
            raise Invalid(
                _("Classify the case: fix at once or rectify by a deadline."),
                fields={"kind": [_("required")]},
            )
        case.kind = kind
        wd = cfg.case_rectify_simple_wd if kind == BadRatingCase.Kind.SIMPLE else cfg.case_rectify_complex_wd
        case.rectify_due = cal.add_working_days(on, wd)
        case.measures = note.strip()
    elif action == "explain":
        if not note.strip():
            raise Invalid(_("Write the explanation for the rater."), fields={"note": [_("required")]})
        case.explanation = note.strip()
    elif action == "send_feedback":
        case.feedback, case.feedback_on = case.explanation, on
        case.followup_due = on + dt.timedelta(days=cfg.followup_window_days)
    elif action == "done":
        if not note.strip():
            raise Invalid(
                _("Describe what was rectified (the feedback to the rater)."),
                fields={"note": [_("required")]},
            )
        if evidence:  # the step and its evidence together, or neither
            uploads = list(evidence) if isinstance(evidence, list | tuple) else [evidence]
            attach_files(user=user, target="ratings.case", target_id=case.pk, uploads=uploads)
        case.done_on, case.feedback, case.feedback_on = on, note.strip(), on
        case.feedback_due = cal.add_working_days(on, cfg.case_feedback_wd)
        case.followup_due = on + dt.timedelta(days=cfg.followup_window_days)
    elif action == "appeal":
        if working_calendar().working_days_between(case.received_on, on) > cfg.appeal_window_wd:
            raise Invalid(
                _("An appeal is filed within %(n)s working days of receiving the case.")
                % {"n": cfg.appeal_window_wd}
            )
        if not note.strip():
            raise Invalid(_("Give the grounds of the appeal."), fields={"note": [_("required")]})
        case.appeal_grounds, case.appeal_on = note.strip(), on
        case.appeal_due = cal.add_working_days(on, cfg.appeal_review_wd)
    elif action in {"uphold", "reject"}:
        case.appeal_decision, case.appeal_reviewer, case.appeal_decided_on = note.strip(), user, on
        if action == "uphold":
            Rating.objects.filter(pk=case.rating_id).update(
                excluded=True, exclusion_reason=note.strip()[:200] or str(_("appeal upheld"))
            )
            case.closed_on = on
        else:
            case.kind = case.kind or BadRatingCase.Kind.SIMPLE
            case.rectify_due = cal.add_working_days(on, cfg.case_rectify_simple_wd)
    elif action == "followup":
        if level not in FOLLOWUP_LEVELS:
            raise Invalid(
                _("The follow-up rating is 满意, 基本满意 or 不满意."),
                fields={"level": [_("choose one of the three")]},
            )
        r = case.rating
        Rating.objects.create(
            target=r.target,
            target_id=r.target_id,
            enterprise_id=r.enterprise_id,
            department_id=r.department_id,
            officer_id=r.officer_id,
            category=r.category,
            rater=user,
            level=level,
            text=note.strip(),
            on=on,
            followup_of=case,
        )
        case.closed_on = on
    elif action == "close_unanswered":
        if case.followup_due and on <= case.followup_due:
            raise Invalid(_("The rater may still answer until %(d)s.") % {"d": case.followup_due})
        case.closed_on = on
    elif action == "reopen":
        fu = case.followup
        if fu is None or fu.level > 2:
            raise Invalid(_("Only a case whose follow-up rating was dissatisfied is re-opened."))
        # the dissatisfied follow-up stays (and counts); the case is open again: its earlier feedback no longer
        # closes it, so it is rectified anew by a new deadline (the events keep the earlier dates)
        case.closed_on, case.done_on, case.feedback_on, case.followup_due = None, None, None, None
        case.rectify_due = cal.add_working_days(on, cfg.case_rectify_simple_wd)


@transaction.atomic
def case_act(
    *,
    user,
    pk: int,
    action: str,
    on: dt.date | None = None,
    note: str = "",
    kind: str = "",
    method: str = "",
    evidence=None,
    level: int | None = None,
    version: int | None = None,
) -> BadRatingCase:
    """One step of a 差评 case. The responsible department contacts, classifies, rectifies or explains, appeals;
    the service centre decides appeals and re-opens; the rater gives the follow-up rating."""
    case = get_object_or_404(
        BadRatingCase.objects.restrict(user, "view").select_for_update(of=("self",)).select_related("rating"),
        pk=pk,
    )
    if version is not None:
        check_version(case, version)
    on = on or timezone.localdate()
    cfg = RatingConfig.get()
    cal = working_calendar()

    def effects(t) -> None:
        _case_action_effects(
            case=case,
            action=action,
            on=on,
            note=note,
            kind=kind,
            method=method,
            evidence=evidence,
            level=level,
            cfg=cfg,
            cal=cal,
            user=user,
        )

    workflow.transition(CASE, case, action, user=user, on=on, note=note.strip(), effects=effects)
    return case
