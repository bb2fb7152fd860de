"""Load: the production stack of `make serve` (gunicorn workers, the task worker, WhiteNoise, kept connections
checked before use, the cache in Redis when REDIS_URL is set) on PostgreSQL with the demo zone, driven by Locust
headless (issue 14 §8).

Phase 1, the mix: `--users` concurrent users for `--minutes` — officials on list pages (searches, filters, sorts,
pages, htmx partials), detail pages and Excel exports; the enterprise user on its pages; API clients reading and
writing monthly indicators with their own tokens. Phase 2, API reads: the same number of clients that only read,
as fast as the server answers, for `--api-seconds`. Prints throughput, p50/p95/p99 and errors per kind of request
and overall, and the machine's load.

Targets: 0 errors; p95 ≤ 300 ms over the mix; API reads ≥ 300 requests/s. Exits 1 on a miss.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parkos .venv/bin/python bench/load.py [--minutes 10]

Everything runs on this machine, Locust included (one process, about a third of a core at this load): the server's
share of the 2 cores is what the figures measure. Logins all come from 127.0.0.1 here, so the login rate limit is
raised for the bench (PARKOS_RATE_LOGIN=1000/m); the API's per-token limit stays as configured (each client has its
own token)."""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _setup import ROOT, django_ready, machine

P95_MS = 300
API_READS_PER_S = 300


def build_zone(enterprises: int) -> None:
    """The demo zone of `make demo`."""
    from parkos.demo import demo_build

    t = time.perf_counter()
    demo_build(
        enterprises=enterprises, evaluate=True, projects=150, workplan=True, investment=True, services=True
    )
    print(f"demo zone: {enterprises} enterprises built in {time.perf_counter() - t:.0f} s")


def plan_for(plan_path: Path) -> dict:
    """Who the virtual users are: logins, their own API tokens, what each may see and write."""
    from parkos.core.models import ApiToken, User
    from parkos.core.services import api_token_create
    from parkos.demo.zone import DEMO_PASSWORD
    from parkos.enterprises.models import Enterprise, MonthlyIndicator
    from parkos.projects.models import Project

    def seen(user: User, n: int = 300) -> list[int]:
        return list(Enterprise.objects.restrict(user, "view").order_by("?").values_list("pk", flat=True)[:n])

    def projects(user: User) -> list[int]:
        return list(Project.objects.restrict(user, "view").order_by("?").values_list("pk", flat=True)[:100])

    officials = []
    for name in [
        "jfj_staff",
        "qfzx_staff",
        "spj_staff",
        "zhaoshang1",
        "duchashi",
        "jfj_admin",
        "admin",
        "leader",
    ]:
        u = User.objects.get(username=name)
        officials.append(
            {"username": name, "password": DEMO_PASSWORD, "enterprises": seen(u), "projects": projects(u)}
        )
    qiye = User.objects.get(username="qiye")
    enterprises_ = [
        {"username": "qiye", "password": DEMO_PASSWORD, "enterprises": seen(qiye, 1), "projects": []}
    ]
    month = MonthlyIndicator.objects.order_by("-month").values_list("month", flat=True).first()
    api = []
    taken: set[int] = set()
    for i in range(60):  # a token for each API client: the per-token rate limit counts each on its own
        u = User.objects.get(username=["jfj_staff", "admin"][i % 2])
        _tok, raw = api_token_create(user=u, name=f"压测{i}", scope=ApiToken.Scope.WRITE, days=30)
        mine = Enterprise.objects.restrict(u, "change").exclude(pk__in=taken).order_by("pk")
        writable = list(mine.values_list("pk", flat=True)[:3])  # no two clients write the same enterprise
        taken.update(writable)
        api.append({"token": raw, "enterprises": seen(u), "writable": writable, "month": f"{month:%Y-%m}"})
    plan = {"officials": officials, "enterprises": enterprises_, "api": api}
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    return plan


def serve(port: int, workers: int, log: Path, redis_url: str) -> subprocess.Popen:
    """`make serve-only`: gunicorn and the task worker, as an operator starts them (with Redis as the cache when
    it answers, as deploy/parkos.env has it: the rate limits are counted there across the workers)."""
    env = {
        **os.environ,
        **({"REDIS_URL": redis_url} if redis_url else {}),
        "PORT": str(port),
        "WORKERS": str(workers),
        "PARKOS_RATE_LOGIN": "1000/m",
        "PARKOS_ENV": "development",
        "LOG_LEVEL": "ERROR",
    }
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "serve-only", f"PORT={port}", f"WORKERS={workers}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"the server did not come up; see {log}")


def _answers(url: str) -> bool:
    import socket
    from urllib.parse import urlparse

    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def swarm(port: int, classes: list[str], users: int, seconds: int, plan: Path, out: Path) -> list[dict]:
    """Run Locust headless; return its rows (one per kind of request, and `Aggregated`)."""
    cmd = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        "10",
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(out),
        "--only-summary",
        "--loglevel",
        "ERROR",
        *classes,
    ]
    subprocess.run(cmd, env={**os.environ, "PARKOS_LOAD_PLAN": str(plan)}, check=False)  # noqa: S603
    with open(f"{out}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(f"{out}_failures.csv", encoding="utf-8") as fh:
        failures = list(csv.DictReader(fh))
    for f in failures[:10]:
        print(f"  error: {f['Method']} {f['Name']} ×{f['Occurrences']}: {f['Error'][:160]}")
    return rows


def report(title: str, rows: list[dict], seconds: float) -> dict:
    print(f"\n{title}")
    print(f"  {'kind':32} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    out = {}
    for r in rows:
        n, err = int(r["Request Count"]), int(r["Failure Count"])
        rps = n / seconds
        name = "all" if r["Name"] == "Aggregated" else r["Name"]
        print(f"  {name:32} {n:9d} {err:7d} {rps:7.1f} {r['50%']:>6} {r['95%']:>6} {r['99%']:>6}")
        out[name] = {"n": n, "errors": err, "rps": rps, "p95": float(r["95%"] or 0)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--enterprises", type=int, default=2000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--api-seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=3, help="gunicorn processes (make serve's default)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="the cache (none: the file cache)")
    ap.add_argument(
        "--reuse", action="store_true", help="keep the zone the last run built (same --enterprises)"
    )
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("the load bench runs on PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    os.environ["PARKOS_ENV"] = "development"
    print(f"database: {django_ready('load', fresh=not args.reuse)}")
    work = Path(tempfile.mkdtemp(prefix="parkos-load-"))
    plan = work / "plan.json"
    from parkos.core.models import ApiToken
    from parkos.enterprises.models import Enterprise

    if args.reuse and Enterprise.objects.exists():
        ApiToken.objects.filter(name__startswith="压测").delete()
        print(f"demo zone: kept from the last run ({Enterprise.objects.count()} enterprises)")
    else:
        build_zone(args.enterprises)
    plan_for(plan)
    from django.db import connections

    connections.close_all()
    redis_url = args.redis if args.redis != "none" and _answers(args.redis) else ""
    proc = serve(args.port, args.workers, work / "server.log", redis_url)
    try:
        print(
            f"server: make serve-only, {args.workers} gunicorn workers + task worker, cache "
            f"{'Redis' if redis_url else 'files'}; {machine()}"
        )
        mix_s = int(args.minutes * 60)
        mix = report(
            f"mix: {args.users} users for {mix_s} s",
            swarm(
                args.port, ["Official", "EnterpriseStaff", "ApiClient"], args.users, mix_s, plan, work / "mix"
            ),
            mix_s,
        )
        print(f"  machine after the mix: {machine()}")
        api = report(
            f"API reads: {args.users} clients for {args.api_seconds} s",
            swarm(args.port, ["ApiReader"], args.users, args.api_seconds, plan, work / "api"),
            args.api_seconds,
        )
        print(f"  machine after the API reads: {machine()}")
    finally:
        stop(proc)
    errors = mix["all"]["errors"] + api["all"]["errors"]
    p95 = mix["all"]["p95"]
    reads = api["all"]["rps"]
    misses = []
    if errors:
        misses.append(f"{errors} errors (target 0)")
    if p95 > P95_MS:
        misses.append(f"p95 {p95:.0f} ms over the mix (target ≤ {P95_MS} ms)")
    if reads < API_READS_PER_S:
        misses.append(f"API reads {reads:.0f}/s (target ≥ {API_READS_PER_S}/s)")
    print(
        f"\nerrors {errors}, mix p95 {p95:.0f} ms, API reads {reads:.0f}/s — "
        + ("MISSED: " + "; ".join(misses) if misses else "targets MET")
    )
    print(f"files: {work}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
