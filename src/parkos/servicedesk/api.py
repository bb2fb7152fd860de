"""Service desk API: requests (list, read, submit, act), ratings and the rating metrics. Same rules as the pages."""

import datetime as dt
from typing import Literal

from ninja import Field, FilterSchema, ModelSchema, Query, Router, Schema
from ninja.pagination import paginate

from parkos.core.api import BodySchema, Labelled, Pages, Year, related
from parkos.core.exceptions import Invalid
from parkos.ratings import public as ratings

from . import selectors, services
from .models import Request

router = Router(tags=["services"])


class RequestFilterIn(FilterSchema):
    q: str = ""
    state: str = ""
    category: int | None = None
    department: int | None = None
    channel: str = ""
    light: str = ""
    sort: str = "due_on"

    def to_filters(self) -> dict:
        return self.model_dump()


class RequestOut(ModelSchema, metaclass=Labelled):
    enterprise_name: str = Field(..., alias="enterprise.name")

    class Meta:
        model = Request
        fields = [
            "id",
            "number",
            "enterprise",
            "channel",
            "category",
            "title",
            "text",
            "department",
            "officer",
            "state",
            "received_on",
            "limit_wd",
            "due_on",
            "first_response_due",
            "answered_on",
            "answer",
            "closed_on",
            "escalated",
            "version",
        ]


class RequestIn(BodySchema):
    enterprise: int
    category: int
    title: str
    text: str
    channel: str = "portal"
    contact: str = ""


class ActIn(BodySchema):
    action: str = Field(..., description="dispatch, accept, send_back, answer, close, revisit")
    note: str = ""
    department: int | None = None
    satisfied: bool | None = None


BadReason = Literal[tuple(ratings.BAD_REASONS)]  # type: ignore[valid-type]  (the standard list of spec §2)


class RateIn(BodySchema):
    level: int = Field(..., ge=1, le=5)
    reasons: list[BadReason] = []  # type: ignore[valid-type]
    text: str = ""


class RatingOut(Schema):
    id: int
    target: str
    target_id: int
    request: int | None = None  # the request rated (kept for earlier clients: target_id of a request)
    enterprise: int = Field(..., alias="enterprise_id")
    department: int | None = Field(None, alias="department_id")
    level: int
    reasons: list[str]
    text: str
    on: dt.date
    excluded: bool

    @staticmethod
    def resolve_request(obj) -> int | None:
        return obj.target_id if obj.target == services.RATING_TARGET else None


class MetricsOut(Schema):
    key: str
    ratings: int
    participation: float | None
    good_rate: float | None
    bad_rate: float | None
    satisfaction: float | None
    bad_ratings: int
    contact_rate: float | None
    close_rate: float | None
    on_time_rate: float | None
    followup_rate: float | None


@router.get(
    "/requests",
    response=list[RequestOut],
    summary="Requests the user may see (an enterprise user: their own)",
)
@paginate(Pages)
def list_requests(request, filters: Query[RequestFilterIn]):
    return related(selectors.request_list(user=request.user, filters=filters.to_filters()), RequestOut)


@router.get("/requests/{int:pk}", response=RequestOut)
def get_request(request, pk: int):
    return selectors.request_get(user=request.user, pk=pk)


@router.post("/requests", response={201: RequestOut}, summary="Submit a request (deadlines in working days)")
def submit_request(request, body: RequestIn):
    return 201, services.request_submit(
        user=request.user,
        enterprise_id=body.enterprise,
        category_id=body.category,
        title=body.title,
        text=body.text,
        channel=body.channel,
        contact=body.contact,
    )


@router.post(
    "/requests/{int:pk}/actions",
    response=RequestOut,
    summary="Dispatch, accept, send back, answer, close or revisit",
)
def act(request, pk: int, body: ActIn):
    u, a = request.user, body.action
    if a == "dispatch":
        if body.department is None:
            raise Invalid("department is required", fields={"department": ["required"]})
        return services.request_dispatch(user=u, pk=pk, department_id=body.department, note=body.note)
    handlers = {
        "accept": lambda: services.request_accept(user=u, pk=pk),
        "send_back": lambda: services.request_send_back(user=u, pk=pk, reason=body.note),
        "answer": lambda: services.request_answer(user=u, pk=pk, answer=body.note),
        "close": lambda: services.request_close(user=u, pk=pk, note=body.note),
        "revisit": lambda: services.request_revisit(
            user=u, pk=pk, note=body.note, satisfied=bool(body.satisfied)
        ),
    }
    if a not in handlers:
        raise Invalid(f"unknown action {a}")
    return handlers[a]()


@router.post(
    "/requests/{int:pk}/rating", response={201: RatingOut}, summary="The enterprise rates its closed request"
)
def rate(request, pk: int, body: RateIn):
    return 201, services.rate_request(
        user=request.user, pk=pk, level=body.level, reasons=body.reasons, text=body.text
    )


@router.get(
    "/ratings/metrics",
    response=list[MetricsOut],
    summary="好评率, 差评率, 满意度 and 差评 rectification by group",
)
def metrics(request, year: Year, by: str = "department"):
    rows = ratings.rating_metrics(user=request.user, year=year, by=by)
    return [
        {
            "key": str(r["key"]),
            "ratings": r["m"].n,
            "participation": r["participation"],
            "good_rate": r["m"].good_rate,
            "bad_rate": r["m"].bad_rate,
            "satisfaction": r["m"].satisfaction,
            "bad_ratings": r["cases"].cases,
            "contact_rate": r["cases"].contact_rate,
            "close_rate": r["cases"].close_rate,
            "on_time_rate": r["cases"].on_time_rate,
            "followup_rate": r["cases"].followup_rate,
        }
        for r in rows
    ]
