"""The investment app's state machines as kernel workflows (`core.workflow`).

A lead has two: its stage in the funnel (线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地: forward one stage at a time once the
evidence is logged, back to an earlier stage before signing with a reason) and whether it is still open (lost, or
merged by the joint meeting). Both append to the lead's timeline (`StageChange`). A claim conflict is open until the
joint meeting decides it; a joint meeting is planned, then held.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.exceptions import Invalid
from parkos.core.workflow import Workflow, step

from .models import JointMeeting, LeadConflict, Stage, State

G = Stage
BEFORE_SIGNING: set[str] = {G.CLUE, G.CONTACT, G.VISIT, G.NEGOTIATION}


def _earlier_than(stage: str) -> set[str]:
    order: list[str] = list(Stage.values)
    return set(order[: order.index(stage)])


def _back_or_from(stage: str, previous: str | None) -> set[str]:
    """A stage is reached from the one before it, or back from a later stage before signing."""
    later: set[str] = BEFORE_SIGNING - _earlier_than(stage) - {stage}
    return later | ({previous} if previous else set())


STAGE = Workflow(
    "investment.lead_stage",
    "investment.Lead",
    [
        step("enter", (), None, _("entered"), auto=True),  # the first event (`workflow.record`)
        step(
            "remark", set(Stage.values), None, _("remark"), auto=True
        ),  # a decision or rename on the timeline
        step(G.CLUE, _back_or_from(G.CLUE, None), G.CLUE, _("back to lead")),
        step(G.CONTACT, _back_or_from(G.CONTACT, G.CLUE), G.CONTACT, _("contact")),
        step(G.VISIT, _back_or_from(G.VISIT, G.CONTACT), G.VISIT, _("site visit")),
        step(G.NEGOTIATION, {G.VISIT}, G.NEGOTIATION, _("negotiate")),
        step(G.SIGNED, {G.NEGOTIATION}, G.SIGNED, _("sign")),
        step(G.LANDED, {G.SIGNED}, G.LANDED, _("land")),
    ],
    field="stage",
    event="investment.StageChange",
    event_fk="lead",
)


def _before_signing(lead) -> None:
    if lead.stage not in BEFORE_SIGNING:
        raise Invalid(_("Only an open lead before signing can be lost."))


LEAD_STATE = Workflow(
    "investment.lead_state",
    "investment.Lead",
    [
        step("lose", State.OPEN, State.LOST, _("record the loss"), guard=_before_signing),
        step("merge", State.OPEN, State.MERGED, _("merged by the joint meeting"), auto=True),
    ],
    event="investment.StageChange",
    event_fk="lead",
)

CONFLICT = Workflow(
    "investment.conflict",
    "investment.LeadConflict",
    [step("decide", LeadConflict.Status.OPEN, LeadConflict.Status.DECIDED, _("decide"))],
    field="status",
)

MEETING = Workflow(
    "investment.meeting",
    "investment.JointMeeting",
    [step("close", JointMeeting.Status.PLANNED, JointMeeting.Status.HELD, _("record as held"))],
    field="status",
)

WORKFLOWS = (STAGE, LEAD_STATE, CONFLICT, MEETING)
