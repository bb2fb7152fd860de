"""Parse the seed 工作要点 many times and print the mean.

    python bench/workplan_parse.py --repeat 1000        (target: mean <= 50 ms)

Exits 1 when the target is missed or the parse contract does not hold (5 chapters, 24 points).
"""

import argparse
import statistics
import sys
import time

from _setup import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))
SEED = ROOT / "src" / "parkos" / "workplan" / "data" / "changsha-etdz-2020-work-points.txt"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1000)
    ap.add_argument("--target", type=float, default=50.0, help="mean milliseconds per parse")
    args = ap.parse_args()
    from parkos.workplan.engine import parse

    text = SEED.read_text(encoding="utf-8")
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = parse(text)
        times.append((time.perf_counter() - t0) * 1000)
    chapters, points = len(result.items), sum(len(c.children) for c in result.items)
    mean = statistics.fmean(times)
    print(f"machine: {machine()}; document: {len(text)} characters, {chapters} chapters, {points} points")
    print(f"  {args.repeat} parses: mean {mean:.2f} ms, p95 {statistics.quantiles(times, n=20)[-1]:.2f} ms")
    ok = mean <= args.target and (chapters, points) == (5, 24)
    print(f"target mean <= {args.target:.0f} ms: {'MET' if ok else 'MISSED'} ({mean:.2f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
