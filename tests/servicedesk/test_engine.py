"""The service desk's pure rules: state machines from every state, the step light, and every metric of
specs/ratings.md §5 on hand-worked counts."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.core.workflow import IllegalTransition
from parkos.ratings import engine as rating_engine
from parkos.ratings.workflows import CASE
from parkos.servicedesk import engine
from parkos.servicedesk.workflows import REQUEST

D = np.datetime64


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("received", {"dispatch", "close"}),
        ("dispatched", {"accept", "send_back"}),
        ("accepted", {"answer", "reassign"}),
        ("answered", {"close", "reopen"}),
        ("closed", {"revisit", "reopen"}),
        ("revisited", {"reopen"}),
    ],
)
def test_request_transitions_from_every_state(state, allowed):
    actions = set(REQUEST.actions) - {"submit", "escalate"}
    for a in actions:
        if a in allowed:
            REQUEST.next(state, a)
        else:
            with pytest.raises(IllegalTransition):
                REQUEST.next(state, a)


def test_case_state_machine_follows_the_spec():
    path = [
        ("assign", "assigned"),
        ("contact", "verifying"),
        ("rectify", "rectifying"),
        ("done", "feedback"),
        ("followup", "closed"),
        ("reopen", "rectifying"),
    ]
    s = "received"
    for action, to in path:
        s = CASE.next(s, action)
        assert s == to
    assert CASE.next("verifying", "explain") == "explained"
    assert CASE.next("explained", "send_feedback") == "feedback"
    assert CASE.next("verifying", "appeal") == "appealed"
    assert CASE.next("appealed", "uphold") == "upheld"
    assert CASE.next("appealed", "reject") == "rectifying"
    assert CASE.next("feedback", "close_unanswered") == "closed"
    for bad in [
        ("received", "contact"),
        ("assigned", "done"),
        ("assigned", "appeal"),  # §4.3: an appeal is filed from verification on
        ("rectifying", "followup"),
        ("upheld", "reopen"),
        ("explained", "done"),
        ("closed", "followup"),
    ]:
        with pytest.raises(IllegalTransition):
            CASE.next(*bad)


def test_rating_metrics_hand_worked():
    # 10 ratings: 4×5, 3×4, 1×3, 1×2, 1×1 → 好评率 8/10, 差评率 2/10, 满意度 (20+12+3+2+1)/50 = 76 %
    m = rating_engine.rating_metrics(np.array([5, 5, 5, 5, 4, 4, 4, 3, 2, 1]))
    assert (m.n, m.good_rate, m.bad_rate, m.satisfaction, m.counts) == (10, 80.0, 20.0, 76.0, (1, 1, 1, 3, 4))
    assert (
        rating_engine.rating_metrics(np.array([5, 5, 5, 5, 4, 4, 4, 3, 2, 1]), strict=True).good_rate == 70.0
    )
    assert rating_engine.rating_metrics(np.array([], dtype=int)).good_rate is None


def test_grouped_metrics_by_department():
    g = rating_engine.grouped_rating_metrics(np.array(["经发局", "经发局", "审批局"]), np.array([5, 1, 3]))
    assert (g["经发局"].good_rate, g["经发局"].bad_rate, g["审批局"].satisfaction) == (50.0, 50.0, 60.0)


def test_case_metrics_hand_worked():
    """Five 差评 cases in May 2026; case 5's appeal was upheld (left out).
    1: contacted, closed, deadline 05-15, feedback 05-14 (on time), follow-up 4
    2: contacted, closed, deadline 05-20, feedback 05-22 (late), follow-up 2
    3: contacted, open, deadline 05-29, no feedback
    4: not contacted, open, no deadline yet
    → 回访率 3/4 = 75 %, 整改率 2/4 = 50 %, 按期整改率 1/3 = 33.33 %, 整改满意率 1/2 = 50 %"""
    nat = np.datetime64("NaT")
    m = rating_engine.case_metrics(
        upheld=np.array([0, 0, 0, 0, 1], bool),
        contacted=np.array([1, 1, 1, 0, 1], bool),
        closed=np.array([1, 1, 0, 0, 1], bool),
        deadline=np.array([D("2026-05-15"), D("2026-05-20"), D("2026-05-29"), nat], "datetime64[D]"),
        feedback_on=np.array([D("2026-05-14"), D("2026-05-22"), nat, nat], "datetime64[D]"),
        followup_levels=np.array([4, 2, 0, 0]),
        period=(dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
    )
    assert (m.cases, m.contact_rate, m.close_rate, m.due, m.on_time_rate, m.followup_rate) == (
        4,
        75.0,
        50.0,
        3,
        33.33,
        50.0,
    )


@given(st.lists(st.integers(1, 5), min_size=1, max_size=200))
def test_rates_add_up_and_satisfaction_is_between_20_and_100(levels):
    m = rating_engine.rating_metrics(np.array(levels))
    assert m.good_rate + m.bad_rate == pytest.approx(100.0, abs=0.02)
    assert 20.0 <= m.satisfaction <= 100.0
    assert sum(m.counts) == m.n


def test_step_light():
    assert engine.light(-1, 5) == "red"
    assert engine.light(2, 15) == "yellow"  # ⌈20 % of 15⌉ = 3
    assert engine.light(3, 15) == "yellow"
    assert engine.light(4, 15) == "green"
    assert engine.light(2, 1) == "yellow"  # at least 2
    assert engine.light(None, 5) == "grey"
    assert engine.light(3, 5, done=True) == "done"
