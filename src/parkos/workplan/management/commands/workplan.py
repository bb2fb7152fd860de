"""`parkos workplan parse FILE [--json]`, `parkos workplan import FILE --year Y`, `parkos workplan refresh`."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Parse a 工作要点 (.txt or .docx) into a tree, store it as a supervised plan, refresh task statuses."
    )
    requires_system_checks = []  # `parse` needs neither the database nor the URL configuration

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("parse", help="print the parsed tree")
        p.add_argument("file")
        p.add_argument(
            "--json",
            action="store_true",
            help="the JSON contract: title, published, preamble, items, warnings",
        )
        i = sub.add_parser("import", help="store the document as the plan of a year")
        i.add_argument("file")
        i.add_argument("--year", type=int, required=True)
        i.add_argument("--user", default=None, help="acting user (default: the first system administrator)")
        r = sub.add_parser("refresh", help="recompute task statuses and send reminders")
        r.add_argument("--today", default=None)

    def handle(self, *args, **opts):
        from parkos.workplan.reader import UnreadableDocument, read_document

        if opts["action"] in {"parse", "import"}:
            try:
                text = read_document(Path(opts["file"]))
            except UnreadableDocument as exc:
                self.stderr.write(f"error: {exc}")
                sys.exit(2)
            from parkos.workplan.engine import parse

            result = parse(text)
            if opts["action"] == "parse":
                if opts["json"]:
                    self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
                else:
                    self._print(result)
                return
            self._import(result, opts)
            return
        import datetime as dt

        from parkos.workplan.services import refresh

        today = dt.date.fromisoformat(opts["today"]) if opts.get("today") else None
        counts = refresh(today=today)
        self.stdout.write(
            f"{counts['tasks']} tasks, {counts['changed']} changed status, {counts['reminders']} reminders."
        )

    def _print(self, result) -> None:
        self.stdout.write(result.title)
        if result.published:
            self.stdout.write(f"published {result.published}")
        for node in result.nodes():
            self.stdout.write(f"{'  ' * (node.level - 1)}{node.label}{node.title} [{len(node.tasks)} tasks]")
        for w in result.warnings:
            self.stderr.write(f"warning: {w}")

    def _import(self, result, opts) -> None:
        from parkos.core.exceptions import ParkOSError
        from parkos.core.services import cli_actor
        from parkos.workplan.services import plan_import, refresh

        user = cli_actor(opts.get("user"))
        try:
            plan = plan_import(
                user=user, result=result, year=opts["year"], source_name=Path(opts["file"]).name
            )
        except ParkOSError as exc:
            raise CommandError(str(exc.message)) from None
        refresh(plan_id=plan.pk)
        self.stdout.write(
            f"Plan {plan.year} “{plan.title}”: {plan.points.count()} points, {plan.tasks.count()} tasks"
            + (f", {len(result.warnings)} warnings" if result.warnings else "")
        )
