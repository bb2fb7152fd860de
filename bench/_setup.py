"""Shared bench setup: a fresh database (DATABASE_URL, or a temporary SQLite file), migrated. `PARKOS_SQLITE_TEMPLATE`
names a migrated SQLite file to start the temporary one from (migrating is not what the benches time)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_ready(label: str, fresh: bool = True) -> str:
    """Configure Django on a fresh database (`fresh=False`: the one the last run of this bench left, if any);
    return a description of it."""
    tmp = Path(tempfile.mkdtemp(prefix=f"parkos-bench-{label}-"))
    os.environ.setdefault("PARKOS_ENV", "development")
    os.environ["PARKOS_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.settings")
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        name = f"{name}_bench_{label}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            there = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if fresh or not there:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        # a migrated SQLite file to start from (the test suite's smoke runs)
        template = os.environ.get("PARKOS_SQLITE_TEMPLATE")
        if template:
            shutil.copyfile(template, tmp / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection

    return f"{connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})"


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
