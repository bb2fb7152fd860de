import os
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.factories import PASSWORD


@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_locks_after_repeated_failures(client, staff_a):
    for _ in range(3):
        r = client.post("/login/", {"username": "staff_a", "password": "wrong"})
    assert r.status_code == 429
    assert "锁定" in r.content.decode()
    # even the right password is refused while locked
    r = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_with_right_password(client, staff_a):
    r = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_a.pk)


def _production_env(**extra):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "PARKOS_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "PARKOS_ENV": "production",
            "SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 40,
            "ALLOWED_HOSTS": "parkos.example.org",
            "DJANGO_SETTINGS_MODULE": "parkos.settings",
        },
        **extra,
    )
    return env


def test_deploy_check_is_clean_in_production():
    r = subprocess.run(
        [sys.executable, "-m", "parkos.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"DEBUG": "1"}, "DEBUG must not be on"), ({"SECRET_KEY": ""}, "SECRET_KEY is required")],
)
def test_production_refuses_unsafe_settings(extra, message):
    r = subprocess.run(
        [sys.executable, "-m", "parkos.cli", "check"],
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0
    assert message in r.stderr
