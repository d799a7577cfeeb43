"""A Redis cache that degrades to « no cache » while Redis is unreachable.

The portal's pages only use the cache to go faster (and rate limits fail open), so an
outage of Redis must slow them down, not break them. After a failure the process stops
trying for a few seconds, so that each request does not wait for the connect timeout.

Clearing the cache deletes the keys under its own KEY_PREFIX, never the whole Redis
database: the broker (CELERY_BROKER_URL defaults to REDIS_URL), another site or another
test run may be using the same database.
"""

import logging
import re
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from lib import cacheversion
from lib.rediskeys import delete_prefixed

logger = logging.getLogger(__name__)

# Unreachable, or refusing (read-only replica during a failover, MISCONF, out of memory).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, RedisResponseError, ConnectionError, TimeoutError, OSError)
PAUSE_SECONDS = 10.0
READS = {"get", "get_many", "has_key"}


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis-py client around its connection pool for every cache call;
    redis-py 8 fills a table of some 170 response callbacks in each, which costs more CPU
    than the round trip to Redis (the observatory's explorer, bench/observatoire.py). One
    client per kind of call (read, write) is built once and reused: a client holds no
    connection of its own (it takes one from the pool per command) and is thread-safe.
    With read replicas, a process reads from the one its first read picked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = {}

    def get_client(self, key=None, *, write=False):
        client = self.clients.get(write)
        if client is None:
            client = self.clients[write] = super().get_client(key, write=write)
        return client


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache whose clear() deletes its own keys only (Django's is FLUSHDB).

    Keys are made by Django's default key function, `<KEY_PREFIX>:<version>:<key>`.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient  # Django's RedisCache names its client class here
        # Django writes to the first server; clear() talks to it with a client of its own
        # (Django's client is private), with the same socket timeouts.
        self.write_url = (re.split("[;,]", server) if isinstance(server, str) else server)[0]
        options = params.get("OPTIONS", {})
        self.socket_options = {name: value for name, value in options.items() if name.startswith("socket_")}

    def clear(self):
        with redis.Redis.from_url(self.write_url, **self.socket_options) as client:
            delete_prefixed(client, f"{self.key_prefix}:")
        return True


class ResilientRedisCache(PrefixedRedisCache):
    _down_until = 0.0  # per process: while in the future, Redis is not even tried
    _missed_writes = False  # this process failed to reach Redis: versions to bump once back

    def _guard(self, method: str, fallback, *args, **kwargs):
        if time.monotonic() < ResilientRedisCache._down_until:
            ResilientRedisCache._missed_writes = True
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE:
            ResilientRedisCache._down_until = time.monotonic() + PAUSE_SECONDS
            ResilientRedisCache._missed_writes = True
            logger.warning("Cache Redis injoignable : pages servies sans cache pendant %s s.", PAUSE_SECONDS)
            return fallback
        if ResilientRedisCache._missed_writes:
            # Back: the changes made meanwhile could not bump the cache versions; bump them
            # all now, so that no page cached before the outage is served again.
            ResilientRedisCache._missed_writes = False
            cacheversion.bump_all()
            if method in READS:
                result = getattr(super(), method)(*args, **kwargs)  # read again, after the bump
        return result

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", None, key, delta, version)

    def clear(self):
        return self._guard("clear", None)
