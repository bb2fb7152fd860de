"""The self-assessment's scoring (specs/metrics.md §4.3, an internal estimate) on a hand-worked set, and its
properties.

Zones H (the zone), P1, P2; dimension A weighs 60, B 40. Indicators a1 (A, higher), a2 (A, lower), b1 (B, higher),
b2 (B, higher):
        a1   a2   b1   b2
  H     10    4   50    7
  P1    30    2    —    —
  P2    20    6   80    —
a1: min 10, max 30 → H 0, P1 100, P2 50.   a2 (lower): min 2, max 6 → H (6−4)/4 = 50, P1 100, P2 0.
b1: H and P2 report → H 0, P2 100, P1 none.  b2: only H reports → not scored for anyone.
A = mean(a1, a2): H 25, P1 100, P2 25.   B = b1: H 0, P1 0 (no scored indicator), P2 100.
Total = (60 A + 40 B) / 100: H 15, P1 60, P2 55 → ranks P1 1, P2 2, H 3.
H's shares of the total: a1 30 %, a2 30 %, b1 40 %; points lost: a1 30, a2 15, b1 40 (sum 85 = 100 − 15).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from parkos.cockpit import engine

nan = np.nan
VALUES = np.array([[10, 4, 50, 7], [30, 2, nan, nan], [20, 6, 80, nan]], dtype=float)
HIGHER = np.array([True, False, True, True])
IND_W = np.array([1.0, 1.0, 1.0, 1.0])
IND_D = np.array([0, 0, 1, 1])
DIM_W = np.array([60.0, 40.0])


def test_hand_worked_scores_dimensions_totals_and_ranks():
    s = engine.score(VALUES, HIGHER, IND_W, IND_D, DIM_W)
    np.testing.assert_allclose(s.indicator[:, :3], [[0, 50, 0], [100, 100, nan], [50, 0, 100]])
    assert np.isnan(s.indicator[:, 3]).all()
    assert s.scored.tolist() == [True, True, True, False]
    np.testing.assert_allclose(s.dimension, [[25, 0], [100, 0], [25, 100]])
    np.testing.assert_allclose(s.total, [15, 60, 55])
    assert s.rank.tolist() == [3, 1, 2]


def test_points_lost_are_each_indicators_share_of_the_total_times_the_missing_score():
    s = engine.score(VALUES, HIGHER, IND_W, IND_D, DIM_W)
    np.testing.assert_allclose(s.weight[0], [0.3, 0.3, 0.4, 0])
    lost = engine.points_lost(s, 0)
    np.testing.assert_allclose(lost[:3], [30, 15, 40])
    assert np.isnan(lost[3])
    assert np.nansum(lost) == 100 - s.total[0]


def test_a_missing_value_is_left_out_and_the_others_weigh_more():
    # P1 has no b1: its B rests on nothing (0); were b2 scored, P1's B would rest on b2 alone
    values = VALUES.copy()
    values[1, 3], values[2, 3] = 9, 5  # b2 now reported by all three: H 7 → 50, P1 9 → 100, P2 5 → 0
    s = engine.score(values, HIGHER, IND_W, IND_D, DIM_W)
    np.testing.assert_allclose(s.dimension[:, 1], [25, 100, 50])  # H (0 + 50)/2, P1 b2 alone, P2 (100 + 0)/2
    np.testing.assert_allclose(s.weight[1], [0.3, 0.3, 0, 0.4])


def test_equal_values_all_score_100_and_equal_totals_share_a_rank():
    s, scored = engine.normalise(np.array([[5.0], [5.0], [nan]]), np.array([True]))
    assert s[:2, 0].tolist() == [100, 100]
    assert np.isnan(s[2, 0])
    assert scored.tolist() == [True]
    assert engine.ranks(np.array([50, 70, 70, 20])).tolist() == [3, 1, 1, 4]


def test_indicator_weights_within_a_dimension():
    # a1 weighs 3, a2 1: H's A = (3×0 + 1×50)/4 = 12.5; total = 0.6 × 12.5 + 0.4 × 0 = 7.5
    s = engine.score(VALUES, HIGHER, np.array([3.0, 1, 1, 1]), IND_D, DIM_W)
    assert s.dimension[0, 0] == 12.5
    assert s.total[0] == 7.5


def test_growth():
    assert engine.growth(125.0, 100.0) == 25.0
    assert engine.growth(-50.0, -100.0) == 50.0  # from −100 to −50 is an improvement
    assert engine.growth(5.0, 0.0) is None
    assert engine.growth(None, 3.0) is None


values = arrays(
    float,
    st.tuples(st.integers(2, 7), st.integers(1, 5)),
    elements=st.one_of(st.just(nan), st.floats(-1e6, 1e6, allow_nan=False)),
)


@settings(max_examples=60, deadline=None)
@given(values, st.data())
def test_scores_are_between_0_and_100_and_ranks_follow_totals(v, data):
    n = v.shape[1]
    higher = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    dims = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    s = engine.score(v, higher, np.ones(n), dims, np.array([30.0, 70.0]))
    finite = s.indicator[~np.isnan(s.indicator)]
    assert ((finite >= 0) & (finite <= 100)).all()
    assert ((s.total >= -1e-9) & (s.total <= 100 + 1e-9)).all()
    order = np.argsort(-s.total, kind="stable")
    assert (np.diff(s.rank[order]) >= 0).all()


whole = arrays(
    float,
    st.tuples(st.integers(2, 7), st.integers(1, 5)),
    elements=st.one_of(st.just(nan), st.integers(-10_000, 10_000).map(float)),
)


@settings(max_examples=60, deadline=None)
@given(whole, st.floats(0.01, 1e3), st.floats(-1e3, 1e3))
def test_min_max_scores_do_not_change_with_the_unit_or_an_offset(v, scale, offset):
    n = v.shape[1]
    higher = np.ones(n, dtype=bool)
    a, _ = engine.normalise(v, higher)
    b, _ = engine.normalise(v * scale + offset, higher)
    np.testing.assert_allclose(a, b, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(values)
def test_lower_is_better_is_higher_is_better_on_the_negated_values(v):
    n = v.shape[1]
    a, _ = engine.normalise(v, np.zeros(n, dtype=bool))
    b, _ = engine.normalise(-v, np.ones(n, dtype=bool))
    np.testing.assert_allclose(a, b, atol=1e-6)
