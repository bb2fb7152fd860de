"""Server time of the enterprise list page with a filter and a search, at 1k and at N enterprises.

    python bench/list_page.py --enterprises 100000      (DATABASE_URL picks the database; default SQLite)

Prints p50/p95 per request and the number of SQL queries at each size; exits 1 if p95 > --target ms
(default 50) or the query count differs between the sizes.
"""

import argparse
import statistics
import sys
import time

from _setup import django_ready, machine

CASES = [  # (user, query string): what an official does most
    ("jfj_staff", {"park": "XS", "q": "重工"}),
    ("jfj_staff", {"flag": "above_scale", "q": "湖南"}),
    ("leader", {"park": "QC", "q": "汽车", "sort": "-capital"}),
    ("leader", {"industry": "39", "status": "operating", "page": "3"}),
]


def measure(n: int, repeat: int) -> tuple[list[float], list[int]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkos.core.models import Park, User
    from parkos.demo import demo_build
    from parkos.enterprises.models import Enterprise

    Enterprise.objects.all().delete()
    t0 = time.perf_counter()
    demo_build(enterprises=n, seed=11, months=0)
    print(f"  built {n} enterprises in {time.perf_counter() - t0:.1f}s")
    parks = {p.code: p.pk for p in Park.objects.all()}
    clients = {}
    for username in {u for u, _q in CASES}:
        c = Client()
        c.force_login(User.objects.get(username=username))
        clients[username] = c
    times, queries = [], []
    for username, q in CASES:
        params = {**q, "park": parks[q["park"]]} if "park" in q else q
        c = clients[username]
        for _ in range(3):  # warm caches
            c.get("/enterprises/", params)
        reset_queries()  # the build filled the (bounded) debug query log: counting needs it empty
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/enterprises/", params)
        assert r.status_code == 200
        queries.append(len(ctx.captured_queries))
        case = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            c.get("/enterprises/", params)
            case.append((time.perf_counter() - t0) * 1000)
        times.extend(case)
        print(f"    {username} {q}: p50 {statistics.median(case):.1f} ms, max {max(case):.1f} ms")
    return times, queries


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--target", type=float, default=50.0, help="p95 target in ms")
    args = ap.parse_args()
    db = django_ready("list")
    print(f"database: {db}; machine: {machine()}")
    results = {}
    for n in (1000, args.enterprises):
        times, queries = measure(n, args.repeat)
        results[n] = (pct(times, 50), pct(times, 95), queries)
        print(
            f"  {n:>7} enterprises: p50 {results[n][0]:.1f} ms, p95 {results[n][1]:.1f} ms, queries per page {queries}"
        )
    p95 = results[args.enterprises][1]
    same = results[1000][2] == results[args.enterprises][2]
    print(
        f"target p95 <= {args.target:.0f} ms at {args.enterprises}: {'MET' if p95 <= args.target else 'MISSED'} ({p95:.1f} ms)"
    )
    print(f"same query count at 1k and {args.enterprises}: {'YES' if same else 'NO'}")
    return 0 if p95 <= args.target and same else 1


if __name__ == "__main__":
    sys.exit(main())
