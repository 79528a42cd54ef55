"""review.warm.FreezeWhenWarm: a worker's long-lived objects leave the full collections once it is warm."""

import gc

from review.warm import FreezeWhenWarm


def answer(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_the_worker_freezes_what_lives_after_its_first_responses_have_gone():
    gc.unfreeze()
    application = FreezeWhenWarm(answer, after={1, 3})
    served = []
    try:
        body = application({}, lambda status, headers: served.append(status))
        assert gc.get_freeze_count() == 0, "nothing before the response has gone"
        assert list(body) == [b"ok"]
        body.close()  # the server closes it after sending it
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert application({}, lambda status, headers: None) == [b"ok"]  # the second: as it was, nothing frozen
        assert gc.get_freeze_count() == frozen
        body = application({}, lambda status, headers: None)
        assert list(body) == [b"ok"] and (body.close() or gc.get_freeze_count() >= frozen)
        assert served == ["200 OK"]
    finally:
        gc.unfreeze()
