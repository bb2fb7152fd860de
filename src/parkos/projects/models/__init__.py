"""Key projects (重点项目 / 五个100) and their staged approvals (工程建设项目审批).

Projects: lifecycle with milestones, yearly plans, monthly reports (月报), problem lists (问题清单).
Approvals: the item catalogue (事项), flow templates per investment type, stage and item instances with
their suspensions, extensions and events, lights and alerts; 帮代办 handovers and authorisations.


The models live in two modules (`projects`, `approvals`); this package is what the rest of ParkOS imports."""

from .approvals import (  # noqa: F401
    FLOW_FIELDS,
    ITEM_FIELDS,
    REFORM_OFFICE,
    AcceptOnNonWorking,
    ApprovalConfig,
    ApprovalItem,
    Authorization,
    CorrectionMode,
    Extension,
    FlowTemplate,
    Handover,
    ItemAction,
    ItemEvent,
    ItemInstance,
    ItemMode,
    ItemResult,
    ItemState,
    Stage,
    StageInstance,
    Suspension,
)
from .projects import (  # noqa: F401
    MONEY,
    PROJECT_FIELDS,
    Category,
    InvestmentType,
    Kind,
    LandMode,
    Level,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    ProjectChild,
    Status,
    Top500List,
    YearPlan,
    _project_scope,
)
