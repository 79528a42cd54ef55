"""review.warm.FreezeWhenWarm: a worker's long-lived objects leave the full collections once it is warm."""

import gc

from review.warm import FreezeWhenWarm


def answer(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def collected(thing):
    """Whether the collector still walks `thing` (it is in generation 0, 1 or 2, not in the permanent one)."""
    return any(other is thing for generation in (0, 1, 2) for other in gc.get_objects(generation))


def test_the_worker_freezes_what_lives_after_its_first_responses_have_gone():
    gc.unfreeze()
    application = FreezeWhenWarm(answer, after={1, 3})
    served = []
    try:
        before = ["alive before the first response"]
        body = application({}, lambda status, headers: served.append(status))
        assert gc.get_freeze_count() == 0 and collected(before), "nothing before the response has gone"
        assert list(body) == [b"ok"]  # sent, then the server closes it
        body.close()
        assert gc.get_freeze_count() > 0 and not collected(before)

        between = ["alive before the second response"]
        assert application({}, lambda status, headers: None) == [b"ok"]  # the second: as it was, nothing frozen
        assert collected(between)

        body = application({}, lambda status, headers: None)
        assert collected(between), "nothing is frozen before the third response is sent"
        assert list(body) == [b"ok"]
        body.close()
        assert not collected(between), "the third response froze what lived then"
        assert served == ["200 OK"]
    finally:
        gc.unfreeze()
