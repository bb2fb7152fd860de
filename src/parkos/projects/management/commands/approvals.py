"""`parkos approvals install-defaults` and `parkos approvals refresh [--today D]` (run it daily, e.g. from cron
or the task worker: deemed acceptances, deadlines, lights, alerts and escalations)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Approval catalogue defaults, and the daily refresh of clocks, lights and alerts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "install-defaults", help="the default item catalogue, flows and settings (never overwrites)"
        )
        refresh = sub.add_parser("refresh", help="recompute every open clock and light; alert changes once")
        refresh.add_argument("--today", help="the day to compute for (YYYY-MM-DD, default today)")

    def handle(self, *args, **opts):
        if opts["action"] == "install-defaults":
            from parkos.projects.catalogue import install_defaults

            made = install_defaults()
            self.stdout.write(f"{made['items']} items and {made['flows']} flows created.")
            return
        from parkos.projects.services import refresh

        today = None
        if opts.get("today"):
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError:
                raise CommandError(f"not a date (YYYY-MM-DD): {opts['today']}") from None
        t0 = time.perf_counter()
        counts = refresh(today=today)
        self.stdout.write(
            f"Refreshed in {time.perf_counter() - t0:.2f}s: {counts['items']} items, {counts['stages']} stages and "
            f"{counts['projects']} projects changed, {counts['deemed']} deemed accepted, {counts['alerts']} alerts, "
            f"{counts['escalated']} problems escalated."
        )
