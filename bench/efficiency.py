"""Time a year's evaluation (database → stored results) at N enterprises, against a naive per-row ORM loop.

    python bench/efficiency.py --enterprises 100000      (DATABASE_URL picks the database; default SQLite)

Targets: the run takes <= --target seconds (default 5) and is >= --speedup times faster (default 20) than
the loop. The loop does what a first implementation would: one ORM object per enterprise, its land through
the relation, Decimal arithmetic, one INSERT per result. Exits 1 on a miss.
"""

import argparse
import sys
import time
from decimal import Decimal

from _setup import django_ready, machine


def naive_run(year: int, user, limit: int | None) -> tuple[int, float]:
    """A per-row ORM evaluation of the default scheme (statuses, aggregate benchmarks, capped scores)."""
    from parkos.efficiency.engine import DEFAULT_SCHEME
    from parkos.efficiency.models import EvaluationResult, EvaluationRun
    from parkos.enterprises.models import AnnualIndicator

    t0 = time.perf_counter()
    run = EvaluationRun.objects.create(year=year, scheme=DEFAULT_SCHEME.to_dict(), created_by=user)
    rows = []
    qs = AnnualIndicator.objects.filter(year=year).select_related("enterprise").order_by("pk")
    for a in qs[:limit] if limit else qs:
        e = a.enterprise
        land = sum((p.area_mu for p in e.land_parcels.all() if p.tenure != "rented_out"), Decimal(0))
        div = int(e.industry_division or 0)
        rated = 6 <= div <= 46 and div not in (16, 44, 45, 46) and land > 0
        rows.append((a, e, land, rated))
    sums: dict[str, list[Decimal]] = {}
    inds = {True: DEFAULT_SCHEME.above, False: DEFAULT_SCHEME.below}

    def parts(a, land, code):
        num = {"tax": a.tax_paid, "va": a.value_added, "rd": a.rd_expense}[
            {"tax_per_mu": "tax", "tax_per_kwh": "tax"}.get(code, "rd" if code == "rd_ratio" else "va")
        ]
        den = {
            "tax_per_mu": land,
            "va_per_mu": land,
            "va_per_energy": a.energy_tce,
            "tax_per_kwh": a.electricity_10k_kwh,
            "va_per_emission": sum((x or 0 for x in (a.cod_t, a.ammonia_n_t, a.so2_t, a.nox_t)), Decimal(0)),
            "labour_productivity": a.employees,
            "rd_ratio": a.revenue,
        }[code]
        return max(num or Decimal(0), Decimal(0)), Decimal(den or 0)

    for a, e, land, rated in rows:
        if rated:
            for ind in inds[e.is_above_scale]:
                num, den = parts(a, land, ind.code)
                if den > 0:
                    s = sums.setdefault(f"{e.is_above_scale}{ind.code}", [Decimal(0), Decimal(0)])
                    s[0] += num
                    s[1] += den
    for a, e, land, rated in rows:
        total = Decimal(0)
        if rated:
            for ind in inds[e.is_above_scale]:
                num, den = parts(a, land, ind.code)
                s = sums.get(f"{e.is_above_scale}{ind.code}", [0, 0])
                bench = s[0] / s[1] if s[1] else 0
                if den > 0 and bench:
                    total += Decimal(ind.weight) * min(num / den / bench, Decimal(2))
        EvaluationResult.objects.create(
            run=run,
            enterprise=e,
            cohort="above" if e.is_above_scale else "below",
            status="rated" if rated else "not_evaluated",
            total=float(total),
            detail_json="[]",
        )
    return len(rows), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--target", type=float, default=5.0)
    ap.add_argument("--speedup", type=float, default=20.0)
    ap.add_argument(
        "--naive-rows", type=int, default=None, help="time the loop on this many rows and scale up"
    )
    args = ap.parse_args()
    db = django_ready("efficiency")
    from parkos.core.models import User
    from parkos.demo import demo_build
    from parkos.efficiency.services import evaluation_run

    t0 = time.perf_counter()
    demo_build(enterprises=args.enterprises, seed=5, months=0)
    print(f"database: {db}; machine: {machine()}")
    print(f"built {args.enterprises} enterprises in {time.perf_counter() - t0:.1f}s")
    user = User.objects.get(username="admin")
    year = 2025
    t0 = time.perf_counter()
    run = evaluation_run(user=user, year=year)
    t_run = time.perf_counter() - t0
    n = run.summary["total"]
    print(f"evaluation run: {n} enterprises ({run.summary['status_rated']} rated) in {t_run:.2f}s")
    rows, t_naive = naive_run(year, user, args.naive_rows)
    if rows < n:
        print(
            f"naive per-row ORM loop: {rows} rows in {t_naive:.2f}s, scaled to {n}: {t_naive * n / rows:.1f}s"
        )
        t_naive = t_naive * n / rows
    else:
        print(f"naive per-row ORM loop: {rows} rows in {t_naive:.2f}s")
    speedup = t_naive / t_run
    ok = t_run <= args.target and speedup >= args.speedup
    print(f"speed-up: {speedup:.1f}x")
    print(f"targets: run <= {args.target:.0f}s and >= {args.speedup:.0f}x: {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
