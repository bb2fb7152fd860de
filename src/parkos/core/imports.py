"""The import pipeline shared by every Excel import: parse all, check all, then write all in one transaction.

An app registers an `Importer` (its `Schema`, its cross-row checks and its writer). Nothing is written
when any row has an error; the report names each row, column and reason.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from .excel import ParsedSheet, RowError, Schema
from .exceptions import Forbidden

ProgressFn = Callable[..., None]


class Importer(abc.ABC):
    """Base for one kind of import. Subclasses set `schema` and implement `check` and `write`."""

    schema: Schema
    permission = "import"

    def check(self, sheet: ParsedSheet, *, user) -> Any:
        """Cross-row checks (duplicates, unknown references, scope): append to sheet.errors and return
        what `write` needs (lookups already made), so an importer keeps no state between calls."""
        return None

    @abc.abstractmethod
    def write(self, rows: list[dict[str, Any]], *, user, progress: ProgressFn, ctx: Any) -> tuple[int, int]:
        """Write the parsed rows; return (created, updated). Runs inside one transaction."""

    def records(self, *, user) -> Iterable[dict[str, Any]]:
        """What `parkos export KIND` writes: every row the user may export, keyed like the schema."""
        return []

    # helpers for subclasses
    @staticmethod
    def duplicates(sheet: ParsedSheet, keys: tuple[str, ...], column: str) -> None:
        seen: dict[tuple, int] = {}
        for row in sheet.rows:
            k = tuple(row.get(x) for x in keys)
            if any(v is None for v in k):
                continue
            if k in seen:
                sheet.errors.append(
                    RowError(
                        row["_row"], column, _("duplicate of row %(row)s in this file") % {"row": seen[k]}
                    )
                )
            else:
                seen[k] = row["_row"]


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.schema.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise Forbidden(_("Unknown import kind “%(kind)s”") % {"kind": kind}, code="unknown_kind") from None


@dataclass
class ImportReport:
    ok: bool
    rows: int
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": self.errors,
        }


def import_file(
    *,
    kind: str,
    source: str | Path | IO[bytes],
    user,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Validate the whole file; if clean, write it in one transaction — or, for a dry run, write it, count what
    was created and updated, and roll it all back."""
    importer = importer_for(kind)
    if not user.may(importer.permission):
        raise Forbidden(_("You may not import data."))
    report = progress or (lambda *a, **k: None)
    report("read", 0, 1, force=True)
    sheet = importer.schema.read(source, progress=lambda d, t: report("read", d, t))
    ctx = None
    if not any(e.row <= 1 for e in sheet.errors):  # cell errors do not hide the cross-row ones
        report("check", 0, 1, force=True)
        ctx = importer.check(sheet, user=user)
    errors = sorted(sheet.errors, key=lambda e: (e.row, e.column))
    if errors:
        return ImportReport(ok=False, rows=sheet.total, errors=[e.as_dict() for e in errors])
    with transaction.atomic():  # a dry run writes the same way, counts, and rolls back: its figures are true
        created, updated = importer.write(sheet.rows, user=user, progress=report, ctx=ctx)
        if dry_run:
            transaction.set_rollback(True)
    report("done", sheet.total, sheet.total, force=True)
    return ImportReport(ok=True, rows=sheet.total, created=created, updated=updated)
