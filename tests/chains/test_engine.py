"""Properties of the chain engine on random trees: a parent counts at least what each child counts, a node's
purchases are those recorded on its subtree by buyers placed on its subtree (a naive reference walks the tree),
local supply rates stay in [0, 100], and gaps come worst first."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.chains import engine


@st.composite
def chains(draw):
    n = draw(st.integers(1, 12))
    parent = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, n)]
    k = draw(st.integers(0, 30))
    p_node = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))
    p_ent = draw(st.lists(st.integers(1, 15), min_size=k, max_size=k))
    m = draw(st.integers(0, 30))
    s_node = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    s_buyer = draw(st.lists(st.integers(1, 15), min_size=m, max_size=m))
    s_local = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    s_amount = draw(st.lists(st.integers(0, 1000), min_size=m, max_size=m))
    key = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    tree = engine.Tree(
        parent=np.array(parent),
        is_key=np.array(key),
        min_n=np.full(n, 2.0),
        min_output=np.full(n, 500.0),
        min_rate=np.full(n, 30.0),
    )
    output = {e: float(e * 37 % 400) for e in range(1, 16)}
    f = engine.node_figures(
        tree,
        np.array(p_node, dtype=int),
        np.array(p_ent, dtype=int),
        np.zeros(k, dtype=bool),
        output,
        output,
        np.array(s_node, dtype=int),
        np.array(s_buyer, dtype=int),
        np.array(s_local, dtype=bool),
        np.array(s_amount, dtype=float),
        1.5,
    )
    return tree, f, (p_node, p_ent, s_node, s_buyer, s_amount)


def _subtree(parent, i) -> set[int]:
    out = {i}
    grew = True
    while grew:
        more = {j for j in range(len(parent)) if parent[j] in out} - out
        out |= more
        grew = bool(more)
    return out


@settings(max_examples=200, deadline=None)
@given(chains())
def test_subtree_figures_and_gap_order(case):
    tree, f, (p_node, p_ent, s_node, s_buyer, s_amount) = case
    n = len(tree.parent)
    for i in range(n):
        p = tree.parent[i]
        if p >= 0:
            assert f.enterprises[p] >= f.enterprises[i]
            assert f.output[p] >= f.output[i] - 1e-9
            assert f.purchases[p] >= f.purchases[i] - 1e-9
        sub = _subtree(tree.parent.tolist(), i)
        placed = {e for node, e in zip(p_node, p_ent, strict=True) if node in sub}
        expected = sum(
            a for node, b, a in zip(s_node, s_buyer, s_amount, strict=True) if node in sub and b in placed
        )
        assert abs(f.purchases[i] - expected) < 1e-6
    rates = f.rate[~np.isnan(f.rate)]
    assert ((rates >= 0) & (rates <= 100)).all()
    order = engine.gap_order(f)
    assert (f.severity[order] > 0).all()
    assert list(f.score[order]) == sorted(f.score[order], reverse=True)
    assert set(order.tolist()) == set(np.flatnonzero(f.severity > 0).tolist())
