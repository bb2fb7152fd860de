"""Every write of credit supervision: permission and scope, validation, state machine, audit, one transaction.

Three modules: `records` (credit records, effective classes, 信用修复, the nightly window job), `draws`
(双随机、一公开: directories, plans, tasks, the frozen inputs, the SR-1 draw and its record, results) and
`inspections` (the inspector's part: the per-task no-conflict declaration, opening an object on inspection day,
withdrawing for a conflict).
"""

from .draws import (
    conflict_declare,
    inspection_assign,
    inspector_save,
    item_save,
    plan_save,
    rectified,
    result_enter,
    result_publish,
    task_close,
    task_create,
    task_draw,
    task_freeze,
    task_redraw,
)
from .inspections import declaration_sign, inspection_open, inspection_withdraw
from .records import (
    profiles_refresh,
    record_create,
    record_false_commitment,
    record_publish,
    repair_apply,
    repair_decide,
    windows_close,
)

__all__ = [
    "conflict_declare",
    "declaration_sign",
    "inspection_assign",
    "inspection_open",
    "inspection_withdraw",
    "inspector_save",
    "item_save",
    "plan_save",
    "profiles_refresh",
    "record_create",
    "record_false_commitment",
    "record_publish",
    "rectified",
    "repair_apply",
    "repair_decide",
    "result_enter",
    "result_publish",
    "task_close",
    "task_create",
    "task_draw",
    "task_freeze",
    "task_redraw",
    "windows_close",
]
