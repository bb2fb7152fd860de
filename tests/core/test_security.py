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


# ---- rate limits and the client's address behind a proxy (issue 14 §6) ----------------------------------------
@override_settings(PARKOS_RATE_API="3/m")
def test_api_calls_over_the_limit_get_429_with_retry_after_per_token(client, staff_a, staff_b, ent_a):
    from parkos.core.services import api_token_create

    _t, mine = api_token_create(user=staff_a, name="报表系统")
    _t, theirs = api_token_create(user=staff_b, name="另一系统")
    codes = [
        client.get(f"/api/v1/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {mine}").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    r = client.get(f"/api/v1/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {mine}")
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 60
    assert "请求过于频繁" in r.json()["detail"]
    # another caller has its own count
    assert client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Bearer {theirs}").status_code == 200


@override_settings(PARKOS_RATE_LOGIN="3/m", AXES_FAILURE_LIMIT=100)
def test_login_posts_over_the_limit_get_429_with_retry_after(client, staff_a):
    for _ in range(3):
        assert client.post("/login/", {"username": "staff_a", "password": "wrong"}).status_code == 200
    r = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r["Retry-After"]) >= 1
    assert "请求过于频繁" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/login/").status_code == 200  # the page itself still opens


@override_settings(PARKOS_TRUSTED_PROXIES=1, AXES_FAILURE_LIMIT=3)
def test_behind_the_proxy_the_lockout_keys_on_the_client_not_the_proxy(client, staff_a):
    """nginx (10.0.0.2) appends the address it saw; a client's own X-Forwarded-For entry does not count."""
    from django.test import Client

    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    for _ in range(3):
        client.post("/login/", {"username": "staff_a", "password": "wrong"}, **attacker)
    assert (
        client.post("/login/", {"username": "staff_a", "password": PASSWORD}, **attacker).status_code == 429
    )
    colleague = Client()  # another official behind the same proxy
    r = colleague.post(
        "/login/",
        {"username": "staff_a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert r.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy trusted: the header is the client's word, ignored
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "1.1.1.1, 198.51.100.7", "198.51.100.7"),  # what the client wrote itself is further left
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # a load balancer and nginx
        (1, "not-an-address", "10.0.0.2"),
        (2, "198.51.100.7", "10.0.0.2"),  # fewer hops than proxies: the peer
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(rf, settings, proxies, xff, expected):
    from parkos.core.security import client_ip

    settings.PARKOS_TRUSTED_PROXIES = proxies
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=xff)) == expected
