"""`parkos restore DIR [--force]`: check a backup's checksums, restore it into an empty database (and files
directory) — `--force` replaces what is there — and verify the result against the manifest. See `core.backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = (
        "Restore a backup made by `parkos backup` into an empty database and verify it against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup directory")
        parser.add_argument("--force", action="store_true", help="replace a database that is not empty")
        parser.add_argument("--check", action="store_true", help="only verify the backup's checksums")

    def handle(self, *args, **opts):
        from parkos.core.backup import BackupError, restore, verify

        try:
            if opts["check"]:
                m = verify(Path(opts["source"]))
                self.stdout.write(
                    f"backup of {m['created_at']} is intact: {m['rows']:,} rows, {len(m['files'])} files"
                )
                return
            connections.close_all()  # nothing of ours holds the database while it is replaced
            m = restore(Path(opts["source"]), force=opts["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the backup of {m['created_at']}: {len(m['tables'])} tables, {m['rows']:,} rows and "
            f"{len(m['files'])} files, all as in the manifest"
        )
