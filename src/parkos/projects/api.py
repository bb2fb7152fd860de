"""Projects and approvals API: thin handlers over the same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal

from ninja import Field, FilterSchema, ModelSchema, Query, Router, Schema
from ninja.pagination import paginate

from parkos.core.api import BodySchema, Labelled, Month, Pages, Quarter, Year, related

from . import selectors, services
from .models import ItemAction, ItemInstance, MonthlyReport, Project, StageInstance

router = Router(tags=["projects"])


class ProjectFilterIn(FilterSchema):
    q: str = ""
    category: str = ""
    level: str = ""
    status: str = ""
    park: int | None = None
    department: int | None = None
    helper: int | None = None
    light: str = ""
    late: str = ""
    sort: str = "-registered"

    def to_filters(self) -> dict:
        return self.model_dump()


class ProjectOut(ModelSchema, metaclass=Labelled):
    investor_name: str = Field(..., alias="investor.name")
    lead_department_name: str = Field(..., alias="lead_department.name")

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "investor",
            "category",
            "top500_list",
            "is_talent",
            "level",
            "kind",
            "investment_type",
            "land_mode",
            "total_investment",
            "contracted_investment",
            "park",
            "lead_department",
            "helper",
            "status",
            "status_reason",
            "registered_on",
            "approved_on",
            "agreed_start_on",
            "capital_required",
            "design_output",
            "capacity_proposed_on",
            "total_limit_wd",
            "approval_elapsed_wd",
            "approval_light",
            "version",
        ]


class ItemOut(ModelSchema, metaclass=Labelled):
    item_code: str = Field(..., alias="item.code")
    item_name: str = Field(..., alias="item.name")
    stage_code: str = Field(..., alias="stage.stage")

    class Meta:
        model = ItemInstance
        fields = [
            "id",
            "department",
            "mode",
            "statutory_limit_wd",
            "promised_limit_wd",
            "extension_wd",
            "state",
            "result",
            "received_on",
            "accepted_on",
            "original_deadline",
            "deadline",
            "completed_on",
            "elapsed_wd",
            "remaining_wd",
            "suspended_wd",
            "light",
            "verification_due",
            "version",
        ]


class StageOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = StageInstance
        fields = [
            "id",
            "stage",
            "limit_wd",
            "state",
            "accepted_on",
            "completed_on",
            "deadline",
            "elapsed_wd",
            "remaining_wd",
            "light",
        ]


class BoardOut(Schema):
    project: ProjectOut
    stages: list[StageOut]
    items: list[ItemOut]


class ItemActionIn(BodySchema):
    action: ItemAction
    on: dt.date | None = None
    note: str = ""
    version: int | None = None
    days: int | None = None
    approved_by: str | None = None
    until: dt.date | None = None
    text_version: str | None = None


class ReportIn(BodySchema):
    month: dt.date
    investment: Decimal = Field(..., ge=0, description="当月完成投资（形象进度口径，万元）")
    funds: Decimal = Field(..., ge=0)
    fai: Decimal | None = Field(None, ge=0, description="统计入库投资（万元）：官方固定资产投资只用此数")
    capital: Decimal | None = Field(None, ge=0, description="当月资本金到位（万元）")
    output_value: Decimal | None = Field(None, ge=0, description="当月产值（万元）")
    progress: str = ""
    problems: str = ""
    version: int | None = None


class ReportOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "project",
            "month",
            "investment",
            "fai",
            "funds",
            "capital",
            "output_value",
            "progress",
            "problems",
            "version",
        ]


class RateCell(Schema):
    planned: int = Field(description="计划到截止日达到该节点的项目数（不含已终止项目）：分母")
    achieved: int = Field(description="其中截止日前已达到的项目数（含提前达到）：分子")
    unplanned: int = Field(description="期内无计划而达到的项目数（计划外，不计入比率）")
    terminated: int = Field(description="计划到截止日但已终止的项目数（另列，不计入比率）")
    planned_period: int = Field(description="全期（如全年）计划达到的项目数（不含已终止项目）")
    rate: Decimal | None = Field(description="比率（%，一位小数，四舍五入）；无计划时为空")


class CatalogueCell(Schema):
    key: str = Field(
        description="指标代码：start_resume 开复工率、production_nbs 投产率（统计口径）、production_capacity "
        "投产达产率、completion_production 竣工投产率、approval 立项转化率、performance 签约项目履约率、"
        "cum_investment 累计投资完成率、capital 资本金到位率、capacity_output 达产率（产值口径）、"
        "fai 固定资产投资完成率（统计入库）、fai_growth 固定资产投资增速"
    )
    label: str
    kind: str = Field(description="count：项目数之比；amount：金额（万元）之比")
    numerator: Decimal
    denominator: Decimal
    rate: Decimal | None


class RateRow(Schema):
    label: str
    projects: int
    start: RateCell
    production: RateCell
    capacity: RateCell
    invested: Decimal = Field(description="有年度计划项目的年初至截止日完成投资（万元）")
    plan_investment: Decimal = Field(description="年度计划投资（万元）")
    invested_unplanned: Decimal = Field(description="无年度计划项目的完成投资（万元，另列）")
    investment_rate: Decimal | None
    pace_gap: Decimal | None = Field(
        description="时序进度差（百分点）：未舍入的完成率减已过时间占比，一次舍入"
    )
    funds_year: Decimal = Field(description="有年度资金计划项目的年度到位资金（万元）")
    plan_funds: Decimal = Field(description="年度计划到位资金（万元）")
    funds_unplanned: Decimal = Field(description="无年度资金计划项目的到位资金（万元，另列）")
    funds_rate_year: Decimal | None
    funds_cum: Decimal = Field(description="截止日已入库项目的累计到位资金（万元）")
    contracted: Decimal = Field(description="截止日已入库项目的合同（或总）投资（万元）")
    funds_rate_contract: Decimal | None
    catalogue: list[CatalogueCell]


class RatesOut(Schema):
    period: str
    as_of: dt.date = Field(description="统计截止日：期末，或期间未结束时的当日（年初至今）")
    elapsed_share: Decimal = Field(description="截止日已过天数 ÷ 当年天数")
    rows: list[RateRow]
    total: RateRow


@router.get("/", response=list[ProjectOut], summary="Key projects the user may see")
@paginate(Pages)
def list_projects(request, filters: Query[ProjectFilterIn]):
    return related(selectors.project_list(user=request.user, filters=filters.to_filters()), ProjectOut)


@router.get("/rates", response=RatesOut, summary="开工率, 投产率, 达产率, investment and funds rates")
def project_rates(
    request, year: Year, quarter: Quarter | None = None, month: Month | None = None, by: str = "category"
):
    period = selectors.Period(year, None if month else quarter, month)
    data = selectors.rates(user=request.user, period=period, by=by if by in selectors.GROUPS else "category")
    return {
        "period": period.label,
        "as_of": data["as_of"],
        "elapsed_share": data["elapsed_share"].quantize(Decimal("0.0001")),
        "rows": data["rows"],
        "total": data["total"],
    }


@router.get("/{int:pk}", response=ProjectOut)
def get_project(request, pk: int):
    return selectors.project_get(user=request.user, pk=pk)


@router.get(
    "/{int:pk}/approvals", response=BoardOut, summary="The approval board: stages and items with lights"
)
def get_board(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    board = selectors.approval_board(project)
    return {
        "project": project,
        "stages": [b["stage"] for b in board],
        "items": [it for b in board for it in b["items"]],
    }


@router.post(
    "/{int:pk}/approvals/items/{int:item_id}/actions", response=ItemOut, summary="Act on an approval item"
)
def act_on_item(request, pk: int, item_id: int, body: ItemActionIn):
    project = selectors.project_get(user=request.user, pk=pk)
    selectors.item_get(user=request.user, project=project, pk=item_id)
    data = body.model_dump()
    return services.item_act(
        user=request.user,
        pk=item_id,
        action=str(data.pop("action")),
        on=data.pop("on"),
        note=data.pop("note"),
        version=data.pop("version"),
        **data,
    )


@router.post("/{int:pk}/reports", response=ReportOut, summary="Enter or correct a monthly report")
def put_report(request, pk: int, body: ReportIn):
    data = body.model_dump()
    return services.monthly_report_save(
        user=request.user, pk=pk, month=data.pop("month"), version=data.pop("version"), data=data
    )
