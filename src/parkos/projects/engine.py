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
