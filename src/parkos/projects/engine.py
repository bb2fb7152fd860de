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
from parkos.core.numbers import percent, round_half_up  # noqa: E402,F401  (rates in % with one decimal, half up)
from parkos.core.periods import elapsed_share  # noqa: E402,F401  (时序进度: one place, the kernel's periods)

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
    """Per project (bool arrays): the rate is achieved / planned."""

    planned: np.ndarray  # planned to reach the milestone from the period's start to its cut, not terminated
    achieved: np.ndarray  # of those, reached it by the cut (early ones included)
    unplanned: np.ndarray  # reached it between the start and the cut with no plan in the period (计划外)
    terminated: np.ndarray  # planned to the cut but terminated by it: out of the rate, listed apart
    planned_period: np.ndarray  # planned anywhere in the whole period and not terminated by the cut


def _day(value) -> np.datetime64:
    return np.datetime64(value, "D")


def milestone_rate(
    planned_on, actual_on, period_start, period_end, *, as_of=None, terminated_on=None
) -> MilestoneRate:
    """开工率 / 投产率 / 达产率 (docs/design.md, "Project rates"). The period is counted to its cut: its end, or
    the as-of date while it runs. The denominator is the projects planned to reach the milestone from the start
    to the cut, less those terminated by the cut (a recorded termination: they are listed apart), paused ones
    included; the numerator is those of them that reached it by the cut, early ones included. A project that
    reached it inside the counted part of the period with no plan anywhere in the period is 计划外, apart."""
    planned_on = np.asarray(planned_on, dtype="datetime64[D]")
    actual_on = np.asarray(actual_on, dtype="datetime64[D]")
    ps, pe = _day(period_start), _day(period_end)
    cut = pe if as_of is None else min(pe, _day(as_of))
    if terminated_on is None:
        gone = np.zeros(planned_on.shape, dtype=bool)
    else:
        t = np.asarray(terminated_on, dtype="datetime64[D]")
        gone = ~np.isnat(t) & (t <= cut)
    has_plan = ~np.isnat(planned_on)
    in_period = has_plan & (planned_on >= ps) & (planned_on <= pe)
    due = has_plan & (planned_on >= ps) & (planned_on <= cut)
    planned = due & ~gone
    reached = ~np.isnat(actual_on) & (actual_on <= cut)
    achieved = planned & reached
    unplanned = ~in_period & reached & (actual_on >= ps)
    return MilestoneRate(planned, achieved, unplanned, due & gone, in_period & ~gone)


def pace_gap(done, planned, share: Decimal) -> Decimal | None:
    """时序进度差 in percentage points: done ÷ planned × 100 − share × 100, from the unrounded values, rounded
    half up once to one decimal; None without a plan."""
    if planned is None or done is None or Decimal(str(planned)) == 0:
        return None
    gap = Decimal(str(done)) * 100 / Decimal(str(planned)) - share * 100
    return round_half_up(gap, 1)


@dataclass(frozen=True)
class CountRate:
    """A rate of projects: `achieved` ⊆ `counted` (bool per project)."""

    counted: np.ndarray
    achieved: np.ndarray


def _dates(c: dict, name: str) -> np.ndarray:
    return np.asarray(c[name], dtype="datetime64[D]")


def _by(d: np.ndarray, day: np.datetime64) -> np.ndarray:
    return ~np.isnat(d) & (d <= day)


def _within(d: np.ndarray, lo: np.datetime64, hi: np.datetime64) -> np.ndarray:
    return ~np.isnat(d) & (d >= lo) & (d <= hi)


def catalogue_counts(c: dict, period_start, cut) -> dict[str, CountRate]:
    """The project-count rates of specs/metrics.md §3.2 beyond the milestone rates, counted from the period's start
    to its cut, terminated projects (by the cut) out of every denominator. `c` holds datetime64 columns
    `planned_<kind>`/`actual_<kind>` for signed, started, completed, production and capacity, `terminated_on`,
    `registered_on`, `approved_on`, `agreed_start_on`, `resumed_on`, and the bool column `continuing` (续建 in the
    year's plan).

    开复工率   (new starts + continuing projects resumed) ÷ (planned new starts + continuing projects)
    投产率(统计) projects put into production in the period ÷ projects under construction in it (started by the cut
               and not in production before the period: NBS 建设项目投产率)
    投产达产率  projects in production and at capacity ÷ projects due at capacity
    竣工投产率  projects completed and in production ÷ projects planned to complete
    立项转化率  projects with 立项 in the period ÷ the pipeline (in the library, no 立项 before the period)
    签约项目履约率 signed projects that started ÷ signed projects whose agreed start date fell in the period"""
    ps, cut = _day(period_start), _day(cut)
    live = ~_by(_dates(c, "terminated_on"), cut)
    continuing = np.asarray(c["continuing"], dtype=bool) & live
    started = _by(_dates(c, "actual_started"), cut)
    production = _by(_dates(c, "actual_production"), cut)
    new_starts = _within(_dates(c, "planned_started"), ps, cut) & live & ~continuing
    resumed = continuing & _by(_dates(c, "resumed_on"), cut)
    out = {
        "start_resume": CountRate(new_starts | continuing, (new_starts & started) | resumed),
    }
    before = _dates(c, "actual_production")
    building = started & (np.isnat(before) | (before >= ps)) & live
    out["production_nbs"] = CountRate(building, building & _within(before, ps, cut))
    due = _within(_dates(c, "planned_capacity"), ps, cut) & live
    out["production_capacity"] = CountRate(due, due & production & _by(_dates(c, "actual_capacity"), cut))
    to_complete = _within(_dates(c, "planned_completed"), ps, cut) & live
    out["completion_production"] = CountRate(
        to_complete, to_complete & _by(_dates(c, "actual_completed"), cut) & production
    )
    approved = _dates(c, "approved_on")
    pipeline = _by(_dates(c, "registered_on"), cut) & (np.isnat(approved) | (approved >= ps)) & live
    out["approval"] = CountRate(pipeline, pipeline & _within(approved, ps, cut))
    agreed = _within(_dates(c, "agreed_start_on"), ps, cut) & _by(_dates(c, "actual_signed"), cut) & live
    out["performance"] = CountRate(agreed, agreed & started)
    return out


def capacity_met(output: np.ndarray, design, *, threshold: float = 0.8, window: int = 3) -> np.ndarray:
    """§3.1's 达产 rule per project: output value over the last `window` months (every one of them reported; a
    row of `output` holds them, NaN where missing) ≥ `threshold` × the design output for as many months
    (design ÷ 12 × window)."""
    out = np.asarray(output, dtype=float).reshape(len(np.atleast_1d(design)), -1)[:, -window:]
    design = np.asarray(design, dtype=float)
    complete = (out.shape[1] == window) & ~np.isnan(out).any(axis=1)
    need = threshold * design / 12.0 * window
    with np.errstate(invalid="ignore"):
        return complete & (design > 0) & (np.nan_to_num(out).sum(axis=1) >= need - 1e-9)


def months_between(start: dt.date, cut: dt.date) -> int:
    """Calendar months from `start`'s month to `cut`'s, both included (0 when the cut is before the start)."""
    n = (cut.year - start.year) * 12 + cut.month - start.month + 1
    return max(n, 0)


__all__ = [
    "Clocks",
    "clocks",
    "lights",
    "yellow_threshold",
    "milestone_rate",
    "elapsed_share",
    "pace_gap",
    "catalogue_counts",
    "capacity_met",
    "percent",
]
