"""Cockpit API: the national evaluation self-assessment of a data year (an internal estimate)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema

from parkos.core.api import Year
from parkos.core.exceptions import Forbidden

from . import selectors

router = Router(tags=["cockpit"])


class EvaluationDimensionOut(Schema):
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    peer_median: Decimal | None
    best: Decimal | None
    rank: int


class EvaluationIndicatorOut(Schema):
    code: str
    name: str
    dimension: str
    unit: str
    direction: str
    value: Decimal | None
    origin: str  # entered / parkos / "" (missing)
    peer_median: Decimal | None
    peer_best: Decimal | None
    scored: bool
    score: Decimal | None
    weight: Decimal | None  # share of the total, %
    lost: Decimal | None


class EvaluationZoneOut(Schema):
    rank: int
    name: str
    province: str
    region: str
    is_home: bool
    total: Decimal | None


class EvaluationOut(Schema):
    year: int
    peer_set: str
    version: int
    estimate: bool = True  # never the official score: the normalisation is not published
    peers: int
    total: Decimal | None
    rank: int
    of: int
    region_rank: int
    region_of: int
    previous_total: Decimal | None
    previous_rank: int | None
    total_change: Decimal | None
    dimensions: list[EvaluationDimensionOut]
    indicators: list[EvaluationIndicatorOut]
    ranking: list[EvaluationZoneOut]
    biggest_losses: list[str]


@router.get(
    "/evaluation",
    response=EvaluationOut,
    summary="国家级经开区综合发展水平考核 self-assessment of a data year (internal estimate, specs §4)",
)
def get_evaluation(request, year: Year, peers: str = "all"):
    if not selectors.may_view(request.user):
        raise Forbidden(_("Only the leaders and the national evaluation office see the self-assessment."))
    d = selectors.assessment(user=request.user, year=year, peer_set=peers)
    return {
        "year": d["year"],
        "peer_set": d["peer_set"],
        "version": d["version"],
        "peers": d["peers_n"],
        "total": d["total"],
        "rank": d["rank"],
        "of": d["of"],
        "region_rank": d["region_rank"],
        "region_of": d["region_of"],
        "previous_total": d["prev_total"],
        "previous_rank": d["prev_rank"],
        "total_change": d["total_change"],
        "dimensions": [
            {
                "code": r["dimension"].code,
                "name": r["dimension"].name,
                "weight": r["dimension"].weight,
                "score": r["home"],
                "peer_median": r["peer_median"],
                "best": r["best"],
                "rank": r["rank"],
            }
            for r in d["dimensions"]
        ],
        "indicators": [
            {
                "code": r["indicator"].code,
                "name": r["indicator"].name,
                "dimension": r["indicator"].dimension.code,
                "unit": r["indicator"].unit,
                "direction": r["indicator"].direction,
                **{
                    k: r[k]
                    for k in (
                        "value",
                        "origin",
                        "peer_median",
                        "peer_best",
                        "scored",
                        "score",
                        "weight",
                        "lost",
                    )
                },
            }
            for r in d["indicators"]
        ],
        "ranking": [
            {
                k: str(r[k]) if k == "region" else r[k]
                for k in ("rank", "name", "province", "region", "is_home", "total")
            }
            for r in d["ranking"]
        ],
        "biggest_losses": [r["indicator"].code for r in d["losses"]],
    }
