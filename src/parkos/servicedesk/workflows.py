"""The service desk's state machines as kernel workflows (`core.workflow`).

Request (specs/ratings.md §6): received → dispatched → accepted (办理中) → answered → closed → revisited; a department
may send a dispatched request back for re-assignment (→ received) with a reason; an unsatisfied revisit re-opens it
once (→ accepted) before it goes to the leaders; an open request past its deadline is escalated (the state stays).

差评 case (spec §4.3): received → assigned → verifying (the rater was contacted) → rectifying | explained |
appealed; appealed → upheld (closed, the rating leaves the statistics) | rejected (→ rectifying); rectifying →
feedback (done, with evidence); explained → feedback; feedback → closed (the rater's follow-up rating, or none in
the window); a closed case whose follow-up was 不满意 may be re-opened by the service centre (→ rectifying).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Workflow, step

from .models import CaseState, RequestState, is_service_centre

R = RequestState
OPEN = {R.RECEIVED, R.DISPATCHED, R.ACCEPTED}

REQUEST = Workflow(
    "servicedesk.request",
    "servicedesk.Request",
    [
        step("submit", (), None, _("submitted"), auto=True),  # the first event (`workflow.record`)
        step("dispatch", R.RECEIVED, R.DISPATCHED, _("dispatched")),
        step("accept", R.DISPATCHED, R.ACCEPTED, _("accepted")),
        step("send_back", R.DISPATCHED, R.RECEIVED, _("sent back")),
        step("answer", R.ACCEPTED, R.ANSWERED, _("answered")),
        step("reassign", R.ACCEPTED, R.RECEIVED, _("re-assigned")),
        step("close", {R.RECEIVED, R.ANSWERED}, R.CLOSED, _("closed")),
        step("revisit", R.CLOSED, R.REVISITED, _("revisited")),
        step("reopen", {R.ANSWERED, R.CLOSED, R.REVISITED}, R.ACCEPTED, _("re-opened")),
        step("escalate", OPEN, None, _("sent to the leaders"), auto=True),
    ],
    event="servicedesk.RequestEvent",
    event_fk="request",
)


def _centre(user, case) -> bool:
    return is_service_centre(user) and user.may("change")


def _rater(user, case) -> bool:
    return case.rating.rater_id == user.pk


def _department(user, case) -> bool:
    if user.is_enterprise_user or not user.may("change"):
        return False
    return is_service_centre(user) or user.department_id == case.department_id


C = CaseState
CASE = Workflow(
    "servicedesk.case",
    "servicedesk.BadRatingCase",
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
    event="servicedesk.CaseEvent",
    event_fk="case",
)

WORKFLOWS = (REQUEST, CASE)
