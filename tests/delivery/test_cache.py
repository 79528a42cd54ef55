"""Production's cache backend (review.cache.RedisCache) against a real Redis: Django's, with one client per pool."""

import os

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from review.cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/13"


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("REVIEW_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis does not answer: {error}")
        pytest.skip(f"Redis does not answer on {LOCATION}: the production cache is NOT tested")
    cache = RedisCache(LOCATION, {"KEY_PREFIX": f"test-{os.getpid()}"})
    yield cache
    cache.clear()


def test_the_production_cache_keeps_one_client_and_behaves_as_djangos(backend):
    assert backend._cache.get_client() is backend._cache.get_client(write=True), "one redis-py client, not one per call"
    plain = DjangoRedisCache(LOCATION, {"KEY_PREFIX": f"test-{os.getpid()}"})
    assert plain._cache.get_client() is not plain._cache.get_client()  # what it replaces: a client built per call

    long_key = "review:stamp:" + "é" * 300  # memcached would refuse it, and Django would warn; Redis takes it
    backend.set_many({"a": 1, long_key: {"page": b"\x00bytes"}}, 30)
    assert backend.get_many(["a", long_key, "missing"]) == {"a": 1, long_key: {"page": b"\x00bytes"}}
    assert plain.get("a") == 1, "the same keys and values as Django's own backend"
    assert backend.add("a", 2) is False and backend.incr("a") == 2
    backend.delete_many(["a", long_key])
    assert backend.get_many(["a", long_key]) == {}
