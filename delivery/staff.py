"""Who counts as staff for the caches: a signed marker cookie, set when a staff member's session is known to be real.

Any reader can send a `sessionid` or `csrftoken` cookie, and the caches used to send every such request to Django:
anyone could turn the cache off. Checking the session instead would cost a database query per request. So at login
(and whenever a response was made for a request whose user was read anyway, the admin's pages) a staff member gets
`review_staff`, signed with the secret key, lasting as long as a session; the page cache bypasses a request only when
that marker's signature holds (an HMAC, no query). Logging out, or losing staff rights, removes it. A forged
session or CSRF cookie is a reader's request, served from the cache; a forged marker fails its signature and is too.
Varnish cannot check signatures: it passes requests that carry the marker to Django, whose cache checks it.
"""

from django.conf import settings
from django.utils.functional import empty

MARKER = "review_staff"
SALT = "review.delivery.staff"


def is_marked(request):
    """Whether the request carries a marker this site signed, still within a session's age."""
    if MARKER not in request.COOKIES:
        return False
    return request.get_signed_cookie(MARKER, default=None, salt=SALT, max_age=settings.SESSION_COOKIE_AGE) is not None


def _known_user(request):
    """The request's user if it was read while the response was made (never read here: that would be a query)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", None)
    if user is None or wrapped is empty:
        return None
    return wrapped if wrapped is not None else user


class StaffMarkerMiddleware:
    """Sets the marker on a staff member's responses (login included), removes it from anyone else's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = _known_user(request)
        if user is None:
            return response
        staff = user.is_authenticated and user.is_active and user.is_staff
        if staff and not is_marked(request):
            response.set_signed_cookie(
                MARKER, str(user.pk), salt=SALT, max_age=settings.SESSION_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE,
                httponly=True, samesite="Lax",
            )  # fmt: skip
        elif not staff and MARKER in request.COOKIES:
            response.delete_cookie(MARKER, samesite="Lax")
        return response
