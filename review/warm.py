"""A worker's long-lived objects out of the garbage collector's way (`FreezeWhenWarm`, around the WSGI application).

A gunicorn worker imports Django, then fills its caches over its first requests: URL resolvers, compiled templates,
translation catalogues, model and form metadata. CPython's full (generation 2) collection walks every object still
tracked, each time: on the bench machine ~180,000 objects after a few requests, 60–110 ms per collection, every few
seconds per worker under load. The request that meets it waits that long, ten to twenty times its usual time, and
those stalls were the reader p99 of `make bench`. After the worker's 1st, 10th, 100th and 1,000th response (once it
has been sent) it collects once and moves what is alive into the permanent generation (`gc.freeze`): later full
collections walk only what came after, and the caches stay as they are (objects still die when no reference is
left; only a cycle among frozen objects is never collected, and there is none left right after a collection).
"""

import gc

FREEZE_AFTER = frozenset({1, 10, 100, 1000})


class FreezeWhenWarm:
    def __init__(self, application, after=FREEZE_AFTER):
        self.application, self.after, self.served = application, frozenset(after), 0

    def __call__(self, environ, start_response):
        self.served += 1
        response = self.application(environ, start_response)
        return _then_freeze(response) if self.served in self.after else response


def _then_freeze(response):
    """The response's body, then (when the server closes it, after sending it) a collection and a freeze."""
    try:
        yield from response
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
        gc.collect()
        gc.freeze()
