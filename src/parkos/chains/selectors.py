"""Reads of chains: the chain list with its figures, one chain's node figures and gaps (one engine call over the
chain's columns), node detail, targets. Chains are zone-wide knowledge: every administration user sees them;
enterprise users see none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from parkos.enterprises.models import AnnualIndicator, Enterprise, EnterpriseStatus

from . import engine
from .models import Chain, ChainConfig, Node, Placement, SupplyRelation, Target


def chain_list(*, user, q: str = ""):
    qs = Chain.objects.restrict(user, "view").annotate(n_nodes=Count("nodes", distinct=True))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(description__icontains=q))
    return qs.select_related("department")


def chain_get(*, user, pk: int) -> Chain:
    try:
        return Chain.objects.restrict(user, "view").select_related("department").get(pk=pk)
    except Chain.DoesNotExist:
        raise Http404 from None


def node_get(*, user, pk: int) -> Node:
    try:
        return Node.objects.restrict(user, "view").select_related("chain", "parent").get(pk=pk)
    except Node.DoesNotExist:
        raise Http404 from None


def latest_year() -> int:
    """The latest year with annual indicators (the registry's last complete year), else last year."""
    y = AnnualIndicator.objects.order_by("-year").values_list("year", flat=True).first()
    return int(y) if y else timezone.localdate().year - 1


@dataclass
class ChainFigures:
    chain: Chain
    year: int
    nodes: list[Node]
    figures: engine.NodeFigures
    index: dict[int, int]  # node pk → position
    min_rates: np.ndarray  # each node's minimum local supply rate (its own, else the zone's)
    enterprises: int
    output: float
    tax: float
    rate: float | None  # chain's local supply rate, percent
    leader_rates: list[dict[str, Any]]
    output_fallback: int = 0  # enterprises counted with 营业收入 for want of 工业总产值

    def row(self, node: Node) -> dict[str, Any]:
        i, f = self.index[node.pk], self.figures
        return {
            "node": node,
            "enterprises": int(f.enterprises[i]),
            "leaders": int(f.leaders[i]),
            "output": float(f.output[i]),
            "tax": float(f.tax[i]),
            "purchases": float(f.purchases[i]),
            "local": float(f.local[i]),
            "outside": float(f.purchases[i] - f.local[i]),
            "rate": None if np.isnan(f.rate[i]) else float(f.rate[i]),
            "severity": float(f.severity[i]),
            "score": float(f.score[i]),
            "strength": str(engine.strength(f.severity[i : i + 1])[0]),
            "output_fallback": int(f.output_fallback[i]),
            "min_rate": float(self.min_rates[i]),
            "depth": getattr(node, "depth", 0),
        }

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(n) for n in self.nodes]

    def gaps(self) -> list[dict[str, Any]]:
        return [self.row(self.nodes[i]) for i in engine.gap_order(self.figures)]


def _dec(v: Decimal | None) -> float:
    return float(v) if v is not None else 0.0


def chain_figures(*, user, pk: int, year: int | None = None) -> ChainFigures:
    return compute(chain_get(user=user, pk=pk), year or latest_year())


def compute(chain: Chain, year: int) -> ChainFigures:
    """Every node's figures over its subtree, the chain's totals, its and each leader's local supply rate."""
    cfg = ChainConfig.get()
    nodes = _tree_order(list(Node.objects.filter(chain=chain)))
    index = {n.pk: i for i, n in enumerate(nodes)}
    tree = engine.Tree(
        parent=np.array([index.get(n.parent_id, -1) if n.parent_id else -1 for n in nodes], dtype=int),
        is_key=np.array([n.is_key for n in nodes], dtype=bool),
        min_n=np.array(
            [cfg.min_enterprises if n.min_enterprises is None else n.min_enterprises for n in nodes],
            dtype=float,
        ),
        min_output=np.array([_dec(cfg.min_output if n.min_output is None else n.min_output) for n in nodes]),
        min_rate=np.array(
            [_dec(cfg.min_local_rate if n.min_local_rate is None else n.min_local_rate) for n in nodes]
        ),
    )
    # only operating enterprises count: placed on a node, or as a local supplier (one that moved out is outside)
    operating = Q(enterprise__status=EnterpriseStatus.OPERATING)
    placements = list(
        Placement.objects.filter(operating, node__chain=chain).values_list(
            "node_id", "enterprise_id", "is_leader"
        )
    )
    ent_ids = {e for _n, e, _l in placements}
    ind = AnnualIndicator.objects.filter(enterprise_id__in=ent_ids, year=year).values_list(
        "enterprise_id", "gross_output", "revenue", "tax_paid"
    )
    # output is 工业总产值; an enterprise that has none recorded counts with its 营业收入, and the page says so
    output = {e: _dec(go if go is not None else rev) for e, go, rev, _t in ind}
    fallback = frozenset(e for e, go, rev, _t in ind if go is None and rev is not None)
    tax = {e: _dec(t) for e, _g, _r, t in ind}
    supplies = list(
        SupplyRelation.objects.filter(node__chain=chain, year=year, buyer_id__in=ent_ids).values_list(
            "node_id", "buyer_id", "supplier_id", "supplier__status", "amount"
        )
    )
    p = np.array(placements, dtype=object).reshape(-1, 3)
    s = np.array(supplies, dtype=object).reshape(-1, 5)
    s_local = np.array(
        [x is not None and st == EnterpriseStatus.OPERATING for x, st in zip(s[:, 2], s[:, 3], strict=True)],
        dtype=bool,
    )
    figures = engine.node_figures(
        tree,
        np.array([index[x] for x in p[:, 0]], dtype=int),
        p[:, 1].astype(int),
        p[:, 2].astype(bool),
        output,
        tax,
        np.array([index[x] for x in s[:, 0]], dtype=int),
        s[:, 1].astype(int),
        s_local,
        s[:, 4].astype(float),
        float(cfg.key_weight),
        ent_fallback=fallback,
    )
    amounts = s[:, 4].astype(float)
    leaders = sorted({e for _n, e, lead in placements if lead})
    names = dict(Enterprise.objects.filter(pk__in=leaders).values_list("pk", "name"))
    buyers = s[:, 1].astype(int) if len(s) else np.zeros(0, int)
    leader_rates = [
        {
            "enterprise_id": e,
            "name": names.get(e, ""),
            "purchases": float(amounts[buyers == e].sum()),
            "local": float(amounts[(buyers == e) & s_local].sum()),
            "rate": engine.supply_rate(s_local[buyers == e], amounts[buyers == e]),
        }
        for e in leaders
    ]
    return ChainFigures(
        chain=chain,
        year=year,
        nodes=nodes,
        figures=figures,
        index=index,
        min_rates=tree.min_rate,
        enterprises=len(ent_ids),
        output=sum(output.get(e, 0.0) for e in ent_ids),
        tax=sum(tax.get(e, 0.0) for e in ent_ids),
        rate=engine.supply_rate(s_local, amounts),
        leader_rates=leader_rates,
        output_fallback=len(fallback),
    )


def _tree_order(nodes: list[Node]) -> list[Node]:
    """Nodes depth-first in their order, each with a `depth`."""
    kids: dict[int | None, list[Node]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    out: list[Node] = []

    def walk(parent: int | None, depth: int) -> None:
        for n in sorted(kids.get(parent, []), key=lambda x: (x.order, x.pk)):
            setattr(n, "depth", depth)  # noqa: B010  (the tree page indents by it; not a model field)
            out.append(n)
            walk(n.pk, depth + 1)

    walk(None, 0)
    return out


def chain_tree(cf: ChainFigures) -> dict[str, Any]:
    """The ECharts tree: colour = strength, size = output (square root scaled), each node linking to its page."""
    colours = {"strong": "#2fb344", "weak": "#f59f00", "missing": "#d63939"}
    rows = {r["node"].pk: r for r in cf.rows()}
    biggest = max([r["output"] for r in rows.values()] + [1.0])

    def item(n: Node) -> dict[str, Any]:
        r = rows[n.pk]
        return {
            "name": n.name,
            "value": round(r["output"], 1),
            "id": n.pk,
            "symbolSize": 10 + 30 * (r["output"] / biggest) ** 0.5,
            "itemStyle": {"color": colours[r["strength"]]},
            "enterprises": r["enterprises"],
            "rate": None if r["rate"] is None else round(r["rate"], 1),
            "children": [item(c) for c in cf.nodes if c.parent_id == n.pk],
        }

    return {"name": cf.chain.name, "children": [item(n) for n in cf.nodes if n.parent_id is None]}


def node_detail(*, user, pk: int, year: int | None = None) -> dict[str, Any]:
    node = node_get(user=user, pk=pk)
    year = year or latest_year()
    placements = list(
        Placement.objects.filter(node=node)
        .select_related("enterprise", "enterprise__park")
        .order_by("-is_leader", "enterprise__name")
    )
    ind = {
        a.enterprise_id: a
        for a in AnnualIndicator.objects.filter(
            enterprise_id__in=[p.enterprise_id for p in placements], year=year
        )
    }
    for p in placements:
        p.indicator = ind.get(p.enterprise_id)
    supplies = SupplyRelation.objects.filter(node=node, year=year).select_related("buyer", "supplier")
    targets = Target.objects.filter(node=node).select_related("lead").order_by("name")
    return {"node": node, "year": year, "placements": placements, "supplies": supplies, "targets": targets}


def node_choices() -> list[tuple[int, str]]:
    return [
        (n.pk, f"{n.chain.name} · {n.name}")
        for n in Node.objects.select_related("chain").order_by("chain__order", "chain__code", "order", "pk")
    ]


def gap_node_ids(year: int | None = None) -> set[int]:
    """Every node of every chain that is a gap now (for the gap-filled bonus at signing)."""
    year = year or latest_year()
    out: set[int] = set()
    for chain in Chain.objects.all():
        cf = compute(chain, year)
        out |= {cf.nodes[i].pk for i in engine.gap_order(cf.figures)}
    return out
