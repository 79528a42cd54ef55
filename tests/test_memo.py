"""The process-local memos (review/memo.py): bounded, oldest first out, and expiring."""

import time

from review.memo import BoundedMemo, ExpiringMemo


def test_a_bounded_memo_forgets_the_oldest_result_first():
    memo, made = BoundedMemo(2), []

    def make(key):
        made.append(key)
        return key * 2

    assert [memo.get(key, lambda k=key: make(k)) for key in (1, 2, 1, 3, 2, 1)] == [2, 4, 2, 6, 4, 2]
    assert made == [1, 2, 3, 1]  # 1 was the oldest when 3 came, so it was made again; 2 stayed
    memo.clear()
    assert memo.get(2, lambda: "again") == "again"


def test_an_expiring_memo_makes_a_result_again_after_its_time(monkeypatch):
    memo, clock = ExpiringMemo(10, ttl=300), [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assert memo.get("k", lambda: "first") == "first"
    clock[0] += 299
    assert memo.get("k", lambda: "second") == "first"
    clock[0] += 2
    assert memo.get("k", lambda: "second") == "second"
    assert memo.get("none", lambda: None) is None and memo.get("none", lambda: "made") is None  # None is a result too
