"""The credit app's state machines on the kernel's mechanism (`core.workflow`).

- A credit record: published (a 失信 record) or recorded (licences, commitments) → repair applied for → repaired
  | back to published; published → window ended (the nightly job) ; removed by its department.
- A repair application: submitted → approved | refused, decided by the department that decided the record
  ("谁认定、谁修复") or the credit office.
- An inspection task: planned → frozen (the inputs and their hashes are fixed and published) → drawn (the SR-1 draw
  with the witness's code) → closed; a drawn task is void when a new task redraws it (with a written reason).
- An inspection (one object of a task): assigned | manual → assigned (a supervisor completes the team) → result
  (the inspector or the department enters it) → published (the department, within the limit). Each inspector of the
  task signs its no-conflict declaration (a task step that keeps the state); a team member opens the object on
  inspection day (its name was withheld until then) or withdraws from it for a conflict (→ manual).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Workflow, step

from .models import Inspection, InspectionState, RecordStatus, RepairState, TaskState, runs_credit


def _staff(user) -> bool:
    return not user.is_enterprise_user and user.may("change")


def _decider(user, app) -> bool:
    return _staff(user) and (runs_credit(user) or user.department_id == app.department_id)


def _task_department(user, task) -> bool:
    return _staff(user) and (runs_credit(user) or user.department_id == task.department_id)


def inspection_department(user, insp) -> bool:
    return _staff(user) and (runs_credit(user) or user.department_id == insp.task.department_id)


def _inspector_or_department(user, insp) -> bool:
    if inspection_department(user, insp):
        return True
    return not user.is_enterprise_user and any(i.user_id == user.pk for i in insp.inspectors.all())


def _team_member(user, insp) -> bool:
    """An inspector of the object's team (the prefetched team: no query)."""
    return not user.is_enterprise_user and any(i.user_id == user.pk for i in insp.inspectors.all())


def _task_inspector(user, task) -> bool:
    """An inspector drawn for some object of the task (who signs the task's no-conflict declaration)."""
    return (
        not user.is_enterprise_user
        and Inspection.inspectors.through.objects.filter(inspection__task=task, inspector__user=user).exists()
    )


def _record_department(user, record) -> bool:
    return _staff(user) and (runs_credit(user) or user.department_id == record.department_id)


C = RecordStatus
RECORD = Workflow(
    "credit.record",
    "credit.CreditRecord",
    [
        step("create", {C.PUBLISHED, C.RECORDED}, None, _("record"), auto=True),
        step("apply_repair", C.PUBLISHED, C.REPAIR_PENDING, _("repair applied for"), auto=True),
        step("repaired", C.REPAIR_PENDING, C.REPAIRED, _("repaired"), auto=True),
        step("repair_refused", C.REPAIR_PENDING, C.PUBLISHED, _("repair refused"), auto=True),
        step("expire", C.PUBLISHED, C.EXPIRED, _("publication window ended"), auto=True),
        step("remove", {C.PUBLISHED, C.RECORDED}, C.REMOVED, _("remove the record"), may=_record_department),
    ],
    field="status",
)

R = RepairState
REPAIR = Workflow(
    "credit.repair",
    "credit.RepairApplication",
    [
        step("submit", R.SUBMITTED, R.SUBMITTED, _("apply for repair"), auto=True),
        step("approve", R.SUBMITTED, R.APPROVED, _("approve the repair"), may=_decider),
        step("refuse", R.SUBMITTED, R.REFUSED, _("refuse the repair"), may=_decider),
    ],
    event="credit.RepairEvent",
    event_fk="application",
)

T = TaskState
TASK = Workflow(
    "credit.task",
    "credit.InspectionTask",
    [
        step("plan", T.PLANNED, T.PLANNED, _("plan the task"), auto=True),
        step("freeze", T.PLANNED, T.FROZEN, _("freeze the inputs"), may=_task_department),
        step("draw", T.FROZEN, T.DRAWN, _("draw"), may=_task_department),
        step("declare", T.DRAWN, T.DRAWN, _("sign the no-conflict declaration"), may=_task_inspector),
        step("close", T.DRAWN, T.CLOSED, _("close the task"), may=_task_department),
        step("void", {T.PLANNED, T.FROZEN, T.DRAWN}, T.VOID, _("replace by a redraw"), may=_task_department),
    ],
)

S = InspectionState
INSPECTION = Workflow(
    "credit.inspection",
    "credit.Inspection",
    [
        step("assign", S.MANUAL, S.ASSIGNED, _("assign inspectors"), may=inspection_department),
        step("open", S.ASSIGNED, S.ASSIGNED, _("open on inspection day"), may=_team_member),
        step("withdraw", S.ASSIGNED, S.MANUAL, _("withdraw for a conflict"), may=_team_member),
        step(
            "enter_result",
            {S.ASSIGNED, S.RESULT},
            S.RESULT,
            _("enter the result"),
            may=_inspector_or_department,
        ),
        step("publish", S.RESULT, S.PUBLISHED, _("publish the result"), may=inspection_department),
        step("rectified", S.PUBLISHED, S.PUBLISHED, _("record the rectification"), may=inspection_department),
    ],
)

WORKFLOWS = (RECORD, REPAIR, TASK, INSPECTION)
