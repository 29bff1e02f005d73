"""Django's Redis cache, keeping one client per connection pool and carrying on while Redis is away.

Django's client makes a new ``redis.Redis`` object for every operation; building it costs more than the round trip
to Redis itself, and a session read (what every signed-in page does first) is one such operation. The objects are
safe to share: they only hold the pool.

Redis holds nothing the app cannot do without (sessions are also in the database, pages and judgements can be
built again), so an unreachable Redis reads as an empty cache and writes are dropped, with a warning, rather than
failing the request.
"""

import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# An unreachable Redis must cost a request little: connect and answer within half a second or count as away.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


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


def _tolerant(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(RedisCache, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable (%s): %s", name, error)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _default(key, default=None, version=None):
    return default


# SET the key to ARGV[1] unless it holds a number at least as large; ARGV[2] is the expiry in seconds.
_RAISE_TO = """
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


# {stamp, value} of hash KEYS[1] while the key it names still holds the stamp it was kept with; nil otherwise.
_GET_STAMPED = """
local kept = redis.call('HMGET', KEYS[1], 'stamp_key', 'stamp', 'value')
if not kept[1] then
  return false
end
if redis.call('GET', kept[1]) == kept[2] then
  return {kept[2], kept[3]}
end
return false
"""


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _ReusingClient

    def _script(self, client, source):
        """The Lua script bound to ``client``: sent once, then run by its digest (EVALSHA)."""
        scripts = self.__dict__.setdefault("_scripts", {})
        if (id(client), source) not in scripts:
            scripts[id(client), source] = client.register_script(source)
        return scripts[id(client), source]

    def raise_to(self, key, value, timeout):
        """Set ``key`` to the number ``value`` unless it holds a larger one: a number that only ever rises (a
        published data version), whatever order writers arrive in."""
        try:
            client = self._cache.get_client(key, write=True)
            script = self._script(client, _RAISE_TO)
            return bool(script(keys=[self.make_and_validate_key(key)], args=[int(value), int(timeout)]))
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable (raise_to): %s", error)
            return False

    def set_stamped(self, key, value, *, stamp_key, stamp, timeout):
        """Keep ``value`` under ``key`` with ``stamp``: ``get_stamped`` gives it back only while the key
        ``stamp_key`` holds that same stamp (a number)."""
        try:
            client = self._cache.get_client(key, write=True)
            full_key = self.make_and_validate_key(key)
            mapping = {
                "stamp_key": self.make_and_validate_key(stamp_key),
                "stamp": str(int(stamp)),
                "value": self._cache._serializer.dumps(value),
            }
            with client.pipeline() as pipeline:
                pipeline.delete(full_key)
                pipeline.hset(full_key, mapping=mapping)
                pipeline.expire(full_key, int(timeout))
                pipeline.execute()
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable (set_stamped): %s", error)

    def publish(self, channel, message):
        """Publish ``message`` on the pub/sub ``channel`` (no key prefix: every process of the site listens)."""
        try:
            self._cache.get_client(write=True).publish(channel, message)
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable (publish): %s", error)

    def get_stamped(self, key):
        """``(value, stamp)`` of what ``set_stamped`` kept under ``key`` if its stamp still stands, else None: one
        round trip."""
        try:
            client = self._cache.get_client(key)
            kept = self._script(client, _GET_STAMPED)(keys=[self.make_and_validate_key(key)])
        except UNREACHABLE as error:
            logger.warning("Redis cache unreachable (get_stamped): %s", error)
            return None
        except ResponseError:  # the key holds something else (kept by an older release): read as a miss
            return None
        if kept is None:
            return None
        stamp, value = kept
        return self._cache._serializer.loads(value), int(stamp)

    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", lambda *args, **kwargs: False)
    add = _tolerant("add", lambda *args, **kwargs: False)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    clear = _tolerant("clear", lambda *args, **kwargs: None)
