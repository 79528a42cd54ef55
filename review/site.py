"""Where the site is: the address staff use (for links in mail), from the request that made the change when there is
one, else `REVIEW_SITE_URL`.

A link in a mail must lead where the person works: the host of the admin request that assigned the piece or changed
its source (Django checked it against ALLOWED_HOSTS), not a default that may be another port or host. Jobs run
later, elsewhere: the address is read when the job is queued and travels with it.
"""

from contextvars import ContextVar

from django.conf import settings

_current: ContextVar[str | None] = ContextVar("review_site_url", default=None)


def site_url() -> str:
    return (_current.get() or settings.REVIEW_SITE_URL).rstrip("/")


class StaffSiteURLMiddleware:
    """During an admin request, `site_url()` is that request's scheme and host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        token = _current.set(request.build_absolute_uri("/"))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
