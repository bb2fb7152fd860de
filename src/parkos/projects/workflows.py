"""The state machines of key projects, as kernel workflows (`core.workflow`): the approval item (specs/approvals.md
§8.2), the project lifecycle and the 问题 raised on a project."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import IllegalTransition, Workflow, step

from .models import ItemAction, ItemInstance, Problem, Status

A = dict(ItemAction.choices)


def _commitment_only(item: ItemInstance) -> None:
    if item.mode != "commitment":  # only an item the flow grants on commitment (告知承诺制)
        raise IllegalTransition(ITEM, "commit", item.state)


# approval item: action → (the states it may start from, the state it leads to)
ITEM = Workflow(
    "projects.item",
    "projects.ItemInstance",
    [  # in the order of the buttons on the board
        step("submit", "pending", "submitted", A["submit"]),
        step("accept", {"submitted", "pre_correction"}, "in_review", A["accept"]),
        step("deem_accept", "submitted", "in_review", A["deem_accept"], auto=True),
        step("pre_correct", "submitted", "pre_correction", A["pre_correct"]),
        step("reject_intake", {"submitted", "pre_correction"}, "rejected", A["reject_intake"]),
        step("approve", "in_review", "completed", A["approve"]),
        step("deny", "in_review", "completed", A["deny"]),
        step("request_correction", "in_review", "correction", A["request_correction"]),
        step("receive_materials", "correction", "in_review", A["receive_materials"]),
        step("correction_timeout", "correction", "returned", A["correction_timeout"]),
        step("start_special", "in_review", "special", A["start_special"]),
        step("end_special", "special", "in_review", A["end_special"]),
        step("extend", "in_review", None, A["extend"]),
        step("commit", {"in_review", "submitted"}, "verify_pending", A["commit"], guard=_commitment_only),
        step("verify_pass", "verify_pending", "completed", A["verify_pass"]),
        step("verify_rectify", "verify_pending", None, A["verify_rectify"]),
        step("verify_fail", "verify_pending", "revoked", A["verify_fail"]),
        step("return", {"in_review", "correction"}, "returned", A["return"]),
        step(
            "withdraw",
            {"pending", "submitted", "pre_correction", "in_review", "correction"},
            "withdrawn",
            A["withdraw"],
        ),
    ],
    event="projects.ItemEvent",
    event_fk="item",
    validate=False,
)

# project lifecycle: 入库 → 签约 → 供地 → 开工 → 竣工 → 投产 → 达产, one step at a time (供地 skipped when the project
# needs no new land), 暂停 from an active state and 恢复 to where it was, 终止 from anything but an end state.
# The action is the state a step leads to (the lifecycle's contract: `project_transition(target=…)`).
S = Status
ACTIVE = {S.REGISTERED, S.SIGNED, S.LAND, S.STARTED, S.COMPLETED, S.PRODUCTION}


def _needs_no_new_land(project) -> bool:
    from .models import Kind, LandMode

    return (
        project.kind != Kind.NEW
        or project.land_mode == LandMode.EXISTING
        or project.land_parcel_id is not None
    )


def _land_optional(project) -> None:
    if project.status == S.SIGNED and not _needs_no_new_land(project):
        raise IllegalTransition(PROJECT, S.STARTED, project.status)


def _before_pause(project) -> str:
    return project.status_before_pause


PROJECT = Workflow(
    "projects.project",
    "projects.Project",
    [
        step(S.SIGNED, S.REGISTERED, S.SIGNED, _("Sign")),
        step(S.LAND, S.SIGNED, S.LAND, _("Supply land")),
        step(S.STARTED, {S.LAND, S.SIGNED}, S.STARTED, _("Start construction"), guard=_land_optional),
        step(S.COMPLETED, S.STARTED, S.COMPLETED, _("Complete construction")),
        step(S.PRODUCTION, S.COMPLETED, S.PRODUCTION, _("Start production")),
        step(S.CAPACITY, S.PRODUCTION, S.CAPACITY, _("Reach capacity")),
        step(S.PAUSED, ACTIVE, S.PAUSED, _("Pause")),
        step("resume", S.PAUSED, _before_pause, _("Resume")),
        step(S.TERMINATED, ACTIVE | {S.PAUSED}, S.TERMINATED, _("Terminate")),
    ],
    field="status",
)

P = Problem.State
PROBLEM = Workflow(
    "projects.problem",
    "projects.Problem",
    [
        step("answer", {P.OPEN, P.ANSWERED}, P.ANSWERED, _("Answer")),
        step("close", {P.OPEN, P.ANSWERED}, P.CLOSED, _("Close")),
    ],
)

WORKFLOWS = (ITEM, PROJECT, PROBLEM)
