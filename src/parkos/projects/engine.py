"""Pure computation for key projects and approvals: the working-day clocks, the lights, the state machines
and the project rates. No Django here: inputs are numpy arrays and plain values.

Clocks (specs/approvals.md §5). The day the clock starts (受理) is day 0; the deadline of an n-working-day
limit is the n-th working day after it that is not inside a suspension. A suspension covers the days
from the day after its notice to the day the materials arrive, inclusive. Everything is counted as indexes
into the sorted array of working days, so 100,000 items cost a handful of `searchsorted` calls and one pass
per suspension ordinal (an item rarely has more than two or three), never a walk day by day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

NAT = np.datetime64("NaT", "D")
FAR = np.datetime64("9999-12-31", "D")  # the end of a suspension still open


@dataclass(frozen=True)
class Clocks:
    """Per item: deadline (NaT while the clock is paused by an open suspension), working days elapsed up to
    `until`, remaining (limit − elapsed), and suspended working days after the start."""

    deadline: np.ndarray
    elapsed: np.ndarray
    remaining: np.ndarray
    suspended: np.ndarray


def _merge(owner: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Merge overlapping half-open index ranges [lo, hi) per owner; returns sorted (owner, lo, hi, ordinal)."""
    keep = hi > lo
    owner, lo, hi = owner[keep], lo[keep], hi[keep]
    if owner.size == 0:
        return owner, lo, hi, owner.copy()
    order = np.lexsort((lo, owner))
    owner, lo, hi = owner[order], lo[order], hi[order]
    # running maximum of hi inside each owner's group: offset each group so groups never mix
    span = int(hi.max()) + 1
    run = np.maximum.accumulate(hi + owner.astype(np.int64) * span) - owner.astype(np.int64) * span
    prev_run = np.empty_like(run)
    prev_run[0] = -1
    prev_run[1:] = run[:-1]
    first_of_owner = np.ones(owner.size, dtype=bool)
    first_of_owner[1:] = owner[1:] != owner[:-1]
    starts = first_of_owner | (lo > prev_run)
    m_owner = owner[starts]
    m_lo = lo[starts]
    m_hi = np.maximum.reduceat(hi, np.flatnonzero(starts))
    first = np.ones(m_owner.size, dtype=bool)
    first[1:] = m_owner[1:] != m_owner[:-1]
    idx = np.arange(m_owner.size)
    group_start = np.maximum.accumulate(np.where(first, idx, 0))
    return m_owner, m_lo, m_hi, idx - group_start


def clocks(
    workdays: np.ndarray,
    start,
    limit,
    until,
    susp_owner=None,
    susp_start=None,
    susp_end=None,
) -> Clocks:
    """Deadlines and elapsed working days for many clocks at once.

    `workdays` is the sorted array of working days (datetime64[D]) covering every date involved.
    `start` (day 0), `limit` (working days, extensions included) and `until` (usually today, or the day the
    item was completed) are per clock. Suspensions are rows (owner index, first day, last day inclusive;
    NaT last day = still open).
    """
    start = np.atleast_1d(np.asarray(start, dtype="datetime64[D]"))
    n = start.size
    limit = np.broadcast_to(np.asarray(limit, dtype=np.int64), (n,))
    until = np.broadcast_to(np.asarray(until, dtype="datetime64[D]"), (n,))
    total = workdays.size
    a = np.searchsorted(workdays, start, side="right")  # index of the first working day after day 0
    u = np.searchsorted(workdays, until, side="right")  # working days up to and including `until`

    if susp_owner is None or len(susp_owner) == 0:
        owner = np.array([], dtype=np.int64)
        lo = hi = owner
    else:
        owner = np.asarray(susp_owner, dtype=np.int64)
        s_start = np.asarray(susp_start, dtype="datetime64[D]")
        s_end = np.asarray(susp_end, dtype="datetime64[D]")
        s_end = np.where(np.isnat(s_end), FAR, s_end)
        lo = np.searchsorted(workdays, s_start, side="left")
        hi = np.where(s_end >= FAR, total * 4 + 10, np.searchsorted(workdays, s_end, side="right"))
        lo = np.maximum(lo, a[owner])  # days before the clock started do not matter
    owner, lo, hi, ordinal = _merge(owner, lo, hi)

    # deadline: the target index moves past every suspension that begins at or before it
    t = a + limit - 1
    for k in range(int(ordinal.max()) + 1 if ordinal.size else 0):
        sel = ordinal == k
        o, l_, h = owner[sel], lo[sel], hi[sel]
        hit = l_ <= t[o]
        t[o[hit]] += (h - l_)[hit]
    deadline = np.where(t < total, workdays[np.clip(t, 0, total - 1)], NAT)
    deadline = np.where(limit <= 0, start, deadline)  # 即办: due the day it is accepted
    if total and (t[limit > 0] >= total).any():
        # ran off the calendar: either an open suspension (NaT is right) or a calendar too short
        open_owner = np.zeros(n, dtype=bool)
        open_owner[owner[hi > total]] = True
        if (~open_owner & (t >= total) & (limit > 0)).any():
            raise ValueError("the working-day calendar does not reach the deadline; widen it")

    # elapsed: working days in (start, until] minus suspended ones inside that span
    span = np.maximum(u - a, 0)
    if owner.size:
        inside = np.clip(np.minimum(hi, u[owner]) - lo, 0, None)
        cut = np.bincount(owner, weights=inside, minlength=n).astype(np.int64)
        suspended = cut
    else:
        suspended = np.zeros(n, dtype=np.int64)
    elapsed = span - suspended
    return Clocks(deadline=deadline, elapsed=elapsed, remaining=limit - elapsed, suspended=suspended)


# ---- lights (specs/approvals.md §8.3) ---------------------------------------------------------------------
GREEN, YELLOW, RED, GREY, DONE = "green", "yellow", "red", "grey", "done"


def yellow_threshold(limit, *, ratio: float = 0.2, minimum: int = 2):
    """Remaining working days at or below which a clock turns yellow: max(1, ⌈ratio × limit⌉) or `minimum`,
    whichever is larger."""
    lim = np.asarray(limit, dtype=np.float64)
    return np.maximum(np.maximum(1, np.ceil(np.round(ratio * lim, 9))), minimum).astype(np.int64)


def lights(
    remaining,
    limit,
    deadline,
    today,
    *,
    paused=None,
    done=None,
    ratio: float = 0.2,
    minimum: int = 2,
) -> np.ndarray:
    """The light of each clock: done, grey (paused), red (past the deadline), yellow (near it) or green."""
    remaining = np.atleast_1d(np.asarray(remaining, dtype=np.int64))
    n = remaining.size
    deadline = np.broadcast_to(np.asarray(deadline, dtype="datetime64[D]"), (n,))
    today = np.datetime64(today, "D")
    paused = np.zeros(n, dtype=bool) if paused is None else np.asarray(paused, dtype=bool)
    done = np.zeros(n, dtype=bool) if done is None else np.asarray(done, dtype=bool)
    late = (~np.isnat(deadline) & (today > deadline)) | (np.isnat(deadline) & (remaining < 0))
    late = np.where(paused, remaining < 0, late)  # paused with days left (or none): grey, not late yet
    near = remaining <= yellow_threshold(limit, ratio=ratio, minimum=minimum)
    out = np.where(near, YELLOW, GREEN).astype(object)
    out = np.where(late, RED, out)
    out = np.where(paused & ~late, GREY, out)
    return np.where(done, DONE, out)


# ---- state machines ---------------------------------------------------------------------------------------
class IllegalTransition(ValueError):
    def __init__(self, action: str, state: str):
        super().__init__(f"{action} is not allowed from {state}")
        self.action, self.state = action, state


# Approval item (specs/approvals.md §8.2): action → (states it may start from, state it leads to).
ITEM_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"pending"}), "submitted"),
    "accept": (frozenset({"submitted", "pre_correction"}), "in_review"),
    "deem_accept": (frozenset({"submitted"}), "in_review"),
    "pre_correct": (frozenset({"submitted"}), "pre_correction"),
    "reject_intake": (frozenset({"submitted", "pre_correction"}), "rejected"),
    "request_correction": (frozenset({"in_review"}), "correction"),
    "receive_materials": (frozenset({"correction"}), "in_review"),
    "correction_timeout": (frozenset({"correction"}), "returned"),
    "start_special": (frozenset({"in_review"}), "special"),
    "end_special": (frozenset({"special"}), "in_review"),
    "extend": (frozenset({"in_review"}), "in_review"),
    "approve": (frozenset({"in_review"}), "completed"),
    "deny": (frozenset({"in_review"}), "completed"),
    "commit": (frozenset({"in_review", "submitted"}), "verify_pending"),
    "verify_pass": (frozenset({"verify_pending"}), "completed"),
    "verify_rectify": (frozenset({"verify_pending"}), "verify_pending"),
    "verify_fail": (frozenset({"verify_pending"}), "revoked"),
    "return": (frozenset({"in_review", "correction"}), "returned"),
    "withdraw": (
        frozenset({"pending", "submitted", "pre_correction", "in_review", "correction"}),
        "withdrawn",
    ),
}
ITEM_OPEN = frozenset({"submitted", "pre_correction", "in_review", "correction", "special"})
ITEM_CLOCK_RUNNING = frozenset({"in_review", "correction", "special"})
ITEM_PAUSED = frozenset({"correction", "special"})
ITEM_TERMINAL = frozenset({"completed", "rejected", "returned", "withdrawn", "revoked"})


def item_next(state: str, action: str, *, mode: str = "normal") -> str:
    """The state an approval item moves to, or IllegalTransition."""
    if action not in ITEM_TRANSITIONS:
        raise IllegalTransition(action, state)
    sources, target = ITEM_TRANSITIONS[action]
    if state not in sources:
        raise IllegalTransition(action, state)
    if action == "commit" and mode != "commitment":
        raise IllegalTransition(action, state)
    return target


# Project lifecycle: 入库 → 签约 → 供地 → 开工 → 竣工 → 投产 → 达产, with 暂停 and 终止.
LIFECYCLE = ["registered", "signed", "land", "started", "completed", "production", "capacity"]


def project_next(state: str, target: str, *, land_optional: bool = False) -> str:
    """Check a lifecycle move: forward one step (供地 may be skipped when the project needs no new land),
    pause from an active state, resume, terminate from anything but an end state."""
    if state in {"terminated", "capacity"}:
        raise IllegalTransition(target, state)
    if target == "terminated":
        return target
    if target == "paused":
        if state == "paused":
            raise IllegalTransition(target, state)
        return target
    if state == "paused" or target not in LIFECYCLE:
        raise IllegalTransition(target, state)
    i, j = LIFECYCLE.index(state), LIFECYCLE.index(target)
    if j == i + 1 or (land_optional and state == "signed" and target == "started"):
        return target
    raise IllegalTransition(target, state)


# ---- rates (specs/metrics.md §3.2) ------------------------------------------------------------------------
def percent(numerator, denominator) -> Decimal | None:
    """A rate in % with one decimal (half up), None when nothing was planned."""
    if not denominator:
        return None
    value = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MilestoneRate:
    planned: np.ndarray  # bool per project: planned to reach the milestone in the period
    achieved: np.ndarray  # bool per project: of those, reached it by the end of the period
    unplanned: np.ndarray  # bool per project: reached it in the period without a plan for the period


def milestone_rate(planned_on, actual_on, period_start, period_end) -> MilestoneRate:
    """开工率 / 投产率 / 达产率: projects planned to reach a milestone in the period, and how many of them did
    (by the period's end). A project that reached it early counts as achieved; one that reached it inside the
    period without being planned for it is reported separately and is not in the rate."""
    planned_on = np.asarray(planned_on, dtype="datetime64[D]")
    actual_on = np.asarray(actual_on, dtype="datetime64[D]")
    ps, pe = np.datetime64(period_start, "D"), np.datetime64(period_end, "D")
    planned = ~np.isnat(planned_on) & (planned_on >= ps) & (planned_on <= pe)
    done = ~np.isnat(actual_on) & (actual_on <= pe)
    achieved = planned & done
    unplanned = ~planned & ~np.isnat(actual_on) & (actual_on >= ps) & (actual_on <= pe)
    return MilestoneRate(planned, achieved, unplanned)


def elapsed_share(period_end: dt.date, today: dt.date) -> Decimal:
    """Share of the year elapsed for 时序进度差: months / 12 at the end of a past period; for a period still
    running, days elapsed / days in the year as of today."""
    if period_end < today:
        return Decimal(period_end.month) / Decimal(12)
    start = dt.date(today.year, 1, 1)
    days = (dt.date(today.year + 1, 1, 1) - start).days
    return Decimal((today - start).days + 1) / Decimal(days)


__all__ = [
    "Clocks",
    "clocks",
    "lights",
    "yellow_threshold",
    "item_next",
    "project_next",
    "IllegalTransition",
    "milestone_rate",
    "percent",
]
