"""The 差评 case (specs/ratings.md §4.3) as a kernel workflow (`core.workflow`): received → assigned → verifying (the
rater was contacted) → rectifying | explained | appealed; appealed → upheld (closed, the rating leaves the
statistics) | rejected (→ rectifying); rectifying → feedback (done, with evidence); explained → feedback; feedback →
closed (the rater's follow-up rating, or none in the window); a closed case whose follow-up was 不满意 may be
re-opened by the service centre (→ rectifying)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Workflow, step

from .models import CaseState, runs_ratings


def _centre(user, case) -> bool:
    return runs_ratings(user) and user.may("change")


def _rater(user, case) -> bool:
    return case.rating.rater_id == user.pk


def _department(user, case) -> bool:
    if user.is_enterprise_user or not user.may("change"):
        return False
    return runs_ratings(user) or user.department_id == case.department_id


C = CaseState
CASE = Workflow(
    "ratings.case",
    "ratings.BadRatingCase",
    [  # in the order of the buttons on the case page
        step(
            "assign", C.RECEIVED, C.ASSIGNED, _("assign"), auto=True
        ),  # pushed to the unit on receipt (§4.2)
        step("contact", C.ASSIGNED, C.VERIFYING, _("contact the rater"), may=_department),
        step("rectify", C.VERIFYING, C.RECTIFYING, _("rectify"), may=_department),
        step("explain", C.VERIFYING, C.EXPLAINED, _("explain"), may=_department),
        step("appeal", C.VERIFYING, C.APPEALED, _("appeal"), may=_department),  # §4.3: from verification on
        step("uphold", C.APPEALED, C.UPHELD, _("uphold the appeal"), may=_centre),
        step("reject", C.APPEALED, C.RECTIFYING, _("reject the appeal"), may=_centre),
        step("done", C.RECTIFYING, C.FEEDBACK, _("finish rectification"), may=_department),
        step("send_feedback", C.EXPLAINED, C.FEEDBACK, _("send the explanation"), may=_department),
        step("followup", C.FEEDBACK, C.CLOSED, _("record the follow-up rating"), may=_rater),
        step("close_unanswered", C.FEEDBACK, C.CLOSED, _("close without follow-up"), may=_centre),
        step("reopen", C.CLOSED, C.RECTIFYING, _("re-open"), may=_centre),
    ],
    event="ratings.CaseEvent",
    event_fk="case",
)

WORKFLOWS = (CASE,)
