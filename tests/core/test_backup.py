"""Backup and restore (issue 14 §7): the database and every uploaded file with a manifest of row counts and
checksums; a restore into an empty database gives the same rows and the same files, a non-empty one is refused
without --force, and a damaged backup is refused before anything is touched."""

import io
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from parkos.core.backup import BackupError, backup, read_manifest, restore, sha256
from parkos.core.services import attachments_add
from tests.factories import EnterpriseFactory

POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def zone(transactional_db, admin, dept_a, ent_a):
    """Committed rows (pg_dump sees only what is committed) and two uploaded files."""
    from parkos.servicedesk import services as desk

    EnterpriseFactory.create_batch(3, owner=dept_a)
    desk.install_default_categories()
    from parkos.servicedesk.models import Category

    req = desk.request_submit(
        user=admin,
        enterprise_id=ent_a.pk,
        category_id=Category.objects.first().pk,
        title="用电增容",
        text="申请增容",
    )
    attachments_add(
        user=admin,
        target="servicedesk.request",
        target_id=req.pk,
        uploads=[
            SimpleUploadedFile("现场照片.png", PNG),
            SimpleUploadedFile("增容说明.pdf", PDF),
        ],
    )
    return req


def _source_counts() -> dict[str, int]:
    with connection.cursor() as c:
        out = {}
        for t in connection.introspection.table_names(c):
            c.execute(f'SELECT COUNT(*) FROM "{t}"')
            out[t] = c.fetchone()[0]
        return out


def test_the_manifest_counts_every_table_and_hashes_every_file(zone, tmp_path):
    m = backup(tmp_path / "bk")
    assert m["tables"] == _source_counts()
    assert (m["tables"]["enterprises_enterprise"], m["tables"]["core_attachment"]) == (4, 2)
    assert len(m["files"]) == 2
    media = Path(settings.MEDIA_ROOT)
    for rel, meta in m["files"].items():
        assert meta["sha256"] == sha256(media / rel) == sha256(tmp_path / "bk" / "files" / rel)
    assert read_manifest(tmp_path / "bk")["rows"] == sum(m["tables"].values())
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "bk")  # never over an earlier backup


@pytest.fixture
def empty_postgres():
    import psycopg

    db = dict(settings.DATABASES["default"])
    admin = psycopg.connect(
        dbname="postgres",
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )
    name = f"parkos_restore_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    yield {**db, "NAME": name}
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL: pg_dump and pg_restore")
def test_backup_restores_into_an_empty_postgresql_database_with_the_same_rows_and_files(
    zone, tmp_path, empty_postgres
):
    import psycopg

    m = backup(tmp_path / "bk")
    restored_media = tmp_path / "restored-media"
    restore(tmp_path / "bk", database=empty_postgres, media_root=restored_media)
    target = empty_postgres
    conninfo = {"dbname": target["NAME"], "host": target["HOST"] or None, "user": target["USER"] or None}
    with psycopg.connect(**conninfo, port=target["PORT"] or None) as c:
        names = [r[0] for r in c.execute("SELECT name FROM enterprises_enterprise ORDER BY name").fetchall()]
        counts = {t: c.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in m["tables"]}
    assert counts == m["tables"] == _source_counts()
    assert "长沙甲方重工有限公司" in names
    assert {r: sha256(restored_media / r) for r in m["files"]} == {
        r: f["sha256"] for r, f in m["files"].items()
    }
    with pytest.raises(BackupError, match="empty database"):  # it has tables now
        restore(tmp_path / "bk", database=empty_postgres, media_root=tmp_path / "other-media")
    restore(tmp_path / "bk", database=empty_postgres, media_root=restored_media, force=True)


@pytest.mark.skipif(POSTGRES, reason="SQLite: the online backup API")
def test_backup_restores_into_an_empty_sqlite_database_with_the_same_rows_and_files(zone, tmp_path):
    m = backup(tmp_path / "bk")
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
    restore(tmp_path / "bk", database=target, media_root=tmp_path / "restored-media")
    c = sqlite3.connect(target["NAME"])
    counts = {t: c.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in m["tables"]}
    c.close()
    assert counts == m["tables"] == _source_counts()
    assert all(sha256(tmp_path / "restored-media" / r) == f["sha256"] for r, f in m["files"].items())
    with pytest.raises(BackupError, match="empty database"):
        restore(tmp_path / "bk", database=target, media_root=tmp_path / "m2")


def test_a_damaged_backup_is_refused_before_anything_is_touched(zone, tmp_path):
    m = backup(tmp_path / "bk")
    rel = next(iter(m["files"]))
    (tmp_path / "bk" / "files" / rel).write_bytes(b"tampered")
    target = {"ENGINE": settings.DATABASES["default"]["ENGINE"], "NAME": str(tmp_path / "never.sqlite3")}
    with pytest.raises(BackupError, match="checksum"):
        restore(tmp_path / "bk", database=target, media_root=tmp_path / "never-media")
    assert not (tmp_path / "never.sqlite3").exists()
    assert not (tmp_path / "never-media").exists()
    out = io.StringIO()
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "bk"), "--check", stdout=out)


def test_the_commands_back_up_and_refuse_to_restore_over_a_working_database(zone, tmp_path):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "bk"), stdout=out)
    assert "2 files" in out.getvalue()
    out = io.StringIO()
    call_command("restore", str(tmp_path / "bk"), "--check", stdout=out)
    assert "intact" in out.getvalue()
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(tmp_path / "bk"))
    assert _source_counts()["enterprises_enterprise"] == 4
