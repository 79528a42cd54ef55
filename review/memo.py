"""Process-local memos: what a worker keeps of results that are pure functions of their keys."""

import time


class BoundedMemo:
    """At most `limit` remembered results, the oldest forgotten first."""

    def __init__(self, limit):
        self.limit, self.results = limit, {}

    def get(self, key, make):
        found = self.results.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def put(self, key, value):
        if len(self.results) >= self.limit:  # dicts keep insertion order: the oldest goes (if no other thread took it)
            self.results.pop(next(iter(self.results), None), None)
        self.results[key] = value

    def clear(self):
        self.results = {}


class ExpiringMemo(BoundedMemo):
    """A BoundedMemo whose results are also forgotten `ttl` seconds after they were made."""

    def __init__(self, limit, ttl):
        super().__init__(limit)
        self.ttl = ttl

    def get(self, key, make):
        found = self.results.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        value = make()
        self.results.pop(key, None)
        self.put(key, (time.monotonic() + self.ttl, value))
        return value
