"""Django's Redis cache with short timeouts and a circuit breaker.

The cache holds content only (pages and conflict judgements built after the access decision), all of which can be
built again, so Redis is never worth waiting for. Every operation has half a second to connect and to answer, and
is not retried; when one fails, the process stops asking Redis for ``BREAK_SECONDS``: the cache then reads as empty
and writes are dropped. A hung Redis therefore costs one request of each process at most one timeout, and then
nothing until the breaker lets one request try again.

Django's client makes a new ``redis.Redis`` object for every operation; building it costs more than the round trip
itself. The objects only hold the connection pool and are safe to share, so one is kept per pool.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
BREAK_SECONDS = 30.0


class CircuitBreaker:
    """Open for ``BREAK_SECONDS`` after a failure; then one caller at a time may try again (half-open)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0

    def allows(self):
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                return False
            if self._open_until:
                # Half-open: this caller tries; the others wait for its answer as if still open.
                self._open_until = now + BREAK_SECONDS
            return True

    def succeeded(self):
        with self._lock:
            self._open_until = 0.0

    def failed(self):
        with self._lock:
            self._open_until = time.monotonic() + BREAK_SECONDS

    @property
    def is_open(self):
        return time.monotonic() < self._open_until


# One breaker per Redis address, shared by every thread of the process (Django makes a cache object per thread).
_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location):
    with _breakers_lock:
        return _breakers.setdefault(location, CircuitBreaker())


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _guarded(name, fallback):
    def method(self, *args, **kwargs):
        if not self.breaker.allows():
            return fallback(*args, **kwargs)
        try:
            result = getattr(super(RedisCache, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            self.breaker.failed()
            logger.warning("Redis cache unreachable (%s), not asked for %d s: %s", name, BREAK_SECONDS, error)
            return fallback(*args, **kwargs)
        self.breaker.succeeded()
        return result

    method.__name__ = name
    return method


def _default(key, default=None, version=None):
    return default


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _ReusingClient
        self.breaker = breaker_for(server)

    get = _guarded("get", _default)
    get_many = _guarded("get_many", lambda *args, **kwargs: {})
    has_key = _guarded("has_key", lambda *args, **kwargs: False)
    add = _guarded("add", lambda *args, **kwargs: False)
    set = _guarded("set", lambda *args, **kwargs: None)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    touch = _guarded("touch", lambda *args, **kwargs: False)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda *args, **kwargs: None)
