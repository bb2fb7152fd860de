"""The approval clocks against specs/approvals.md §7 (every test vector), the reference algorithm of §5.5
(hypothesis), the lights of §8.3 and both state machines."""

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.core.workdays import WorkingCalendar
from parkos.core.workflow import IllegalTransition
from parkos.projects import engine
from parkos.projects.workflows import ITEM, PROJECT

D = dt.date.fromisoformat
CAL = WorkingCalendar()
DAYS = CAL.days_covering("2025-01-01", "2027-12-31")

# (accepted, limit, suspension, expected deadline) — specs/approvals.md §7
VECTORS = [
    ("T1", "2026-02-10", 20, None, "2026-03-16"),
    ("T2", "2026-09-24", 6, None, "2026-10-10"),
    ("T3", "2026-09-24", 5, None, "2026-10-09"),
    ("T4", "2026-04-28", 10, ("2026-05-01", "2026-05-11"), "2026-05-21"),
    ("T5", "2026-04-28", 10, None, "2026-05-14"),
    ("T6", "2025-12-31", 3, None, "2026-01-06"),
    ("T7", "2026-04-30", 1, None, "2026-05-06"),
    ("T8", "2026-04-30", 4, None, "2026-05-09"),
    ("T9", "2026-02-13", 1, None, "2026-02-14"),
    ("T10", "2026-02-13", 2, None, "2026-02-24"),
    ("T11", "2026-03-02", 90, None, "2026-07-10"),
]


def _one(accepted, limit, susp=(), until=None):
    owner = [0] * len(susp)
    c = engine.clocks(
        DAYS,
        [np.datetime64(accepted)],
        [limit],
        np.datetime64(until or accepted),
        owner,
        [s for s, _ in susp],
        [e for _, e in susp],
    )
    return c


@pytest.mark.parametrize(
    ("name", "accepted", "limit", "susp", "expected"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_spec_deadline_vectors(name, accepted, limit, susp, expected):
    c = _one(accepted, limit, [susp] if susp else [])
    assert str(c.deadline[0]) == expected


def test_all_vectors_at_once_match_one_by_one():
    owner = [i for i, v in enumerate(VECTORS) if v[3]]
    c = engine.clocks(
        DAYS,
        np.array([v[1] for v in VECTORS], dtype="datetime64[D]"),
        [v[2] for v in VECTORS],
        np.datetime64("2026-01-01"),
        owner,
        [VECTORS[i][3][0] for i in owner],
        [VECTORS[i][3][1] for i in owner],
    )
    assert [str(d) for d in c.deadline] == [v[4] for v in VECTORS]


def test_example_c_counts_five_suspended_working_days():
    c = _one("2026-04-28", 10, [("2026-05-01", "2026-05-11")], until="2026-05-21")
    assert c.suspended[0] == 5  # May 6, 7, 8, 9 (调休 Saturday) and 11
    assert c.elapsed[0] == 10
    assert c.remaining[0] == 0


def test_instant_item_is_due_on_its_acceptance_day():
    assert str(_one("2026-03-07", 0).deadline[0]) == "2026-03-07"


def test_open_suspension_has_no_deadline_and_stops_the_count():
    c = _one("2026-04-28", 10, [("2026-05-01", None)], until="2026-06-30")
    assert np.isnat(c.deadline[0])
    assert c.elapsed[0] == 2
    assert c.remaining[0] == 8


def test_overlapping_suspensions_are_counted_once():
    one = _one("2026-04-28", 10, [("2026-05-01", "2026-05-11")])
    two = _one("2026-04-28", 10, [("2026-05-01", "2026-05-08"), ("2026-05-06", "2026-05-11")])
    assert one.deadline[0] == two.deadline[0]


def test_suspension_before_acceptance_does_not_move_the_deadline():
    assert str(_one("2026-04-28", 10, [("2026-04-01", "2026-04-28")]).deadline[0]) == "2026-05-14"


def test_elapsed_and_remaining_on_a_given_day():
    c = _one("2026-02-10", 20, until="2026-02-24")
    assert c.elapsed[0] == 5  # Feb 11, 12, 13, 14 (调休), 24
    assert c.remaining[0] == 15


# ---- the reference algorithm of §5.5, day by day ---------------------------------------------------------
def ref_deadline(accepted, n, susp):
    if n == 0:
        return accepted
    d, counted = accepted, 0
    while counted < n:
        d += dt.timedelta(days=1)
        if CAL.is_working_day(d) and not any(a <= d <= b for a, b in susp):
            counted += 1
    return d


def ref_elapsed(accepted, today, susp):
    n, d = 0, accepted
    while d < today:
        d += dt.timedelta(days=1)
        if CAL.is_working_day(d) and not any(a <= d <= b for a, b in susp):
            n += 1
    return n


dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 10, 31))


@settings(max_examples=150, deadline=None)
@given(
    accepted=dates,
    n=st.integers(0, 60),
    susp=st.lists(st.tuples(st.integers(-10, 80), st.integers(0, 20)), max_size=3),
    until=st.integers(0, 120),
)
def test_clocks_agree_with_the_reference_algorithm(accepted, n, susp, until):
    spans = [
        (accepted + dt.timedelta(days=s), accepted + dt.timedelta(days=s + length)) for s, length in susp
    ]
    today = accepted + dt.timedelta(days=until)
    c = _one(accepted, n, spans, until=today)
    assert c.deadline[0].astype(dt.date) == ref_deadline(accepted, n, spans)
    assert c.elapsed[0] == ref_elapsed(accepted, today, spans)


# ---- lights ---------------------------------------------------------------------------------------------------
def test_yellow_threshold_is_a_fifth_of_the_limit_but_at_least_two():
    assert list(engine.yellow_threshold([1, 5, 10, 11, 20, 60])) == [2, 2, 2, 3, 4, 12]


@pytest.mark.parametrize(
    ("remaining", "limit", "deadline", "today", "paused", "expected"),
    [
        (10, 20, "2026-03-16", "2026-02-24", False, "green"),
        (4, 20, "2026-03-16", "2026-03-10", False, "yellow"),
        (0, 20, "2026-03-16", "2026-03-16", False, "yellow"),  # the deadline day itself is not late yet
        (-1, 20, "2026-03-16", "2026-03-17", False, "red"),
        (0, 20, "2026-03-13", "2026-03-14", False, "red"),  # a weekend after the deadline: already late
        (8, 10, None, "2026-05-06", True, "grey"),
        (-2, 10, "2026-05-14", "2026-05-18", True, "red"),  # late before the pause stays late
        (0, 3, "2026-10-30", "2026-11-02", True, "grey"),  # notice on the last day: paused, not yet late
    ],
)
def test_lights(remaining, limit, deadline, today, paused, expected):
    got = engine.lights(
        [remaining], [limit], np.array([deadline or "NaT"], dtype="datetime64[D]"), today, paused=[paused]
    )
    assert got[0] == expected


def test_completed_items_show_done():
    got = engine.lights(
        [-3], [10], np.array(["2026-05-14"], dtype="datetime64[D]"), "2026-06-01", done=[True]
    )
    assert got[0] == "done"


# ---- state machines --------------------------------------------------------------------------------------------
ALL_ITEM_STATES = [
    "pending", "submitted", "pre_correction", "rejected", "in_review", "correction", "special",
    "completed", "verify_pending", "revoked", "returned", "withdrawn",
]  # fmt: skip


@pytest.mark.parametrize("action", ITEM.actions)
def test_every_item_transition_from_every_state(action):
    t = ITEM.get(action)
    for state in ALL_ITEM_STATES:
        if state in t.sources:
            assert ITEM.next(state, action) == t.to(state)
        else:
            with pytest.raises(IllegalTransition):
                ITEM.next(state, action)


def test_item_table_follows_the_spec():
    assert ITEM.next("pending", "submit") == "submitted"
    assert ITEM.next("submitted", "deem_accept") == "in_review"
    assert ITEM.next("in_review", "extend") == "in_review"  # recorded on the timeline, the state stays
    assert ITEM.next("verify_pending", "verify_rectify") == "verify_pending"
    assert ITEM.next("submitted", "commit") == "verify_pending"
    assert "deem_accept" not in [t.action for t in ITEM.buttons("submitted")]  # the system takes it


def test_commitment_only_for_commitment_items():
    with pytest.raises(IllegalTransition):
        ITEM.get("commit").guard(SimpleNamespace(mode="normal", state="in_review"))
    ITEM.get("commit").guard(SimpleNamespace(mode="commitment", state="in_review"))


def test_terminal_states_allow_nothing():
    for state in engine.ITEM_TERMINAL:
        for action in ITEM.actions:
            with pytest.raises(IllegalTransition):
                ITEM.next(state, action)


def _project(status, land_optional=False, before=""):
    return SimpleNamespace(
        status=status,
        status_before_pause=before,
        kind="expansion" if land_optional else "new",
        land_mode="",
        land_parcel_id=None,
    )


def _project_next(state, target, land_optional=False):
    obj = _project(state, land_optional)
    to = PROJECT.next(state, target, obj)
    if PROJECT.get(target).guard:
        PROJECT.get(target).guard(obj)
    return to


def test_project_lifecycle_moves_one_step_at_a_time():
    assert _project_next("registered", "signed") == "signed"
    with pytest.raises(IllegalTransition):
        _project_next("registered", "started")
    with pytest.raises(IllegalTransition):
        _project_next("signed", "started")
    assert _project_next("signed", "started", land_optional=True) == "started"
    with pytest.raises(IllegalTransition):
        _project_next("started", "signed")  # never backwards


def test_project_pause_resume_terminate():
    assert _project_next("started", "paused") == "paused"
    with pytest.raises(IllegalTransition):
        _project_next("paused", "paused")
    assert _project_next("paused", "terminated") == "terminated"
    assert PROJECT.next("paused", "resume", _project("paused", before="started")) == "started"
    for action in ["signed", "paused", "terminated", "resume"]:
        with pytest.raises(IllegalTransition):
            _project_next("terminated", action)
    with pytest.raises(IllegalTransition):
        _project_next("capacity", "terminated")


# ---- rates: the hand-worked examples of specs/metrics.md §3.2 ----------------------------------------------
def test_start_rate_63_planned_47_started():
    planned = np.array(["2024-03-15"] * 63, dtype="datetime64[D]")
    actual = np.array(
        ["2024-02-20"] * 20 + ["2024-06-01"] * 27 + ["NaT"] * 10 + ["2025-01-10"] * 6, dtype="datetime64[D]"
    )
    r = engine.milestone_rate(planned, actual, "2024-01-01", "2024-12-31")
    assert r.planned.sum() == 63
    assert r.achieved.sum() == 47
    assert engine.percent(r.achieved.sum(), r.planned.sum()) == engine.Decimal("74.6")


def test_production_rate_10_planned_7_in_production_and_unplanned_apart():
    planned = np.array(["2024-06-30"] * 10 + ["NaT"], dtype="datetime64[D]")
    actual = np.array(["2024-05-01"] * 7 + ["NaT"] * 3 + ["2024-09-09"], dtype="datetime64[D]")
    r = engine.milestone_rate(planned, actual, "2024-01-01", "2024-12-31")
    assert engine.percent(r.achieved.sum(), r.planned.sum()) == engine.Decimal("70.0")
    assert r.unplanned.sum() == 1


def test_annual_investment_completion_rate_hunan_2024():
    assert engine.percent(engine.Decimal("481.66"), engine.Decimal("468.08")) == engine.Decimal("102.9")


def test_rate_is_none_when_nothing_planned():
    assert engine.percent(3, 0) is None


def test_start_rate_hunan_2024_131_planned_112_started():
    assert engine.percent(112, 131) == engine.Decimal("85.5")


def test_elapsed_share_is_days_elapsed_over_days_of_the_year():
    assert engine.elapsed_share(2026, dt.date(2026, 6, 30)) == engine.Decimal(181) / 365
    assert engine.elapsed_share(2026, dt.date(2026, 7, 2)) == engine.Decimal(183) / 365
