"""Key projects and approvals pages (a package: projects, approvals, config, common). Thin: selectors read,
services write."""

from .approvals import (  # noqa: F401
    board_view,
    department_report_view,
    item_action_view,
    queue_view,
    rates_view,
    reports_due_view,
)
from .config import approval_item_edit_view, flow_edit_view, flows_view  # noqa: F401
from .projects import (  # noqa: F401
    approvals_start_view,
    authorization_add_view,
    handover_add_view,
    milestones_plan_view,
    problem_add_view,
    problem_answer_view,
    project_create_view,
    project_detail_view,
    project_edit_view,
    project_list_view,
    project_transition_view,
    report_save_view,
    year_plan_view,
)
