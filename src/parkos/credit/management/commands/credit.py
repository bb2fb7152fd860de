"""`parkos credit draw …`: the SR-1 draw from CSV files, without a database (issue #17 §6).

`parkos credit draw --pool POOL.csv --seed HEX [--exclude EXCL.csv] [--ratios A=0.03,…] [--inspectors INS.csv
--conflicts CONF.csv --team-size 2 --max-load N] --json` prints
`{"strata": {…}, "sample": […], "assignments": {…}, "manual": […]}`. A file the draw cannot use gets a message
naming the file, row and column, and exit status 2. Without --seed, the seed is the spec's
SHA-256(task_id | pool_hash | inspector_hash | config_hash | entropy) from --task-id and --entropy.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Credit supervision: the reproducible 双随机 draw (SR-1)."
    requires_system_checks = []  # works without a database

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        d = sub.add_parser("draw", help="draw objects and inspectors from CSV files (no database needed)")
        d.add_argument("--pool", required=True, help="CSV with the header uscc,class (class A–D or empty)")
        d.add_argument("--seed", help="the seed as hex (its bytes are the spec's seed)")
        d.add_argument("--task-id", default="", help="without --seed: the task id that enters the seed")
        d.add_argument("--entropy", default="", help="without --seed: the public entropy (witness code …)")
        d.add_argument("--exclude", help="CSV with the header uscc: objects left out")
        d.add_argument("--ratios", help="A=0.03,B=0.1,C=0.3,D=1,UNKNOWN=0.1 (classes not named: 0)")
        d.add_argument("--min-per-stratum", type=int, default=1)
        d.add_argument("--inspectors", help="CSV with the header inspector_id (optional dept, load)")
        d.add_argument("--conflicts", help="CSV with the header inspector_id,uscc")
        d.add_argument("--team-size", type=int, default=2)
        d.add_argument("--max-load", type=int, default=None, help="an inspector at this load takes no more")
        d.add_argument("--json", action="store_true", help="print the result as JSON")
        v = sub.add_parser("verify", help="re-run a draw record (its JSON export) and say whether it matches")
        v.add_argument("record", help="the record's JSON file (from the task page or /api/v1/credit/draws/…)")
        r = sub.add_parser(
            "refresh", help="end expired 失信 windows, send repair reminders, recompute classes"
        )
        r.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **opts):
        if opts["action"] == "verify":
            return self.verify(opts["record"])
        if opts["action"] == "refresh":
            return self.refresh(opts["today"])
        return self.draw(opts)

    def verify(self, path: str) -> None:
        """No database: everything needed is in the record."""
        from parkos.credit import engine

        try:
            record = json.loads(Path(path).read_text(encoding="utf-8"))
            checks = engine.verify(record)
        except OSError as exc:
            self.stderr.write(f"错误: {path}: 无法读取（{exc.strerror or exc}）")
            sys.exit(2)
        except (ValueError, KeyError, TypeError) as exc:
            self.stderr.write(f"错误: {path}: 不是抽查记录（{exc!r}）")
            sys.exit(2)
        for c in checks:
            self.stdout.write(
                f"{'OK  ' if c.ok else 'FAIL'} {c.key}: {c.recorded[:16]} / {c.recomputed[:16]}"
            )
        ok = all(c.ok for c in checks)
        self.stdout.write("MATCH" if ok else "MISMATCH")
        if not ok:
            sys.exit(1)

    def refresh(self, today_text: str | None) -> None:
        import datetime as dt

        from django.core.management.base import CommandError
        from django.utils import timezone

        from parkos.credit.services import profiles_refresh, windows_close

        try:
            today = dt.date.fromisoformat(today_text) if today_text else timezone.localdate()
        except ValueError:
            raise CommandError(f"not a date (YYYY-MM-DD): {today_text}") from None
        ended, reminded = windows_close(today)
        changed = profiles_refresh(today=today)
        self.stdout.write(f"{ended} windows ended, {reminded} repair reminders, {changed} profiles changed")

    def draw(self, opts) -> None:
        from parkos.credit import engine, files

        try:
            if opts["team_size"] < 1 or opts["min_per_stratum"] < 0:
                raise files.InputError("--team-size 至少为 1，--min-per-stratum 不能为负")
            if opts["max_load"] is not None and opts["max_load"] < 1:
                raise files.InputError("--max-load 至少为 1")
            if opts["conflicts"] and not opts["inspectors"]:
                raise files.InputError("--conflicts 须与 --inspectors 一起使用")
            pool = files.read_pool(Path(opts["pool"]))
            if opts["exclude"]:
                excluded = files.read_exclusions(Path(opts["exclude"]))
                pool = [(u, c) for u, c in pool if u not in excluded]
            ratios = files.parse_ratios(opts["ratios"])
            inspectors = files.read_inspectors(Path(opts["inspectors"])) if opts["inspectors"] else None
            conflicts = files.read_conflicts(Path(opts["conflicts"])) if opts["conflicts"] else set()
            config = engine.DrawConfig(
                ratios=ratios,
                min_per_stratum=opts["min_per_stratum"],
                team_size=opts["team_size"],
                max_load=opts["max_load"],
            )
            if opts["seed"] is not None:
                seed = files.parse_seed(opts["seed"])
            else:
                seed = engine.seed_of(
                    opts["task_id"],
                    engine.sha256_hex(engine.pool_bytes(pool)),
                    engine.sha256_hex(engine.inspector_bytes(inspectors or [])),
                    engine.sha256_hex(config.canonical().encode()),
                    opts["entropy"],
                )
        except files.InputError as exc:
            self.stderr.write(f"错误: {exc}")
            sys.exit(2)
        result = engine.draw(pool, seed, config, inspectors, conflicts)
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"seed {seed.hex()}")
        for c, (N, n) in result.strata.items():
            self.stdout.write(f"{c:8} N={N:<7} n={n}")
        for k, d in enumerate(result.sample, start=1):
            team = result.assignments.get(d.uscc)
            tail = " ".join(team) if team else ("manual" if d.uscc in result.manual else "")
            self.stdout.write(f"{k:>6} {d.uscc} {d.cls:8} {tail}".rstrip())
