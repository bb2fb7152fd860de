"""Fast bulk inserts that also write the audit history, for imports and the demo.

Django's `bulk_create` compiles SQL per batch and, on SQLite, is limited to a few dozen rows per
statement; at 100,000 rows that dominates an import. Here a column list is prepared once and rows are
sent with PostgreSQL's COPY or SQLite's `executemany`. The history rows are the same rows as
simple-history's `bulk_create_with_history` would write (history_type "+", actor, time).

Rows are dicts keyed by field attname; missing fields take the field's default; `auto_now(_add)`
fields take the same `now`. Primary keys are allocated first (a sequence on PostgreSQL; the table's
max id under the write lock on SQLite), so callers get the ids back in row order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import connections, models, transaction
from django.utils import timezone

ANALYZE_AFTER = 10_000


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _allocate_ids(model: type[models.Model], n: int, conn) -> list[int]:
    table = model._meta.db_table
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            return [r[0] for r in cur.fetchall()]
        cur.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{table}"')  # noqa: S608
        start = cur.fetchone()[0] + 1
    return list(range(start, start + n))


def _columns(
    fields: Sequence[models.Field], given: dict[str, list[Any]], n: int, now, conn
) -> list[list[Any]]:
    """Column-wise values, adapted once per column for the database."""
    cols = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            cols.append([now] * n)
            continue
        values = given.get(f.attname)
        if values is None:
            values = [f.get_default()] * n
        if isinstance(f, models.JSONField):
            dumps = orjson.dumps
            values = [None if v is None else dumps(v).decode() for v in values]
        elif conn.vendor == "sqlite":
            if isinstance(f, models.DateTimeField):
                values = [conn.ops.adapt_datetimefield_value(v) if v is not None else None for v in values]
            elif isinstance(f, models.DateField):
                values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
            elif isinstance(f, models.DecimalField):
                values = [str(v) if v is not None else None for v in values]
        cols.append(values)
    return cols


def _write(conn, table: str, names: list[str], columns: list[list[Any]]) -> None:
    quoted = ", ".join(conn.ops.quote_name(n) for n in names)
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {conn.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cur.executemany(
                f"INSERT INTO {conn.ops.quote_name(table)} ({quoted}) VALUES ({marks})",  # noqa: S608
                list(zip(*columns, strict=True)),
            )


def bulk_insert(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, user=None, history: bool = True
) -> list[int]:
    """Insert rows (dicts) and, if the model is audited, one "+" history row each; return the new ids."""
    if not rows:
        return []
    present = {k for r in rows for k in r}
    columns = {
        f.attname: [r.get(f.attname, f.get_default()) for r in rows]
        for f in _fields(model)
        if f.attname in present
    }
    return bulk_insert_columns(model, columns, len(rows), user=user, history=history)


def bulk_insert_columns(
    model: type[models.Model],
    columns: dict[str, list[Any]],
    n: int,
    *,
    user=None,
    history: bool = True,
    ids: bool = True,
) -> list[int]:
    """`bulk_insert` for data already in columns (attname -> list of n values); fields left out take defaults.

    With `ids=False` (and no history) the database numbers the rows itself and nothing is returned."""
    if n == 0:
        return []
    db = model._default_manager.db
    conn = connections[db]
    if not transaction.get_connection(db).in_atomic_block:
        raise RuntimeError("bulk_insert must run inside a transaction")
    now = timezone.now()
    fields = _fields(model)
    cols = _columns(fields, columns, n, now, conn)
    hist = getattr(model, "history", None) if history else None
    if not ids and hist is None:
        _write(conn, model._meta.db_table, [f.column for f in fields], cols)
        _analyze(conn, model, n)
        return []
    pks = _allocate_ids(model, n, conn)
    _write(conn, model._meta.db_table, [model._meta.pk.column, *[f.column for f in fields]], [pks, *cols])
    if hist is not None:
        hmodel = hist.model
        tracked = {f.attname for f in _fields(hmodel)} & {f.attname for f in fields}
        hfields = [f for f in fields if f.attname in tracked]
        hcols = [cols[fields.index(f)] for f in hfields]
        stamp = conn.ops.adapt_datetimefield_value(now) if conn.vendor == "sqlite" else now
        _write(
            conn,
            hmodel._meta.db_table,
            [
                "id",
                *[hmodel._meta.get_field(f.name).column for f in hfields],
                "history_date",
                "history_type",
                "history_user_id",
                "history_change_reason",
            ],
            [pks, *hcols, [stamp] * n, ["+"] * n, [getattr(user, "pk", None)] * n, [None] * n],
        )
    _analyze(conn, model, n)
    return pks


def bulk_insert_objects(objs: Sequence[models.Model], *, user=None, history: bool = True) -> None:
    """`bulk_insert` for unsaved model instances; sets their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    fields = _fields(model)
    files = {f.attname for f in fields if isinstance(f, models.FileField)}
    rows = [
        {
            f.attname: (getattr(o, f.attname).name or "") if f.attname in files else getattr(o, f.attname)
            for f in fields
        }
        for o in objs
    ]
    for o, pk in zip(objs, bulk_insert(model, rows, user=user, history=history), strict=True):
        o.pk = pk


def _analyze(conn, model: type[models.Model], n: int) -> None:
    if conn.vendor == "postgresql" and n >= ANALYZE_AFTER:
        with conn.cursor() as cur:  # fresh planner statistics: autovacuum would get there only later
            cur.execute(f"ANALYZE {conn.ops.quote_name(model._meta.db_table)}")


# ---- helpers for every app's importers ----------------------------------------------------------------------
IMPORT_BATCH = 2000


def changed_fields(obj, data: dict[str, Any], fields: list[str]) -> list[str]:
    """The fields whose value in `data` differs from the record's (an import updates only those)."""
    return [f for f in fields if f in data and getattr(obj, f) != data[f]]


def in_chunks(qs, field: str, values, size: int = 5000) -> list:
    """`qs.filter(field__in=values)` in chunks, to stay under SQLite's limit on query parameters."""
    items = list(values)
    out: list = []
    for i in range(0, len(items), size):
        out.extend(qs.filter(**{f"{field}__in": items[i : i + size]}))
    return out


def ids_by_key(keys: set[str], qs, field: str = "uscc") -> dict[str, int]:
    """key → id for the rows of `qs` whose `field` is one of `keys` (chunked for SQLite)."""
    out: dict[str, int] = {}
    items = list(keys)
    for i in range(0, len(items), 5000):
        out.update(qs.filter(**{f"{field}__in": items[i : i + 5000]}).values_list(field, "pk"))
    return out


def bulk_write(model, creates: list, updates: list, fields: list[str], *, user, progress) -> None:
    """An import's writes: new rows inserted with their history, changed rows updated (version and time
    stamped, history recorded) in batches, with progress."""
    from django.utils import timezone
    from simple_history.utils import bulk_update_with_history

    total = len(creates) + len(updates)
    done = 0
    for i in range(0, len(creates), IMPORT_BATCH * 5):
        chunk = creates[i : i + IMPORT_BATCH * 5]
        bulk_insert(model, chunk, user=user)
        done += len(chunk)
        progress("write", done, total)
    if updates and fields:
        fields = [*fields, "version", "updated_at"]
        now = timezone.now()
        for i in range(0, len(updates), IMPORT_BATCH):
            chunk = updates[i : i + IMPORT_BATCH]
            for o in chunk:
                o.updated_at = now
            bulk_update_with_history(chunk, model, fields, batch_size=IMPORT_BATCH, default_user=user)
            done += len(chunk)
            progress("write", done, total)
