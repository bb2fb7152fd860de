"""The shared cache's backend: Django's Redis cache, keeping one client per server for the process.

Django's `RedisCacheClient` builds a new `redis.Redis` object for every cache call (the connection pool is kept,
but each client rebuilds its table of ~170 reply handlers): two to four cache calls per API request — the rate limit
and the token lookup — cost more in building clients than in talking to Redis. A `redis.Redis` object is safe to
share between threads (each command takes a connection from the pool), so one per server is kept. And `incr` (the
rate limit's count) is one round trip — a script that adds to the key only if it is there — not Django's two
(EXISTS, then INCRBY)."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_INCR_IF_THERE = """
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false
"""


class KeptClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept: dict[int, object] = {}
        self._incr = None

    def incr(self, key, delta):
        if self._incr is None:
            self._incr = self.get_client(key, write=True).register_script(_INCR_IF_THERE)
        value = self._incr(keys=[key], args=[delta], client=self.get_client(key, write=True))
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._kept.get(index)
        if client is None:
            client = self._kept[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClient
