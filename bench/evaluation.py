"""Server time of the national evaluation self-assessment page, at 1k and at N enterprises.

    python bench/evaluation.py --enterprises 100000 --peers 60      (DATABASE_URL picks the database)

The page computes the zone's ParkOS figures (one aggregate each over the registry's yearly indicators, for the
data year, the year before and the one before that for growth), reads the peers' values of two years and scores
them. Prints p50/p95 and the number of SQL queries at each size; exits 1 if p95 > --target ms (default 500) or the
query count differs between the sizes.
"""

import argparse
import statistics
import sys
import time

from _setup import django_ready, machine


def build(n: int, peers: int) -> None:
    from decimal import Decimal

    import numpy as np

    from parkos.cockpit import selectors
    from parkos.cockpit.models import PeerValue, PeerZone, ZoneValue
    from parkos.core.models import User
    from parkos.demo import demo_build
    from parkos.enterprises.models import Enterprise

    PeerValue.objects.all().delete()
    PeerZone.objects.all().delete()
    ZoneValue.objects.all().delete()
    Enterprise.objects.all().delete()
    t0 = time.perf_counter()
    demo_build(enterprises=n, seed=11, months=0)
    admin = User.objects.get(username="admin")
    rng = np.random.default_rng(5)
    indicators = selectors.catalogue()
    year = selectors.default_year()
    zones = PeerZone.objects.bulk_create(
        [PeerZone(name=f"对标经开区{k:03d}", province="湖南", region="central") for k in range(peers)]
    )
    PeerValue.objects.bulk_create(
        [
            PeerValue(zone=z, indicator=i, year=y, value=Decimal(str(round(float(rng.lognormal(3, 1)), 2))))
            for y in (year - 1, year)
            for z in zones
            for i in indicators
        ]
    )
    ZoneValue.objects.bulk_create(
        [
            ZoneValue(indicator=i, year=y, value=Decimal(50), entered_by=admin)
            for y in (year - 1, year)
            for i in indicators
            if not i.figure
        ]
    )
    print(f"  built {n} enterprises and {peers} peers in {time.perf_counter() - t0:.1f}s")


def measure(n: int, peers: int, repeat: int) -> tuple[list[float], int]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkos.core.models import User

    build(n, peers)
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    url = "/cockpit/evaluation/"
    for _ in range(2):  # warm caches
        assert c.get(url).status_code == 200
    reset_queries()  # the build filled the (bounded) debug query log: counting needs it empty
    with CaptureQueriesContext(connection) as ctx:
        c.get(url)
    queries = len(ctx.captured_queries)  # now: each request starts by emptying the log
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return times, queries


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--peers", type=int, default=60)
    ap.add_argument("--small", type=int, default=1000, help="the small size the query count is compared with")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--target", type=float, default=500.0, help="p95 target in ms")
    args = ap.parse_args()
    db = django_ready("evaluation")
    print(f"database: {db}; machine: {machine()}")
    results = {}
    for n in (args.small, args.enterprises):
        times, queries = measure(n, args.peers, args.repeat)
        results[n] = (pct(times, 50), pct(times, 95), queries)
        print(
            f"  {n:>7} enterprises: p50 {results[n][0]:.1f} ms, p95 {results[n][1]:.1f} ms, queries {queries}"
        )
    p95 = results[args.enterprises][1]
    same = results[args.small][2] == results[args.enterprises][2]
    print(f"machine after: {machine()}")
    print(
        f"target p95 <= {args.target:.0f} ms at {args.enterprises}: {'MET' if p95 <= args.target else 'MISSED'} ({p95:.1f} ms)"
    )
    print(f"same query count at {args.small} and {args.enterprises}: {'YES' if same else 'NO'}")
    return 0 if p95 <= args.target and same else 1


if __name__ == "__main__":
    sys.exit(main())
