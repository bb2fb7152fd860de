"""Investment API: leads (list, read, enter with the duplicate check, move, sign), the duplicate check on its own,
conflicts and scores. Thin handlers over the pages' selectors and services."""

import datetime as dt
from decimal import Decimal

from ninja import Field, FilterSchema, ModelSchema, Query, Router, Schema
from ninja.pagination import paginate

from parkos.core.api import BodySchema, Labelled, Month, Pages, Quarter, Year, related

from . import selectors, services
from .models import Lead, LeadConflict

router = Router(tags=["investment"])


class LeadFilterIn(FilterSchema):
    q: str = ""
    stage: str = ""
    state: str = "open"
    team: int | None = None
    source: str = ""
    chain: int | None = None
    event: int | None = None
    kind: str = ""
    neglected: bool = False
    sort: str = "-entered_on"

    def to_filters(self) -> dict:
        return {
            k: ("1" if v is True else "" if v in (None, False) else v) for k, v in self.model_dump().items()
        }


class LeadOut(ModelSchema, metaclass=Labelled):
    team_name: str = Field(..., alias="team.name")

    class Meta:
        model = Lead
        fields = [
            "id",
            "investor_name",
            "uscc",
            "top500_list",
            "top500_edition",
            "is_central_soe",
            "foreign_country",
            "hq_level",
            "is_industry_leader",
            "title",
            "amount",
            "amount_usd",
            "node",
            "source",
            "agency",
            "event",
            "team",
            "officer",
            "stage",
            "state",
            "lost_reason",
            "entered_on",
            "last_activity_on",
            "next_step",
            "next_step_on",
            "signed_on",
            "signed_amount",
            "fills_gap",
            "project",
            "landed_on",
            "version",
        ]


class LeadIn(BodySchema):
    investor_name: str
    title: str
    team: int
    uscc: str = ""
    amount: Decimal | None = Field(None, ge=0)
    amount_usd: Decimal | None = Field(None, ge=0)
    node: int | None = None
    source: str = "own"
    agency: str = ""
    top500_list: str = ""
    foreign_country: str = ""
    hq_level: str = ""
    is_central_soe: bool = False
    is_industry_leader: bool = False
    next_step: str = ""
    next_step_on: dt.date | None = None
    decision: str = Field("", description="'' (refuse when duplicates are found), 'separate' or 'conflict'")


class MoveIn(BodySchema):
    stage: str
    note: str = ""
    version: int | None = None


class SignIn(BodySchema):
    signed_on: dt.date
    amount: Decimal = Field(..., gt=0)
    uscc: str
    company_name: str = ""
    version: int | None = None


class CheckIn(BodySchema):
    names: list[str]
    usccs: list[str] | None = None


class MatchOut(Schema):
    id: int
    investor_name: str
    team: str
    stage: str
    score: float
    by: str
    own: bool


class ConflictOut(ModelSchema, metaclass=Labelled):
    class Meta:
        model = LeadConflict
        fields = [
            "id",
            "claim",
            "other",
            "score",
            "matched_by",
            "meeting",
            "status",
            "owner_team",
            "shares",
            "decided_on",
        ]


class ScoreRow(Schema):
    rank: int
    holder: str
    points: float
    months: list[float]
    grade: str


@router.get("/leads", response=list[LeadOut], summary="Leads the user may see (own team's and shared)")
@paginate(Pages)
def list_leads(request, filters: Query[LeadFilterIn]):
    return related(selectors.lead_list(user=request.user, filters=filters.to_filters()), LeadOut)


@router.get("/leads/{int:pk}", response=LeadOut)
def get_lead(request, pk: int):
    return selectors.lead_get(user=request.user, pk=pk)


@router.post(
    "/leads",
    response={201: LeadOut},
    summary="Enter a lead; 422 with the matches when the investor is already followed",
)
def create_lead(request, body: LeadIn):
    data = body.model_dump()
    decision = data.pop("decision")
    data["team_id"], data["node_id"] = data.pop("team"), data.pop("node")
    return 201, services.lead_create(user=request.user, data=data, decision=decision)


@router.post(
    "/leads/{int:pk}/move", response=LeadOut, summary="Move a lead to another stage (the stage rules apply)"
)
def move_lead(request, pk: int, body: MoveIn):
    return services.lead_move(
        user=request.user, pk=pk, stage=body.stage, note=body.note, version=body.version
    )


@router.post(
    "/leads/{int:pk}/sign", response=LeadOut, summary="Sign: the project enters the key-project library"
)
def sign_lead(request, pk: int, body: SignIn):
    return services.lead_sign(
        user=request.user,
        pk=pk,
        signed_on=body.signed_on,
        amount=body.amount,
        uscc=body.uscc,
        company_name=body.company_name,
        version=body.version,
    )


@router.post("/check", response=list[list[MatchOut]], summary="Which open leads each name (and USCC) matches")
def check_names(request, body: CheckIn):
    services._staff(request.user)
    found = services.find_matches(body.names, body.usccs or [""] * len(body.names))
    leads = selectors.leads_by_id(p for m in found for p, _s, _b in m)
    return [[services.match_view(request.user, leads[p], s, b) for p, s, b in m] for m in found]


@router.get("/conflicts", response=list[ConflictOut], summary="Conflicts the user's teams are party to")
@paginate(Pages)
def list_conflicts(request, status: str = "open"):
    return related(selectors.conflict_queue(user=request.user, status=status), ConflictOut)


@router.get(
    "/scores", response=list[ScoreRow], summary="Points of teams or officers for a year (or one month)"
)
def get_scores(request, year: Year, by: str = "team", month: Month | None = None):
    s = selectors.scores(user=request.user, year=year, by="officer" if by == "officer" else "team")
    return [{**r, "holder": str(r["holder"])} for r in s.ranking(month)]


class Top500Count(Schema):
    firms: int
    projects: int


class InvestmentFigureRow(Schema):
    label: str
    signed: int = Field(description="签约项目数")
    signed_amount: Decimal = Field(description="签约金额（万元），从不计作到位资金")
    big: int = Field(description="亿元以上签约项目数")
    big_share: Decimal | None = Field(description="亿元以上项目占比（%）")
    top500_firms: int = Field(description="引进三类500强企业数（不重复计）")
    top500_projects: int = Field(description="三类500强项目数")
    top500_lists: dict[str, Top500Count] = Field(description="按榜单：fortune_global、china、china_private")
    funds: Decimal = Field(description="实际到位资金（万元）")
    domestic: Decimal = Field(description="实际到位内资（万元）= 到位资金 − 外资按记录汇率折人民币")
    fdi_usd: Decimal = Field(description="实际使用外资，商务部口径（万美元）")
    fdi_yuan: Decimal = Field(description="实际使用外资折人民币（万元，按每笔记录的汇率）")
    broad_usd: Decimal = Field(description="实际使用外资，省级宽口径（万美元），不与商务部口径相加")
    domestic_projects: int = Field(description="有资金到位的内资项目数")


class InvestmentFiguresOut(Schema):
    year: int
    quarter: int | None
    month: int | None
    start: dt.date
    as_of: dt.date
    rows: list[InvestmentFigureRow]
    total: InvestmentFigureRow
    new_foreign_funded: int  # 新设外商投资企业: the registry's, zone-wide, established in the period


@router.get(
    "/figures", response=InvestmentFiguresOut, summary="招商引资指标 of a year by team or officer (specs §5)"
)
def get_figures(
    request, year: Year, by: str = "team", quarter: Quarter | None = None, month: Month | None = None
):
    return selectors.figures(
        user=request.user,
        year=year,
        by="officer" if by == "officer" else "team",
        quarter=None if month else quarter,
        month=month,
    )
