"""The shared cache in production is Redis (`parkos.core.cache.RedisCache`): these tests run it against a private
redis-server (the same program production runs), since the rate limit's count and the token cache live there."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from parkos.core.models import ApiToken
from parkos.core.services import api_token_create, api_token_for, api_token_revoke


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    assert server, "redis-server is needed (scripts/system-deps.sh installs it)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(  # noqa: S603
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(work),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_cache(redis_url):
    conf = {"default": {"BACKEND": "parkos.core.cache.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=conf):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.close()


def test_incr_counts_in_one_step_and_refuses_a_missing_key(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("count")
    assert redis_cache.get("count") is None  # a refused incr leaves no key behind (no TTL-less counter)
    assert redis_cache.add("count", 1, timeout=30)
    assert not redis_cache.add("count", 1, timeout=30)
    assert redis_cache.incr("count") == 2
    assert redis_cache.incr("count", 5) == 7
    assert redis_cache.get("count") == 7
    assert 0 < redis_cache._cache.get_client(write=True).ttl(redis_cache.make_key("count")) <= 30


def test_one_client_is_kept_for_the_process_and_a_count_is_one_round_trip(redis_cache, monkeypatch):
    client = redis_cache._cache
    redis = client.get_client("a", write=True)
    assert redis is client.get_client("b", write=True)
    redis_cache.set("n", 1)
    redis_cache.incr("n")  # the first loads the script
    sent = []
    original = redis.execute_command
    monkeypatch.setattr(redis, "execute_command", lambda *a, **kw: sent.append(a[0]) or original(*a, **kw))
    assert redis_cache.incr("n") == 3
    assert sent == ["EVALSHA"]


@pytest.mark.django_db
def test_a_token_cached_in_redis_is_forgotten_when_revoked(redis_cache, staff_a):
    token, raw = api_token_create(user=staff_a, name="交换")
    assert api_token_for(raw) is not None
    cached = redis_cache.get(f"parkos:api-token:{token.digest}")
    assert isinstance(cached, ApiToken)
    assert cached.user.username == "staff_a"
    api_token_revoke(user=staff_a, pk=token.pk)
    assert redis_cache.get(f"parkos:api-token:{token.digest}") is None
    assert api_token_for(raw) is None


@pytest.mark.django_db
def test_the_api_rate_limit_counts_in_redis_and_answers_429(redis_cache, client, staff_a, ent_a, settings):
    settings.PARKOS_RATE_API = "3/d"  # a day's window: the four calls never straddle two
    _t, raw = api_token_create(user=staff_a, name="限流")
    codes = [
        client.get(f"/api/v1/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
