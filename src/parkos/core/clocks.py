"""Working-day clocks with pauses, for many items at once (the kernel's part of every deadline).

The day a clock starts is day 0; the deadline of an n-working-day limit is the n-th working day after it that
is not inside a pause. A pause covers the days from the day after its notice to the day it ends, inclusive.
Everything is counted as indexes into the sorted array of working days, so 100,000 items cost a handful of
`searchsorted` calls and one pass per pause ordinal, never a walk day by day. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def step_light(remaining_wd: int | None, limit_wd: int, done: bool = False) -> str:
    """The three-colour rule of approvals.md §8.3 for a step: red past the deadline, yellow within
    max(⌈20 % of the limit⌉, 2) working days of it, else green; done when finished."""
    if done:
        return "done"
    if remaining_wd is None:
        return "grey"
    if remaining_wd < 0:
        return "red"
    if remaining_wd <= max(-(-limit_wd * 20 // 100), 2):
        return "yellow"
    return "green"
