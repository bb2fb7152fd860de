"""`parkos backup --output DIR`: the database (pg_dump custom format, or SQLite's online backup), every uploaded
file and a manifest (row counts, checksums) into a new directory. See `core.backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Back up the database and the uploaded files, with a manifest of row counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="a new (or empty) directory for the backup")

    def handle(self, *args, **opts):
        from parkos.core.backup import BackupError, backup

        try:
            m = backup(Path(opts["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backup written to {opts['output']}: {m['engine']} database ({m['database']['size']:,} bytes), "
            f"{len(m['tables'])} tables, {m['rows']:,} rows, {len(m['files'])} files"
        )
