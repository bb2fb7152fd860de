import fcntl
import os
import subprocess
import sys

os.environ.setdefault("PARKOS_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API beside live_server

import pytest  # noqa: E402

from parkos.core.models import Role  # noqa: E402
from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory, enterprise_user  # noqa: E402


@pytest.fixture
def dept_a(db):
    return DepartmentFactory(code="JFJ", name="经济发展局")


@pytest.fixture
def dept_b(db):
    return DepartmentFactory(code="TCJ", name="投资促进局")


@pytest.fixture
def admin(db):
    return UserFactory(
        username="admin", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True, is_staff=True
    )


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", role=Role.LEADER, department=None)


@pytest.fixture
def staff_a(dept_a):
    return UserFactory(username="staff_a", role=Role.DEPT_STAFF, department=dept_a)


@pytest.fixture
def staff_b(dept_b):
    return UserFactory(username="staff_b", role=Role.DEPT_STAFF, department=dept_b)


@pytest.fixture
def ent_a(dept_a):
    return EnterpriseFactory(owner=dept_a, name="长沙甲方重工有限公司")


@pytest.fixture
def ent_b(dept_b):
    return EnterpriseFactory(owner=dept_b, name="湖南乙方芯片有限公司")


@pytest.fixture
def ent_user_a(ent_a):
    return enterprise_user(ent_a, "qiye_a")


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def client_admin(client, admin):
    return _client_for(client, admin)


@pytest.fixture
def client_staff_a(client, staff_a):
    return _client_for(client, staff_a)


@pytest.fixture
def client_ent_a(client, ent_user_a):
    return _client_for(client, ent_user_a)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, worker_id):
    """One SQLite database with every migration applied, built once for the whole run: the tests and bench scripts
    that run `parkos` in a subprocess on their own SQLite file start from a copy of it instead of migrating again
    (one migrate is 1–2 minutes). The first xdist worker to need it builds it under a file lock; the other waits."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the workers' base directories share this parent
    path = root / "migrated.sqlite3"
    with open(root / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            work = root / "migrating"
            work.mkdir(exist_ok=True)
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
            env.update({"PARKOS_DATA_DIR": str(work), "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}"})
            subprocess.run(
                [sys.executable, "-m", "parkos.cli", "migrate", "-v0"], env=env, check=True, timeout=900
            )
            (work / "db.sqlite3").rename(path)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium (apt `chromium`); Playwright's own browser download is not used."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("PARKOS_CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the zone's settings and job progress are cached, and a test's
    database is rolled back after it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """The long tests first (slow, then browser), each group in its own order. With `--dist worksteal` (make test) each
    worker starts on half of the list and the one that runs out takes half of what the other has left, so the long
    tests are shared out from the start instead of trailing the run on one worker, and the tests of a module stay
    together (the route matrix builds its zone once per worker)."""
    items.sort(
        key=lambda i: 0 if i.get_closest_marker("slow") else 1 if i.get_closest_marker("browser") else 2
    )
