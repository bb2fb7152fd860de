"""Backup and restore of the whole zone: the database and the uploaded files, with a manifest that proves the copy.

    parkos backup --output /srv/backup/2026-12-01     # database + files + manifest.json
    parkos restore /srv/backup/2026-12-01             # into an empty database (--force: replace what is there)

A backup directory holds
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup API),
- `files/`: every uploaded file (attachments, import uploads, evidence) under its path in `MEDIA_ROOT`,
- `manifest.json`: the engine, the applied migrations, the row count of every table and the SHA-256 of the database
  file and of every uploaded file.

On PostgreSQL the row counts and the dump read the same snapshot (`pg_export_snapshot()` shared with
`pg_dump --snapshot`), so the manifest is exact while the zone keeps working. A restore first checks every checksum
of the backup, refuses a database that has tables (or a files directory that has files) unless forced, restores,
and then counts the rows and hashes the files again: a restore that does not match its manifest is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
FILES = "files"
DB_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done or does not match its manifest (the message says why)."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_file():
                yield p


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (PostgreSQL's client programs are needed)") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[-2000:]}")


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for t in tables:
        quoted = '"' + t.replace('"', '""') + '"'  # a name from the catalogue, quoted
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
        counts[t] = cursor.fetchone()[0]
    return counts


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [r[0] for r in cursor.fetchall()]


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    last: dict[str, str] = {}
    for app, name in cursor.fetchall():
        last[app] = max(name, last.get(app, ""))
    return last


# ---- backup ---------------------------------------------------------------------------------------------------
def backup(output: Path, *, using: str = "default", media_root: Path | None = None) -> dict[str, Any]:
    """Write the database, the uploaded files and the manifest into `output` (a new or empty directory)."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: a backup goes into a new directory")
    output.mkdir(parents=True, exist_ok=True)
    conn = connections[using]
    vendor = conn.vendor
    if vendor not in DB_FILE:
        raise BackupError(f"no backup for the {vendor} database engine")
    db_path = output / DB_FILE[vendor]
    if vendor == "postgresql":
        tables, counts, migrations = _backup_postgresql(conn, using, db_path)
    else:
        tables, counts, migrations = _backup_sqlite(conn, db_path)
    media = Path(media_root or settings.MEDIA_ROOT)
    files: dict[str, dict[str, Any]] = {}
    for src in _walk(media):
        rel = src.relative_to(media).as_posix()
        dst = output / FILES / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        files[rel] = {"size": dst.stat().st_size, "sha256": sha256(dst)}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "engine": vendor,
        "database": {"file": db_path.name, "size": db_path.stat().st_size, "sha256": sha256(db_path)},
        "migrations": migrations,
        "tables": counts,
        "rows": sum(counts.values()),
        "files": files,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _backup_postgresql(conn, using: str, db_path: Path) -> tuple[list[str], dict[str, int], dict[str, str]]:
    """Count the rows and dump the database from one snapshot (the counts are the dump's, to the row)."""
    db = conn.settings_dict
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _pg_tables(cursor)
        counts = _count_rows(cursor, tables)
        migrations = _migrations(cursor) if "django_migrations" in tables else {}
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={db_path}",
                "--dbname",
                db["NAME"],
            ],
            _pg_env(db),
        )
    return tables, counts, migrations


def _backup_sqlite(conn, db_path: Path) -> tuple[list[str], dict[str, int], dict[str, str]]:
    """SQLite's online backup (a consistent copy while others write), then count the copy itself."""
    conn.ensure_connection()
    dst = sqlite3.connect(db_path)
    try:
        conn.connection.backup(dst)
        cursor = dst.cursor()
        tables = _sqlite_tables(cursor)
        counts = _count_rows(cursor, tables)
        migrations = _migrations(cursor) if "django_migrations" in tables else {}
    finally:
        dst.close()
    return tables, counts, migrations


# ---- restore --------------------------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a ParkOS backup")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise BackupError(f"{path} is not valid JSON") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """Check every checksum of a backup directory (the database file and each uploaded file)."""
    source = Path(source)
    manifest = read_manifest(source)
    db = manifest["database"]
    if not (source / db["file"]).is_file() or sha256(source / db["file"]) != db["sha256"]:
        raise BackupError(f"{db['file']} is missing or does not match its checksum")
    for rel, meta in manifest["files"].items():
        p = source / FILES / rel
        if not p.is_file() or sha256(p) != meta["sha256"]:
            raise BackupError(f"{FILES}/{rel} is missing or does not match its checksum")
    return manifest


def restore(
    source: Path,
    *,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Restore a verified backup into `database` (a Django database settings dict; default: the project's) and
    `media_root`, then prove it: every table's row count and every file's checksum as in the manifest."""
    source = Path(source)
    manifest = verify(source)
    db: dict[str, Any] = dict(database or settings.DATABASES["default"])
    vendor = (
        "postgresql"
        if "postgresql" in db["ENGINE"]
        else "sqlite"
        if "sqlite" in db["ENGINE"]
        else db["ENGINE"]
    )
    if vendor != manifest["engine"]:
        raise BackupError(f"a {manifest['engine']} backup restores into {manifest['engine']}, not {vendor}")
    media = Path(media_root or settings.MEDIA_ROOT)
    tables = _target_tables(vendor, db)
    has_files = any(True for _ in _walk(media))
    if (tables or has_files) and not force:
        what = f"the database has {len(tables)} tables" if tables else f"{media} has files"
        raise BackupError(f"{what}: a restore goes into an empty database (--force replaces what is there)")
    if vendor == "postgresql":
        _restore_postgresql(source / manifest["database"]["file"], db, wipe=bool(tables))
    else:
        _restore_sqlite(source / manifest["database"]["file"], db)
    if media.exists():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    for rel in manifest["files"]:
        dst = media / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / FILES / rel, dst)
    counts = _target_counts(vendor, db)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong or set(counts) != set(manifest["tables"]):
        detail = ", ".join(
            f"{t}: {got} rows, {want} in the manifest" for t, (want, got) in list(wrong.items())[:5]
        )
        raise BackupError(f"the restored database does not match the manifest ({detail or 'other tables'})")
    for rel, meta in manifest["files"].items():
        if sha256(media / rel) != meta["sha256"]:
            raise BackupError(f"restored file {rel} does not match its checksum")
    return manifest


def _pg_connect(db: dict[str, Any]):
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )


def _target_tables(vendor: str, db: dict[str, Any]) -> list[str]:
    if vendor == "postgresql":
        with _pg_connect(db) as c, c.cursor() as cursor:
            return _pg_tables(cursor)
    path = Path(db["NAME"])
    if not path.exists():
        return []
    c = sqlite3.connect(path)
    try:
        return _sqlite_tables(c.cursor())
    finally:
        c.close()


def _target_counts(vendor: str, db: dict[str, Any]) -> dict[str, int]:
    if vendor == "postgresql":
        with _pg_connect(db) as c, c.cursor() as cursor:
            return _count_rows(cursor, _pg_tables(cursor))
    c = sqlite3.connect(db["NAME"])
    try:
        cursor = c.cursor()
        return _count_rows(cursor, _sqlite_tables(cursor))
    finally:
        c.close()


def _restore_postgresql(dump: Path, db: dict[str, Any], *, wipe: bool) -> None:
    if wipe:  # --force: the schema and everything in it go; the dump recreates them
        with _pg_connect(db) as c:
            c.execute("DROP SCHEMA public CASCADE")
            c.execute("CREATE SCHEMA public")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            db["NAME"],
            str(dump),
        ],
        _pg_env(db),
    )


def _restore_sqlite(copy: Path, db: dict[str, Any]) -> None:
    target = Path(db["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in (target.name, target.name + "-wal", target.name + "-shm"):
        (target.parent / name).unlink(missing_ok=True)
    src, dst = sqlite3.connect(copy), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
