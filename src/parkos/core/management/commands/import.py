"""`parkos import KIND FILE [--dry-run] [--report json]`: the same pipeline as the import page."""

import json

from django.core.management.base import BaseCommand

from parkos.core.imports import IMPORTERS, import_file
from parkos.core.services import cli_actor


class Command(BaseCommand):
    help = "Import an Excel file: the whole file is checked first; with any error nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS) or None)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--report", choices=["json", "text"], default="text")
        parser.add_argument("--user", help="act as this user (default: the first system administrator)")

    def handle(self, *args, **opts):
        user = cli_actor(opts.get("user"))
        report = import_file(kind=opts["kind"], source=opts["file"], user=user, dry_run=opts["dry_run"])
        if opts["report"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        else:
            for e in report.errors:
                self.stderr.write(f"第 {e['row']} 行 [{e['column']}]: {e['message']}")
            self.stdout.write(
                f"{'OK' if report.ok else 'REJECTED'}: rows={report.rows} created={report.created} "
                f"updated={report.updated} errors={len(report.errors)}"
            )
        if not report.ok:
            raise SystemExit(1)
