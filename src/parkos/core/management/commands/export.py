"""`parkos export KIND FILE.xlsx`: data in its import template, so that export → import round-trips unchanged."""

from django.core.management.base import BaseCommand

from parkos.core.imports import IMPORTERS, importer_for
from parkos.core.services import cli_actor


class Command(BaseCommand):
    help = "Export data as .xlsx in the same template the import reads."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS) or None)
        parser.add_argument("file")
        parser.add_argument("--user", help="export what this user may see (default: a system administrator)")

    def handle(self, *args, **opts):
        user = cli_actor(opts.get("user"))
        importer = importer_for(opts["kind"])
        importer.schema.write(opts["file"], importer.records(user=user))
        self.stdout.write(f"wrote {opts['file']}")
