"""Pure rules of 好差评: what a bad rating is and the rating and case metrics of specs/ratings.md §5 over level
counts. No Django here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from parkos.core.numbers import percent


# ---- ratings ---------------------------------------------------------------------------------------------------
def is_bad(level: int) -> bool:
    """差评 = 不满意 and 非常不满意 (spec §2)."""
    return level <= 2


@dataclass(frozen=True)
class RatingMetrics:
    n: int
    good_rate: float | None  # 好评率 (n5+n4+n3)/N, percent
    bad_rate: float | None  # 差评率 (n2+n1)/N
    satisfaction: float | None  # 满意度 Σ level·n / 5N × 100
    counts: tuple[int, int, int, int, int]  # n1..n5


def rating_metrics(levels: np.ndarray, strict: bool = False) -> RatingMetrics:
    """Over valid ratings (the caller leaves out appeal-upheld ones); `strict` counts only 5 and 4 as 好评."""
    levels = np.asarray(levels, dtype=int)
    counts = tuple(int((levels == k).sum()) for k in range(1, 6))
    n = int(levels.size)
    if not n:
        return RatingMetrics(0, None, None, None, counts)  # type: ignore[arg-type]
    good = counts[4] + counts[3] + (0 if strict else counts[2])
    return RatingMetrics(
        n=n,
        good_rate=rate(good, n),
        bad_rate=rate(counts[0] + counts[1], n),
        satisfaction=rate(int(levels.sum()), 5 * n),
        counts=counts,  # type: ignore[arg-type]
    )


def grouped_rating_metrics(
    groups: np.ndarray, levels: np.ndarray, strict: bool = False
) -> dict[object, RatingMetrics]:
    """rating_metrics for each group key (department, officer, category or month) in one pass per group."""
    out = {}
    groups = np.asarray(groups, dtype=object)
    levels = np.asarray(levels, dtype=int)
    for g in dict.fromkeys(groups.tolist()):
        out[g] = rating_metrics(levels[groups == g], strict=strict)
    return out


def rate(num: int, den: int) -> float | None:
    """A rate in % with two decimals, half up (the kernel's one helper); None for nothing to count."""
    value = percent(num, den, 2)
    return None if value is None else float(value)


@dataclass(frozen=True)
class CaseMetrics:
    cases: int  # 差评 cases in the period, appeal-upheld left out
    contacted: int
    closed: int  # closed after rectification or explanation
    due: int  # cases whose rectification deadline fell in the period
    on_time: int  # of those, closed (feedback sent) by the deadline
    followups: int
    followups_ok: int  # follow-up ratings ≥ 基本满意
    contact_rate: float | None  # 实名差评回访率
    close_rate: float | None  # 差评整改率
    on_time_rate: float | None  # 按期整改率
    followup_rate: float | None  # 整改满意率


def case_metrics(
    upheld: np.ndarray,
    contacted: np.ndarray,
    closed: np.ndarray,
    deadline: np.ndarray,
    feedback_on: np.ndarray,
    followup_levels: np.ndarray,
    period: tuple[dt.date, dt.date],
) -> CaseMetrics:
    """Case metrics of spec §5.

    - `upheld`, `contacted`, `closed`: per case of the period's ratings (appeal-upheld ones are left out);
    - `deadline`, `feedback_on`: per case that may fall due, whatever the year of its rating (datetime64[D], NaT
      when not (yet) there; appeal-upheld ones already left out by the caller): 按期整改率 takes those whose
      rectification deadline falls in the period and counts those whose feedback came by the deadline (a case
      re-opened after a dissatisfied follow-up has no feedback until it is rectified again);
    - `followup_levels`: every follow-up rating received (0 = none), earlier ones of re-opened cases included.
    """
    keep = ~np.asarray(upheld, dtype=bool)
    contacted, closed = np.asarray(contacted, bool)[keep], np.asarray(closed, bool)[keep]
    deadline = np.asarray(deadline, "datetime64[D]")
    feedback_on = np.asarray(feedback_on, "datetime64[D]")
    fl = np.asarray(followup_levels, int)
    a, b = np.datetime64(period[0], "D"), np.datetime64(period[1], "D")
    due = ~np.isnat(deadline) & (deadline >= a) & (deadline <= b)
    on_time = due & ~np.isnat(feedback_on) & (feedback_on <= deadline)
    n = int(keep.sum())
    fu = fl > 0
    return CaseMetrics(
        cases=n,
        contacted=int(contacted.sum()),
        closed=int(closed.sum()),
        due=int(due.sum()),
        on_time=int(on_time.sum()),
        followups=int(fu.sum()),
        followups_ok=int((fl >= 3).sum()),
        contact_rate=rate(int(contacted.sum()), n),
        close_rate=rate(int(closed.sum()), n),
        on_time_rate=rate(int(on_time.sum()), int(due.sum())),
        followup_rate=rate(int((fl >= 3).sum()), int(fu.sum())),
    )
