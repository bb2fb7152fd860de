"""Server time of the cockpit and of the search across the zone, at a small zone and at N enterprises.

    python bench/cockpit.py --enterprises 100000 --others 200000     (DATABASE_URL picks the database)

Builds the demo zone (registry, projects, work plan, investment, services, policies) with N enterprises and
writes twelve months of figures for every enterprise in SQL (1,200,000 rows at 100,000); measures `/cockpit/` as a
leader (every tile; the monthly totals are rebuilt first, as the daily job or the first read after a change does,
and that time is printed). Then copies the other apps' records until they number --others (projects, leads,
requests, policies, plan tasks: far more projects than a zone has, so the cockpit is measured before) and measures
`/search/?q=…` over several terms (part of a name in two and four characters, a USCC, a request number, nothing). Prints p50/p95 and the number of SQL queries at
each size; exits 1 if a p95 misses its target (cockpit 300 ms, search 100 ms) or a page's query count grows with
the data.
"""

import argparse
import statistics
import sys
import time

from _setup import django_ready, machine

CLONED = (  # the other apps' searchable records, and the field made unique in each copy
    ("projects.Project", "name", "code"),
    ("investment.Lead", "title", ""),
    ("servicedesk.Request", "title", "number"),
    ("policies.Policy", "title", ""),
    ("workplan.Task", "text", "seq"),
)


def _months_sql(months: int) -> None:
    """Twelve (`months`) months of figures for every enterprise, written by the database itself."""
    from django.db import connection

    from parkos.enterprises.models import MonthlyIndicator

    MonthlyIndicator.objects.all().delete()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                """INSERT INTO enterprises_monthlyindicator
                   (enterprise_id, month, output_value, revenue, tax, electricity_kwh, created_at, updated_at, version)
                   SELECT e.id, m::date, round((random() * 2000)::numeric, 2), round((random() * 2000)::numeric, 2),
                          round((random() * 80)::numeric, 2), round((random() * 900000)::numeric, 0), now(), now(), 1
                   FROM enterprises_enterprise e
                   CROSS JOIN generate_series(date '2025-11-01', date '2025-11-01' + %s * interval '1 month',
                                              interval '1 month') m""",
                [months - 1],
            )
        else:
            cur.execute(
                """WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < %s)
                   INSERT INTO enterprises_monthlyindicator
                   (enterprise_id, month, output_value, revenue, tax, electricity_kwh, created_at, updated_at, version)
                   SELECT e.id, date('2025-11-01', '+' || k.i || ' months'), abs(random() % 2000), abs(random() % 2000),
                          abs(random() % 80), abs(random() % 900000), datetime('now'), datetime('now'), 1
                   FROM enterprises_enterprise e CROSS JOIN k""",
                [months - 1],
            )


def _clone(others: int) -> dict[str, int]:
    """Copies of the demo's projects, leads, requests, policies and tasks until they number `others` in all."""
    from django.apps import apps
    from django.db import transaction

    from parkos.core.bulk import bulk_insert_objects

    per = others // len(CLONED)
    counts = {}
    for label, text, unique in CLONED:
        model = apps.get_model(label)
        seeds = list(model.objects.all()[:200])
        have = model.objects.count()
        todo = []
        for k in range(max(0, per - have)):
            o = seeds[k % len(seeds)]
            copy = model.__new__(model)
            copy.__dict__.update({**o.__dict__, "_state": type(o._state)()})
            copy.pk = copy.id = None
            setattr(copy, text, f"{getattr(o, text)[:150]}（{k}）")
            if unique:
                setattr(copy, unique, f"{getattr(o, unique)[:10]}{k:08d}")
            for f in model._meta.concrete_fields:  # a one-to-one (a lead's project) is left empty in a copy
                if f.unique and not f.primary_key and f.null:
                    setattr(copy, f.attname, None)
            todo.append(copy)
        for i in range(0, len(todo), 20_000):
            with transaction.atomic():
                bulk_insert_objects(todo[i : i + 20_000], history=False)
        counts[label] = model.objects.count()
    return counts


def _services() -> None:
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from parkos.core.models import Department, User
    from parkos.demo.servicedesk import build_services
    from parkos.policies.models import Policy

    admin = User.objects.get(username="admin")
    build_services(rng=np.random.default_rng(15), today=timezone.localdate(), admin=admin)
    dept = Department.objects.order_by("pk").first()
    Policy.objects.bulk_create(
        [
            Policy(
                title=f"长沙经开区关于支持{topic}的若干政策",
                issuer="长沙经开区管委会",
                doc_number=f"长经开发〔2026〕{k}号",
                valid_from=dt.date(2026, 1, 1),
                department=dept,
            )
            for k, topic in enumerate(
                ["先进制造业", "科技创新", "人才引进", "企业上市", "招商引资", "数字经济"], 1
            )
        ]
    )


def build(n: int, months: int) -> dict:
    from django.db import connection

    from parkos.demo import demo_build
    from parkos.enterprises import totals

    apps_ = (
        "enterprises",
        "projects",
        "investment",
        "servicedesk",
        "policies",
        "workplan",
        "ratings",
        "cockpit",
        "efficiency",
        "chains",
    )
    tables = [t for t in connection.introspection.table_names() if t.split("_")[0] in apps_]
    with connection.cursor() as cur:  # the demo builds into an empty zone
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        else:
            cur.execute("PRAGMA foreign_keys = OFF")
            for t in tables:
                cur.execute(f'DELETE FROM "{t}"')  # noqa: S608 (table names from the schema)
            cur.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    # the demo's policy builder matches every enterprise against every clause (minutes at 100,000): the bench
    # builds the requests and writes a few policies of its own; the search is measured on their copies
    demo_build(enterprises=n, seed=11, months=0, projects=60, workplan=True, investment=True)
    _services()
    _months_sql(months)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    totals.refresh()
    refresh = time.perf_counter() - t0
    _analyze()
    print(f"  built {n} enterprises and {months} months of figures for each in {built:.1f}s")
    print(f"  monthly totals rebuilt from every row in {refresh * 1000:.0f} ms")
    return {"refresh_ms": refresh * 1000}


def _analyze() -> None:
    """What autovacuum does after a bulk load: statistics, and the GIN indexes' pending lists merged (until then a
    trigram index reads its whole pending list and the planner prefers to scan)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")


def _timed(c, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm caches
        assert c.get(url).status_code == 200, url
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        c.get(url)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return times, queries


def measure(n: int, others: int, months: int, repeat: int) -> dict:
    from urllib.parse import quote

    from django.test import Client

    from parkos.core.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.servicedesk.models import Request

    build(n, months)
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    cockpit, cockpit_q = _timed(c, "/cockpit/", repeat)
    t0 = time.perf_counter()
    counts = _clone(others)
    _analyze()
    print(
        f"  copied the other apps' records to {sum(counts.values())} ({counts}) in {time.perf_counter() - t0:.1f}s"
    )
    some = Enterprise.objects.order_by("pk")[n // 2]
    terms = [
        some.name[2:4],
        some.name[:4],
        some.uscc,
        Request.objects.order_by("pk").first().number,
        "不存在的公司",
    ]
    search, search_q = [], []
    for t in terms:
        times, q = _timed(c, f"/search/?q={quote(t)}", max(5, repeat // len(terms)))
        search += times
        search_q.append(q)
    return {"cockpit": (cockpit, cockpit_q), "search": (search, max(search_q)), "terms": terms}


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument(
        "--others", type=int, default=200_000, help="projects, leads, requests, policies and tasks"
    )
    ap.add_argument("--months", type=int, default=12, help="months of figures for every enterprise")
    ap.add_argument("--small", type=int, default=1000, help="the small size the query count is compared with")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--cockpit-target", type=float, default=300.0, help="cockpit p95 target in ms")
    ap.add_argument("--search-target", type=float, default=100.0, help="search p95 target in ms")
    args = ap.parse_args()
    db = django_ready("cockpit")
    print(f"database: {db}; machine: {machine()}")
    results = {}
    for n, others in ((args.small, 2_000), (args.enterprises, args.others)):
        r = measure(n, others, args.months, args.repeat)
        results[n] = r
        for page in ("cockpit", "search"):
            times, queries = r[page]
            print(
                f"  {n:>7} enterprises, {page}: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, queries {queries}"
            )
    big, small = results[args.enterprises], results[args.small]
    ok = True
    print(f"machine after: {machine()}")
    for page, target in (("cockpit", args.cockpit_target), ("search", args.search_target)):
        p95 = pct(big[page][0], 95)
        met = p95 <= target
        same = big[page][1] == small[page][1]
        ok = ok and met and same
        print(
            f"{page}: target p95 <= {target:.0f} ms at {args.enterprises}: {'MET' if met else 'MISSED'} ({p95:.1f} ms)"
        )
        print(f"{page}: same query count at {args.small} and {args.enterprises}: {'YES' if same else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
