"""Match 200 policy clauses against every enterprise of a demo zone.

    python bench/policy_match.py --enterprises 100000 --clauses 200      (target: <= 5 s; DATABASE_URL picks the database)

The zone is the demo's (flags, parks, three years of annual indicators). Clauses are generated from the rule format
with 1–5 conditions each (flags, 专精特新 level, industry prefix, park, age, indicators of the year or the year before,
R&D intensity, revenue growth, nested any/not) and a fixed or rate support. The timed part is what matching does
before it stores anything: reading the columns the clauses need from the database, evaluating every clause over
them (three-valued) and computing the support amounts. Storing the eligible pairs is timed and printed too. A sample
of (clause, enterprise) pairs is checked against the one-enterprise explanation. Exits 1 when the target is missed
or a sample disagrees.
"""

import argparse
import sys
import time

import numpy as np
from _setup import django_ready, machine


def random_rule(rng, depth=0):
    from parkos.policies import engine

    leaves = [
        lambda: {
            "field": str(
                rng.choice(["is_high_tech", "is_above_scale", "is_foreign_funded", "is_listing_reserve"])
            ),
            "op": "eq",
            "value": bool(rng.random() < 0.7),
        },
        lambda: {
            "field": "srdi_level",
            "op": "in",
            "value": [
                str(x)
                for x in rng.choice(["province", "little_giant"], size=int(rng.integers(1, 3)), replace=False)
            ],
        },
        lambda: {
            "field": "industry_code",
            "op": "prefix",
            "value": str(rng.choice(["35", "36", "39", "26", "65"])),
        },
        lambda: {
            "field": "park",
            "op": "in",
            "value": [
                str(x) for x in rng.choice(["XS", "HH", "LK", "LST", "LL", "QC"], size=2, replace=False)
            ],
        },
        lambda: {"field": "age_years", "op": "between", "value": [1, int(rng.integers(3, 15))]},
        lambda: {
            "field": str(rng.choice(["revenue", "rd_expense", "tax_paid", "employees"])),
            "op": "gte",
            "value": int(rng.choice([50, 200, 1000, 5000])),
            "year": int(rng.choice([0, -1])),
        },
        lambda: {"field": "rd_intensity", "op": "gte", "value": float(rng.choice([1, 3, 5]))},
        lambda: {"field": "revenue_growth", "op": "gte", "value": float(rng.choice([0, 10, 20]))},
    ]
    k = int(rng.integers(1, 5))
    parts = [leaves[int(rng.integers(len(leaves)))]() for _ in range(k)]
    if depth == 0 and rng.random() < 0.3:
        parts.append({"any": [random_rule(rng, 1), {"not": leaves[0]()}]})
    rule = parts[0] if len(parts) == 1 else {"all": parts}
    engine.validate(rule)
    return rule


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--clauses", type=int, default=200)
    ap.add_argument(
        "--target", type=float, default=5.0, help="seconds to read, evaluate and price every clause"
    )
    ap.add_argument("--check", type=int, default=200, help="(clause, enterprise) pairs checked one by one")
    args = ap.parse_args()
    db = django_ready("policy")
    import datetime as dt

    from django.utils import timezone

    from parkos.core.models import Department, User
    from parkos.demo import demo_build
    from parkos.policies import engine, selectors, services
    from parkos.policies.models import Clause, Eligibility, Policy

    t0 = time.perf_counter()
    demo_build(enterprises=args.enterprises, seed=5, months=0)
    print(f"database: {db}; machine: {machine()}")
    print(f"built {args.enterprises} enterprises in {time.perf_counter() - t0:.1f}s")
    rng = np.random.default_rng(9)
    dept = Department.objects.get(code="KJJ")
    policy = Policy.objects.create(
        title="基准测试政策", issuer="管委会", valid_from=dt.date(2020, 1, 1), department=dept
    )
    clauses = []
    for k in range(args.clauses):
        support = (
            {"type": "fixed", "amount": 20}
            if k % 2
            else {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50}
        )
        clauses.append(
            Clause(
                policy=policy,
                number=f"第{k + 1}条",
                title=f"条款{k + 1}",
                rule=random_rule(rng),
                support=support,
            )
        )
    Clause.objects.bulk_create(clauses)
    clauses = list(Clause.objects.filter(policy=policy))
    year = selectors.latest_year()

    t0 = time.perf_counter()
    need = engine.columns_needed([c.rule for c in clauses], [c.support for c in clauses])
    ids, table = selectors.build_table(year, need)
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    status = np.stack([engine.evaluate(c.rule, table) for c in clauses])
    amounts = np.stack([engine.support_amount(c.support, table) for c in clauses])
    t_eval = time.perf_counter() - t1
    elapsed = time.perf_counter() - t0
    eligible, unknown = int((status == engine.MET).sum()), int((status == engine.UNKNOWN).sum())
    print(
        f"  read {len(need)} columns for {len(ids)} enterprises: {t_read:.2f} s; evaluate and price {len(clauses)} clauses: {t_eval:.2f} s"
    )
    print(
        f"  {eligible} eligible and {unknown} to-check pairs; amounts priced: {int(np.isfinite(amounts).sum())}"
    )

    bad = 0
    for _ in range(args.check):
        c, i = int(rng.integers(len(clauses))), int(rng.integers(len(ids)))
        one = selectors.explain_for(clause=clauses[c], enterprise_id=ids[i], year=year)
        want = {engine.MET: "eligible", engine.NOT_MET: "not_eligible", engine.UNKNOWN: "unknown"}[
            int(status[c, i])
        ]
        bad += one["status"] != want
    print(f"  one-by-one check: {args.check - bad}/{args.check} pairs agree")

    t2 = time.perf_counter()
    counts = services.match_all(year=year)
    print(
        f"  (storing: match_all wrote {Eligibility.objects.count()} pairs in {time.perf_counter() - t2:.1f} s; {counts['new']} to notify)"
    )
    ok = elapsed <= args.target and bad == 0
    print(
        f"target <= {args.target:.1f} s for {len(clauses)} clauses x {len(ids)} enterprises: {'MET' if ok else 'MISSED'} ({elapsed:.2f} s)"
    )
    del timezone, User
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
