"""The Redis cache, forgiving: when Redis does not answer, a read misses and a write is skipped (and logged), so
that pages keep working while it is away. What the portal caches is either recomputed (the dashboard's figures),
advisory (progress bars) or a claim that only saves work (a pending roll-up refresh): losing it costs time, never
data. /healthz/ready still sees the failure (``get_many_or_raise``)."""
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _forgiving(method, fallback):
    def call(self, *args, **kwargs):
        try:
            return getattr(super(ForgivingRedisCache, self), method)(*args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("cache %s skipped, Redis does not answer: %s", method, exc)
            return fallback(*args, **kwargs)

    call.__name__ = method
    return call


class ForgivingRedisCache(RedisCache):
    get = _forgiving("get", lambda key, default=None, version=None: default)
    get_many = _forgiving("get_many", lambda *args, **kwargs: {})
    has_key = _forgiving("has_key", lambda *args, **kwargs: False)
    set = _forgiving("set", lambda *args, **kwargs: None)
    set_many = _forgiving("set_many", lambda data, *args, **kwargs: list(data))
    # a claim that cannot be recorded counts as won: the work it guards is done rather than skipped
    add = _forgiving("add", lambda *args, **kwargs: True)
    touch = _forgiving("touch", lambda *args, **kwargs: False)
    delete = _forgiving("delete", lambda *args, **kwargs: False)
    delete_many = _forgiving("delete_many", lambda *args, **kwargs: None)

    def get_many_or_raise(self, keys, version=None):
        return super().get_many(keys, version=version)
