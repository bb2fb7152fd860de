"""Pure computations over a chain's columns: node figures over their subtrees, the local supply rate, and the gap
ranking.

Local supply rate (本地配套率) = purchases from suppliers in the zone ÷ all recorded purchases, for a node (its
subtree: only the purchases of buyers placed on that subtree count there), a chain, or one leader (链主) as buyer.
A node without recorded purchases has no rate (data missing): it is neither a shortfall nor a pass. Which
enterprises are placed and which suppliers are local (operating ones) the selector decides.

A node's gap severity is the largest shortfall against its thresholds, each in [0, 1]:
  enterprises  1 − n / min_n              (when min_n > 0)
  output       1 − output / min_output    (when min_output > 0)
  local supply 1 − rate / min_rate        (when the node has recorded purchases and min_rate > 0)
A node is a gap when its severity is above 0; its score is 100 × severity × (key_weight for key nodes, else 1),
and gaps rank by score, then by purchases still bought outside the zone (the market a new local supplier would
win), then by the node's order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tree:
    """Nodes in order; `parent` is an index into the same arrays, −1 for a root."""

    parent: np.ndarray
    is_key: np.ndarray
    min_n: np.ndarray
    min_output: np.ndarray
    min_rate: np.ndarray  # percent

    def ancestors_pairs(self, node_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, ancestor-or-self) for each row's node: every node counts for itself and all its ancestors."""
        rows, nodes = [np.arange(len(node_idx))], [node_idx]
        cur = node_idx
        for _ in range(len(self.parent)):
            up = self.parent[cur]
            keep = up >= 0
            if not keep.any():
                break
            rows.append(rows[-1][keep])
            cur = up[keep]
            nodes.append(cur)
        return np.concatenate(rows), np.concatenate(nodes)


@dataclass(frozen=True)
class NodeFigures:
    enterprises: np.ndarray  # distinct zone enterprises in the subtree
    leaders: np.ndarray
    output: np.ndarray
    tax: np.ndarray
    purchases: np.ndarray
    local: np.ndarray
    rate: np.ndarray  # percent, NaN without purchases
    severity: np.ndarray
    score: np.ndarray
    output_fallback: np.ndarray  # enterprises of the subtree whose output is their 营业收入 (no 工业总产值)


def node_figures(
    tree: Tree,
    p_node: np.ndarray,
    p_enterprise: np.ndarray,
    p_leader: np.ndarray,
    ent_output: dict[int, float],
    ent_tax: dict[int, float],
    s_node: np.ndarray,
    s_buyer: np.ndarray,
    s_local: np.ndarray,
    s_amount: np.ndarray,
    key_weight: float,
    ent_fallback: frozenset[int] = frozenset(),
) -> NodeFigures:
    """Every node's figures over its subtree. `ent_output` is each enterprise's 工业总产值, or its 营业收入 for those in
    `ent_fallback` (counted per node in `output_fallback`, for the page to say so)."""
    n = len(tree.parent)
    rows, anc = tree.ancestors_pairs(p_node)
    pairs = (
        np.unique(np.stack([anc, p_enterprise[rows]], axis=1), axis=0) if len(rows) else np.zeros((0, 2), int)
    )
    enterprises = np.bincount(pairs[:, 0], minlength=n) if len(pairs) else np.zeros(n, int)
    out = np.array([ent_output.get(int(e), 0.0) for e in pairs[:, 1]], dtype=float)
    tax = np.array([ent_tax.get(int(e), 0.0) for e in pairs[:, 1]], dtype=float)
    output = np.bincount(pairs[:, 0], weights=out, minlength=n) if len(pairs) else np.zeros(n)
    taxes = np.bincount(pairs[:, 0], weights=tax, minlength=n) if len(pairs) else np.zeros(n)
    fell_back = np.array([int(e) in ent_fallback for e in pairs[:, 1]], dtype=float)
    fallback = (
        np.bincount(pairs[:, 0], weights=fell_back, minlength=n).astype(int)
        if len(pairs)
        else np.zeros(n, int)
    )
    lead = p_leader[rows] if len(rows) else np.zeros(0, bool)
    lead_pairs = np.unique(np.stack([anc[lead], p_enterprise[rows][lead]], axis=1), axis=0)
    leaders = np.bincount(lead_pairs[:, 0], minlength=n) if len(lead_pairs) else np.zeros(n, int)
    srows, sanc = tree.ancestors_pairs(s_node)
    if len(srows):  # a purchase counts at a node only when its buyer is placed on that node's subtree
        width = int(max(p_enterprise.max(initial=0), s_buyer.max(initial=0))) + 1
        placed = pairs[:, 0].astype(np.int64) * width + pairs[:, 1].astype(np.int64)
        keep = np.isin(sanc.astype(np.int64) * width + s_buyer[srows].astype(np.int64), placed)
        srows, sanc = srows[keep], sanc[keep]
    purchases = np.bincount(sanc, weights=s_amount[srows], minlength=n) if len(srows) else np.zeros(n)
    local = (
        np.bincount(sanc, weights=np.where(s_local, s_amount, 0.0)[srows], minlength=n)
        if len(srows)
        else np.zeros(n)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(purchases > 0, local / purchases * 100.0, np.nan)
        short_n = np.where(tree.min_n > 0, np.clip(1 - enterprises / tree.min_n, 0, 1), 0.0)
        short_out = np.where(tree.min_output > 0, np.clip(1 - output / tree.min_output, 0, 1), 0.0)
        short_rate = np.where(
            (purchases > 0) & (tree.min_rate > 0), np.clip(1 - np.nan_to_num(rate) / tree.min_rate, 0, 1), 0.0
        )
    severity = np.maximum.reduce([short_n, short_out, short_rate])
    score = np.round(100.0 * severity * np.where(tree.is_key, key_weight, 1.0), 1)
    return NodeFigures(enterprises, leaders, output, taxes, purchases, local, rate, severity, score, fallback)


def gap_order(f: NodeFigures) -> np.ndarray:
    """Indices of the gap nodes, worst first."""
    gaps = np.flatnonzero(f.severity > 0)
    outside = (f.purchases - f.local)[gaps]
    return gaps[np.lexsort((gaps, -outside, -f.score[gaps]))]


def supply_rate(local: np.ndarray, amount: np.ndarray) -> float | None:
    """Local purchases ÷ all purchases, in percent (None without purchases)."""
    total = float(np.sum(amount))
    return None if total <= 0 else float(np.sum(np.where(local, amount, 0.0))) / total * 100.0


def strength(severity: np.ndarray) -> np.ndarray:
    """strong (no shortfall), weak (some), missing (severity 1: nothing of the node in the zone)."""
    return np.where(severity <= 0, "strong", np.where(severity >= 1, "missing", "weak"))
