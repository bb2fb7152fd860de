"""Chains API: the chain list, and one chain's node figures, local supply rates and gap ranking for a year."""

from ninja import Field, Router, Schema

from parkos.core.api import Year

from . import selectors

router = Router(tags=["chains"])


class ChainOut(Schema):
    id: int
    name: str
    code: str


class NodeRow(Schema):
    id: int
    name: str
    parent: int | None
    segment: str
    is_key: bool
    enterprises: int
    leaders: int
    output: float
    tax: float
    purchases: float
    local: float
    rate: float | None = Field(
        description="本地配套率（%）：仅计该节点子树上企业的采购；无采购记录时为空（数据缺失）"
    )
    min_rate: float = Field(description="本地配套率下限（%）：节点自设，否则全区设置")
    output_fallback: int = Field(description="以营业收入代替工业总产值计入产值的企业数")
    score: float
    strength: str


class LeaderRate(Schema):
    enterprise_id: int
    name: str
    purchases: float
    local: float
    rate: float | None


class FiguresOut(Schema):
    chain: ChainOut
    year: int
    enterprises: int
    output: float
    tax: float
    rate: float | None
    output_fallback: int = Field(description="以营业收入代替工业总产值计入产值的企业数")
    leaders: list[LeaderRate]
    nodes: list[NodeRow]
    gaps: list[int]


def _row(r: dict) -> dict:
    n = r["node"]
    return {
        **{
            k: r[k]
            for k in (
                "enterprises",
                "leaders",
                "output",
                "tax",
                "purchases",
                "local",
                "rate",
                "min_rate",
                "output_fallback",
                "score",
                "strength",
            )
        },
        "id": n.pk,
        "name": n.name,
        "parent": n.parent_id,
        "segment": n.segment,
        "is_key": n.is_key,
    }


@router.get("/", response=list[ChainOut], summary="Industry chains")
def list_chains(request, q: str = ""):
    return list(selectors.chain_list(user=request.user, q=q))


@router.get("/{int:pk}", response=FiguresOut, summary="Node figures, local supply rates and the gap ranking")
def chain_figures(request, pk: int, year: Year | None = None):
    cf = selectors.chain_figures(user=request.user, pk=pk, year=year)
    return {
        "chain": cf.chain,
        "year": cf.year,
        "enterprises": cf.enterprises,
        "output": cf.output,
        "tax": cf.tax,
        "rate": cf.rate,
        "output_fallback": cf.output_fallback,
        "leaders": cf.leader_rates,
        "nodes": [_row(r) for r in cf.rows()],
        "gaps": [g["node"].pk for g in cf.gaps()],
    }
