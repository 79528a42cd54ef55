"""Django's Redis cache, with one redis-py client per connection pool instead of one per call, and no memcached
key warnings.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache
operation; each builds its table of ~160 response callbacks, about half a millisecond, which was most of what a
page-cache hit cost (delivery.pagecache). A `redis.Redis` is safe to share between threads (its pool hands out
connections), so each pool's client is made once and kept.

It also carries news (`News`): a channel on which writers announce that something changed, and each process hears
it without asking Redis, so a page-cache hit needs no round trip at all (delivery.pagecache).
"""

import contextlib
import os
import threading
import time
from functools import cached_property

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.client import PubSub
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

CHANGES = "review:changes"  # announced at every purge (delivery.purge) and every move of the listing generation


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
        self._news = {}

    def news(self, name):
        """The `News` of channel `name` (under this cache's key prefix), one per process and name."""
        return self._news.get(name) or self._news.setdefault(name, News(self, name))

    def validate_key(self, key):
        """Redis takes any key: the warnings about keys memcached would refuse (a scan of every character of every key,
        a page-cache hit reads twenty) do not apply."""


class Listener(PubSub):
    """A subscription that counts its connections: redis-py subscribes again by itself after a dropped connection,
    and what was published while it was down never arrives."""

    def __init__(self, *args, on_connect_also, **kwargs):
        self.on_connect_also = on_connect_also
        super().__init__(*args, **kwargs)

    def on_connect(self, connection):
        self.on_connect_also()
        super().on_connect(connection)


class News:
    """Whether anything was announced on a channel since this process last looked, told without a round trip.

    Every process that asks subscribes once (again after a fork) and keeps the subscription; `heard()` takes in what
    has arrived on its socket (a poll, no request to Redis) and answers with a count that moves at every
    announcement heard, and also at every (re)connection and error, when announcements may have been missed. Two
    equal counts mean nothing was announced in between: Redis writes a message to every subscriber's socket in the
    same pass, microseconds apart, in which it answers the announcer (a subscriber too slow to take it in is cut off,
    which counts), so the news is on every listener's socket long before the announcer's own answer (an editor's
    save) can reach anyone who then asks. None: this process cannot listen now (Redis is down),
    and the caller must ask Redis itself.
    """

    def __init__(self, backend, name):
        self.backend, self.name = backend, name
        self.lock = threading.RLock()  # threaded workers share one subscription
        self.pid, self.listener, self.count = None, None, 0

    @cached_property
    def channel(self):
        """The name under this cache's key prefix and database: channels are not per database in Redis."""
        database = self.backend._cache._get_connection_pool(write=True).connection_kwargs.get("db", 0)
        return f"{self.backend.make_and_validate_key(self.name)}@{database}"

    def announce(self):
        self.backend._cache.get_client(write=True).publish(self.channel, b"")

    def heard(self):
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's subscription is the parent's
                self.pid, self.listener = os.getpid(), None
            try:
                if self.listener is None:
                    self.listener = self.listen()
                while self.listener.connection.can_read(timeout=0):
                    self.listener.get_message(timeout=0)
                    self.count += 1
            except (RedisError, OSError):
                self.forget()
                return None
            return self.count

    def listen(self):
        pool = self.backend._cache._get_connection_pool(write=True)
        listener = Listener(pool, on_connect_also=self.moved)
        listener.subscribe(self.channel)
        deadline = time.monotonic() + 2
        while (message := listener.get_message(timeout=max(0.0, deadline - time.monotonic()))) is None or message["type"] != "subscribe":
            if time.monotonic() >= deadline:
                listener.close()
                raise RedisTimeoutError(f"no confirmation of the subscription to {self.channel}")
        self.moved()
        return listener

    def moved(self):
        self.count += 1

    def forget(self):
        if self.listener is not None:
            with contextlib.suppress(RedisError, OSError):
                self.listener.close()
        self.listener = None
        self.moved()


def changes():
    """The `News` of CHANGES on the default cache, None where the cache has no channels (one process's memory, a
    database): there, what changed is read from the cache itself."""
    news = getattr(cache, "news", None)
    return news(CHANGES) if news else None


def announce_change():
    if news := changes():
        news.announce()
