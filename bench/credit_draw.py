"""The 双随机 draw (SR-1) and the effective credit class at zone scale.

    python bench/credit_draw.py --objects 100000 --inspectors 500 --records 1000000
        (targets: draw <= 2 s; effective class for every enterprise <= 5 s)

The object pool has a class mix like the one SAMR reports nationally (most firms A, a few C/D, some without a
class); 500 inspectors in 5 departments with a load already held, ~1 % of objects with a declared conflict,
and teams of two under a maximum load that the sample can use up. The draw is timed from the frozen inputs:
snapshot hashes, seed, object draw and team assignment. The effective class takes 1,000,000 credit records
(SAMR classes, sector grades, list entries; some ended by repair or past their window) for 100,000
enterprises and computes each one's class in force today over columns, as the nightly refresh does.
Prints the figures and exits 1 when a target is missed.
"""

import argparse
import datetime as dt
import sys
import time

import numpy as np
from _setup import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--inspectors", type=int, default=500)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--draw-target", type=float, default=2.0, help="seconds")
    ap.add_argument("--class-target", type=float, default=5.0, help="seconds")
    ap.add_argument("--no-db", action="store_true", help="skip the database run of the effective class")
    args = ap.parse_args()
    from stdnum.cn import uscc as stdnum_uscc

    from parkos.credit import engine

    def make_uscc(serial: int) -> str:  # the check characters are all that matters here
        base = f"9143012{serial:010d}"[:17]
        return base + stdnum_uscc.calc_check_digit(base)

    print(
        f"machine: {machine()}; objects: {args.objects}; inspectors: {args.inspectors}; records: {args.records}"
    )
    rng = np.random.default_rng(17)
    usccs = [make_uscc(1_000_000 + k) for k in range(args.objects)]
    mix = rng.choice(5, size=args.objects, p=[0.78, 0.15, 0.03, 0.01, 0.03])
    pool = [(u, engine.CLASSES[c]) for u, c in zip(usccs, mix.tolist(), strict=True)]
    depts = ["市场监管局", "生态环境分局", "应急管理局", "住建局", "税务所"]
    inspectors = [
        engine.Inspector(f"JC{k:04d}", depts[k % 5], load=int(rng.integers(0, 3)))
        for k in range(args.inspectors)
    ]
    conflicted = rng.choice(args.objects, size=args.objects // 100, replace=False)
    conflicts = {(inspectors[int(rng.integers(args.inspectors))].id, usccs[i]) for i in conflicted.tolist()}
    config = engine.DrawConfig(max_load=40)

    t0 = time.perf_counter()
    pool_hash = engine.sha256_hex(engine.pool_bytes(pool))
    ins_hash = engine.sha256_hex(engine.inspector_bytes(inspectors))
    conflict_hash = engine.sha256_hex(engine.conflict_bytes(conflicts))
    config_hash = engine.sha256_hex(config.canonical().encode())
    seed = engine.seed_of("2026-SJ-001", pool_hash, ins_hash, config_hash, "witness 4711|reveal abcdef")
    result = engine.draw(pool, seed, config, inspectors, conflicts)
    digest = result.output_hash()
    t_draw = time.perf_counter() - t0
    strata = " ".join(f"{c} {N}/{n}" for c, (N, n) in result.strata.items())
    print(
        f"  draw: {t_draw:.2f} s — strata (N/n) {strata}; sample {len(result.sample)}, teams "
        f"{len(result.assignments)}, manual {len(result.manual)}; conflicts {len(conflict_hash) and len(conflicts)}; "
        f"output {digest[:12]}…"
    )

    # effective class: 1M records for 100k enterprises, in force today
    n_ent = args.objects
    n = args.records
    owner = rng.integers(0, n_ent, size=n)
    risk = rng.choice(4, size=n, p=[0.55, 0.35, 0.07, 0.03]).astype(np.int8)
    today = np.datetime64(dt.date(2026, 12, 7), "D")
    decided = today - rng.integers(0, 1500, size=n).astype("timedelta64[D]")
    until = np.where(rng.random(n) < 0.4, decided + np.timedelta64(365, "D"), np.datetime64("NaT", "D"))
    ended = np.where(rng.random(n) < 0.05, decided + np.timedelta64(100, "D"), np.datetime64("NaT", "D"))
    t0 = time.perf_counter()
    live = engine.in_force(today, decided, until, ended)
    classes = engine.max_risk(n_ent, owner[live], risk[live])
    t_class = time.perf_counter() - t0
    counts = np.bincount(classes, minlength=4)
    print(
        f"  effective class of {n_ent} enterprises from {n} records ({int(live.sum())} in force): {t_class:.2f} s"
        f" — A {counts[0]} B {counts[1]} C {counts[2]} D {counts[3]}"
    )
    if not args.no_db:
        t_class = max(t_class, _database_run(args, rng, make_uscc))
    ok = t_draw <= args.draw_target and t_class <= args.class_target
    print(
        f"targets draw <= {args.draw_target:.1f} s and classes <= {args.class_target:.1f} s: "
        f"{'MET' if ok else 'MISSED'} ({t_draw:.2f} s, {t_class:.2f} s)"
    )
    return 0 if ok else 1


def _database_run(args, rng, make_uscc) -> float:
    """The nightly refresh over the database: enterprises and their credit rows loaded in bulk (not timed), then
    `profiles_refresh` timed twice — the first run writes every profile, the second finds nothing changed."""
    import datetime as dt

    from _setup import django_ready

    db = django_ready("credit")
    from parkos.credit import engine as credit_engine
    from parkos.credit.models import CreditRecord, SamrClass, SectorGrade
    from parkos.credit.services import profiles_refresh
    from parkos.enterprises.models import Enterprise

    n, total = args.objects, args.records
    t0 = time.perf_counter()
    Enterprise.objects.bulk_create(
        [
            Enterprise(uscc=make_uscc(2_000_000 + k), name=f"企业{k:06d}", industry_code="3514")
            for k in range(n)
        ],
        batch_size=5000,
    )
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    today = dt.date(2026, 12, 7)
    samr = [  # two monthly classes each
        SamrClass(enterprise_id=e, cls="ABCD"[int(c)], as_of=d)
        for d in (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
        for e, c in zip(ids, rng.choice(4, size=n, p=[0.75, 0.18, 0.05, 0.02]), strict=True)
    ]
    SamrClass.objects.bulk_create(samr, batch_size=10000)
    grades = [
        SectorGrade(enterprise_id=e, scheme=s, grade=g, as_of=dt.date(2026, 4, 1))
        for s, choices in (("tax_credit", "ABMCD"), ("safety", "ABCD"))
        for e, g in zip(ids, rng.choice(list(choices), size=n), strict=True)
    ]
    SectorGrade.objects.bulk_create(grades, batch_size=10000)
    rest = max(total - len(samr) - len(grades), 0)
    kinds = ["penalty", "abnormal", "watch", "licence", "commitment", "serious"]
    kind = rng.choice(len(kinds), size=rest, p=[0.45, 0.1, 0.05, 0.3, 0.0999, 0.0001])
    owner = rng.integers(0, n, size=rest)
    days = rng.integers(0, 1000, size=rest)
    records = []
    for k in range(rest):
        kd = kinds[int(kind[k])]
        decided = today - dt.timedelta(days=int(days[k]))
        sev = "ordinary" if kd in {"penalty", "abnormal", "watch", "serious"} else ""
        until = credit_engine.repair_window(decided, sev)[1] if sev else None
        records.append(
            CreditRecord(
                enterprise_id=ids[int(owner[k])],
                kind=kd,
                severity=sev,
                title="记录",
                decided_on=decided,
                publish_until=until,
                status="expired" if until and until < today else ("published" if sev else "recorded"),
            )
        )
    CreditRecord.objects.bulk_create(records, batch_size=10000)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    written = profiles_refresh(today=today)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = profiles_refresh(today=today)
    second = time.perf_counter() - t0
    print(
        f"  database ({db}): {n} enterprises, {len(samr) + len(grades) + rest} credit rows loaded in {load:.1f} s; "
        f"refresh writing {written} profiles {first:.2f} s, again ({again} changed) {second:.2f} s"
    )
    return first


if __name__ == "__main__":
    sys.exit(main())
