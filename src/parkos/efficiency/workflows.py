"""The 亩均 evaluation's state machines as kernel workflows (`core.workflow`): a run's publication (draft → public
notice → published; a corrected re-run takes over the notice and the earlier run goes back to draft), an
enterprise's objection during the notice, and a D-class enterprise's rectification plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.exceptions import Conflict
from parkos.core.workflow import Workflow, step

from .models import EvaluationRun, Objection, RectificationPlan

R = EvaluationRun.State


def _finished(run: EvaluationRun) -> None:
    if run.status != EvaluationRun.Status.DONE:
        raise Conflict(_("Only a finished draft run can go on public notice."))


RUN = Workflow(
    "efficiency.run",
    "efficiency.EvaluationRun",
    [
        step("publicize", R.DRAFT, R.PUBLICITY, _("Put on public notice"), guard=_finished),
        step("replace", R.PUBLICITY, R.DRAFT, _("replaced by a corrected run"), auto=True),
        step("publish", R.PUBLICITY, R.PUBLISHED, _("Publish")),
    ],
    validate=False,
)

OB = Objection.Status
OBJECTION = Workflow(
    "efficiency.objection",
    "efficiency.Objection",
    [step("answer", {OB.OPEN, OB.ANSWERED}, OB.ANSWERED, _("Answer"))],
    field="status",
    validate=False,
)

PLAN = Workflow(
    "efficiency.rectification",
    "efficiency.RectificationPlan",
    [step("complete", RectificationPlan.Status.OPEN, RectificationPlan.Status.DONE, _("Mark completed"))],
    field="status",
    validate=False,
)

WORKFLOWS = (RUN, OBJECTION, PLAN)
