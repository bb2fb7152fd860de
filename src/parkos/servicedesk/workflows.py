"""The service desk's state machines as kernel workflows (`core.workflow`).

Request (specs/ratings.md §6): received → dispatched → accepted (办理中) → answered → closed → revisited; a department
may send a dispatched request back for re-assignment (→ received) with a reason; an unsatisfied revisit re-opens it
once (→ accepted) before it goes to the leaders; an open request past its deadline is escalated (the state stays).

(The 差评 case is the ratings app's: ratings.workflows.)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Workflow, step

from .models import RequestState

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


WORKFLOWS = (REQUEST,)
