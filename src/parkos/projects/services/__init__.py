"""Every write to projects and approvals: permission, validation, state machine, audit, one transaction.

Dates passed as `on` are business dates (the day a thing happened), default today; they may not lie in the
future nor before the item's last event. After every approval action the project's clocks and lights are
recomputed (`refresh`), and a change of light is alerted once.

A package of four modules: `projects` (registration, lifecycle, plans, reports, problems), `approvals` (stages,
catalogue, flows, item steps, 帮代办), `refresh` (clocks, lights and alerts) and `common` (helpers).
"""

from .approvals import (
    ACTIONS_NEEDING_NOTE,
    HELPER_ACTIONS,
    approval_config_update,
    approval_item_update,
    approvals_start,
    authorization_record,
    default_flow,
    flow_update,
    handover_record,
    item_act,
    item_resubmit,
)
from .common import ACTION_LABELS, MAX_EXTENSION_WD
from .projects import (
    CAPACITY_ALERT,
    capacity_check,
    milestones_plan,
    monthly_report_save,
    problem_answer,
    problem_raise,
    project_create,
    project_transition,
    project_update,
    year_plan_set,
)
from .refresh import ALERT_KINDS, refresh

__all__ = [
    "ACTIONS_NEEDING_NOTE",
    "ACTION_LABELS",
    "ALERT_KINDS",
    "CAPACITY_ALERT",
    "HELPER_ACTIONS",
    "MAX_EXTENSION_WD",
    "approval_config_update",
    "approval_item_update",
    "approvals_start",
    "authorization_record",
    "capacity_check",
    "default_flow",
    "flow_update",
    "handover_record",
    "item_act",
    "item_resubmit",
    "milestones_plan",
    "monthly_report_save",
    "problem_answer",
    "problem_raise",
    "project_create",
    "project_transition",
    "project_update",
    "refresh",
    "year_plan_set",
]
