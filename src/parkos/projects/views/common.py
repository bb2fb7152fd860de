"""What the key-project pages share: the list table, the light choices, the lifecycle buttons, small helpers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from parkos.core import lists

from .. import engine
from ..models import (
    Status,
)

LIGHT_CHOICES = [
    (engine.GREEN, pgettext_lazy("light", "On time")),
    (engine.YELLOW, gettext_lazy("Due soon")),
    (engine.RED, pgettext_lazy("light", "Overdue")),
    (engine.DONE, pgettext_lazy("light", "Done")),
]
TABLE = lists.Table(
    [
        lists.Col("name", gettext_lazy("Project"), sort="name", header="项目名称", width=30),
        lists.Col("code", gettext_lazy("Project code"), sort="code", header="项目代码", width=24),
        lists.Col("investor", gettext_lazy("Investor"), export="investor.name", header="投资主体", width=30),
        lists.Col("uscc", "", export="investor.uscc", header="统一社会信用代码", width=22, page=False),
        lists.Col("category", "", export="get_category_display", header="类别", page=False),
        lists.Col("level", gettext_lazy("Level"), sort="level", export="get_level_display", header="级别"),
        lists.Col("kind", "", export="get_kind_display", header="建设性质", page=False),
        lists.Col("investment_type", "", export="get_investment_type_display", header="投资类型", page=False),
        lists.Col(
            "total_investment",
            gettext_lazy("Total investment"),
            sort="investment",
            export="total_investment",
            header="总投资(万元)",
        ),
        lists.Col(
            "invested",
            gettext_lazy("Invested"),
            export=lambda p: p.invested or 0,
            header="累计完成投资(万元)",
        ),
        lists.Col("park", "", export="park.name", header="片区", page=False),
        lists.Col(
            "department",
            gettext_lazy("Lead department"),
            sort="department",
            export="lead_department.name",
            header="牵头部门",
        ),
        lists.Col(
            "helper", "", export=lambda p: str(p.helper) if p.helper else "", header="帮代办专员", page=False
        ),
        lists.Col(
            "status", gettext_lazy("Status"), sort="status", export="get_status_display", header="状态"
        ),
        lists.Col("registered_on", "", export="registered_on", header="入库日期", page=False),
        lists.Col("light", gettext_lazy("Approvals"), sort="light", export=None),
    ],
    kind="projects",
    title="重点项目",
    export_order=[
        "code",
        "name",
        "investor",
        "uscc",
        "category",
        "level",
        "kind",
        "investment_type",
        "total_investment",
        "invested",
        "park",
        "department",
        "helper",
        "status",
        "registered_on",
    ],
)
LIFECYCLE_STEPS = {
    Status.SIGNED,
    Status.LAND,
    Status.STARTED,
    Status.COMPLETED,
    Status.PRODUCTION,
    Status.CAPACITY,
}
