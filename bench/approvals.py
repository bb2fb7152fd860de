"""Deadlines and lights for many open approval items at once, with suspensions, over the zone calendar.

    python bench/approvals.py --items 100000          (target: <= 1 s for the clocks and lights)

Items are accepted on random days of the last four months with promised limits of 0-60 working days; about half have a
补正 suspension (a third of them still open) and some a second one (special procedures). The script times
`engine.clocks` + `engine.lights` (the work `parkos approvals refresh` does between reading and writing),
checks a sample against the day-by-day reference algorithm of specs/approvals.md §5.5, prints the figures
and exits 1 when the target is missed or a sample disagrees.
"""

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np
from _setup import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PARKOS_ENV", "development")


def reference(cal, accepted, n, susp, today):
    """specs/approvals.md §5.5, day by day; the deadline is None while an open suspension holds the clock."""

    def counts(d):
        return cal.is_working_day(d) and not any(a <= d <= (b or dt.date.max) for a, b in susp)

    open_from = min((a for a, b in susp if b is None), default=None)
    d, counted, deadline = accepted, 0, accepted
    while counted < n:
        d += dt.timedelta(days=1)
        if open_from is not None and d >= open_from:
            deadline = None
            break
        counted += counts(d)
        deadline = d
    elapsed, d = 0, accepted
    while d < today:
        d += dt.timedelta(days=1)
        elapsed += counts(d)
    return deadline, elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--target", type=float, default=1.0, help="seconds for clocks and lights")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--check", type=int, default=300, help="items checked against the reference algorithm")
    args = ap.parse_args()
    from parkos.core.workdays import WorkingCalendar
    from parkos.projects import engine

    print(f"machine: {machine()}; items: {args.items}")
    rng = np.random.default_rng(11)
    n = args.items
    today = np.datetime64("2026-11-27")
    accepted = today - rng.integers(0, 120, n).astype(
        "timedelta64[D]"
    )  # open items: accepted in recent months
    limit = rng.choice([0, 1, 3, 5, 7, 10, 15, 20, 30, 45, 60], n)
    owner = np.flatnonzero(rng.random(n) < 0.5)
    second = np.flatnonzero(rng.random(n) < 0.1)
    owners = np.concatenate([owner, second])
    s_start = accepted[owners] + rng.integers(1, 40, owners.size).astype("timedelta64[D]")
    s_end = s_start + rng.integers(0, 30, owners.size).astype("timedelta64[D]")
    s_end = np.where(rng.random(owners.size) < 0.33, np.datetime64("NaT"), s_end)
    paused = np.zeros(n, dtype=bool)
    paused[owners[np.isnat(s_end)]] = True
    cal = WorkingCalendar()
    days = cal.days_covering("2025-01-01", "2026-12-31", margin_years=2)

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        c = engine.clocks(days, accepted, limit, today, owners, s_start, s_end)
        light = engine.lights(c.remaining, limit, c.deadline, today, paused=paused)
        best = min(best, time.perf_counter() - t0)
    counts = {k: int((light == k).sum()) for k in ("green", "yellow", "red", "grey")}
    print(
        f"  clocks + lights for {n} items ({owners.size} suspensions): best of {args.repeat} {best * 1000:.1f} ms"
    )
    print(f"  lights: {counts}")

    bad = 0
    sample = rng.choice(n, size=min(args.check, n), replace=False)
    for i in sample.tolist():
        mine = owners == i
        susp = [
            (a.astype(dt.date), None if np.isnat(b) else b.astype(dt.date))
            for a, b in zip(s_start[mine], s_end[mine], strict=True)
        ]
        ref_deadline, ref_elapsed = reference(
            cal, accepted[i].astype(dt.date), int(limit[i]), susp, today.astype(dt.date)
        )
        got = None if np.isnat(c.deadline[i]) else c.deadline[i].astype(dt.date)
        if got != ref_deadline or ref_elapsed != int(c.elapsed[i]):
            bad += 1
    print(f"  reference check: {len(sample) - bad}/{len(sample)} items agree with specs/approvals.md §5.5")
    ok = best <= args.target and bad == 0
    print(f"target <= {args.target:.2f} s for {n} items: {'MET' if ok else 'MISSED'} ({best:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
