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
from decimal import Decimal

import numpy as np

# The clocks themselves are the kernel's (`core.clocks`); projects use them for approval items.
from parkos.core.clocks import FAR, NAT, Clocks, clocks  # noqa: E402,F401
from parkos.core.numbers import percent  # noqa: E402,F401  (rates in % with one decimal, half up)

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


# ---- item states (the transition table is projects.workflows.ITEM) -------------------------------------------
ITEM_OPEN = frozenset({"submitted", "pre_correction", "in_review", "correction", "special"})
ITEM_CLOCK_RUNNING = frozenset({"in_review", "correction", "special"})
ITEM_PAUSED = frozenset({"correction", "special"})
ITEM_TERMINAL = frozenset({"completed", "rejected", "returned", "withdrawn", "revoked"})


# ---- rates (specs/metrics.md §3.2) ------------------------------------------------------------------------


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
    "milestone_rate",
    "percent",
]
