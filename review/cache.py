"""Django's Redis cache, with one redis-py client per connection pool instead of one per call, and no memcached
key warnings.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache
operation; each builds its table of ~160 response callbacks, about half a millisecond, which was most of what a
page-cache hit cost (delivery.pagecache). A `redis.Redis` is safe to share between threads (its pool hands out
connections), so each pool's client is made once and kept.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def validate_key(self, key):
        """Redis takes any key: the warnings about keys memcached would refuse (a scan of every character of every key,
        a page-cache hit reads twenty) do not apply."""
