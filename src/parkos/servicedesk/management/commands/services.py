"""`parkos services refresh [--today D]`: daily — overdue requests go to the leaders; `parkos services install-defaults`."""

import datetime as dt

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Daily service-desk jobs: escalate overdue requests; install the default request categories."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("refresh", help="escalate requests past their deadline to the leaders (once)")
        r.add_argument("--today", default=None)
        sub.add_parser("install-defaults", help="the default request categories (never overwrites)")

    def handle(self, *args, **opts):
        from parkos.servicedesk import services

        if opts["action"] == "install-defaults":
            self.stdout.write(f"{services.install_default_categories()} categories added.")
            return
        today = dt.date.fromisoformat(opts["today"]) if opts.get("today") else None
        self.stdout.write(f"{services.escalate_overdue(today)} overdue requests escalated.")
