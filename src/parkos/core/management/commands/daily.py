"""`parkos daily [--today D] [--only KEY …]`: every app's registered daily job, in order (run it from cron or the
scheduler once a day). Each job runs in its own transaction; one failing job is reported and the others still run."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Run the daily jobs the apps register (approval clocks, plan reminders, request escalation, …)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for (YYYY-MM-DD, default today)")
        parser.add_argument("--only", nargs="*", default=None, metavar="KEY", help="run only these jobs")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and stop")

    def handle(self, *args, **opts):
        from parkos.core import registries

        jobs = list(registries.daily_jobs)
        if opts["list"]:
            for j in jobs:
                self.stdout.write(f"{j.key}\t{j.label}")
            return
        if opts["only"] is not None:
            unknown = set(opts["only"]) - {j.key for j in jobs}
            if unknown:
                raise CommandError(f"unknown job(s): {', '.join(sorted(unknown))}")
            jobs = [j for j in jobs if j.key in opts["only"]]
        try:
            today = dt.date.fromisoformat(opts["today"]) if opts.get("today") else None
        except ValueError:
            raise CommandError(f"not a date (YYYY-MM-DD): {opts['today']}") from None
        failed = 0
        for j in jobs:
            t0 = time.perf_counter()
            try:
                with transaction.atomic():
                    line = j.run(today)
            except Exception as exc:  # noqa: BLE001  (reported; the other jobs still run)
                failed += 1
                self.stderr.write(f"{j.key}: FAILED {exc!r}")
                continue
            self.stdout.write(f"{j.key}: {line} ({time.perf_counter() - t0:.2f}s)")
        if failed:
            raise CommandError(f"{failed} daily job(s) failed")
