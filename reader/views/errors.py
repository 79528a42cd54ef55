"""The 400, 403, 404 and 500 pages: they cannot fail.

An error page is what is left when something went wrong: a Host header that is not allowed (every absolute URL
from it raises again), a forged or unreadable session, a database or cache that is down, a missing static
manifest. So the plain page (`error.html`) reads nothing but its own context: the language of the address, the
site's name, links made without the request's host. The 404 page and a view's own 400 (a filter it refuses) first
try the full reader page, with the site's chrome and the latest pieces; anything that raises while they render
gives the plain page instead, and anything that raises in that gives a fixed English page.
"""

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.events import reverse_in
from articles.languages import current_language, language_codes, language_info

log = logging.getLogger("review.errors")

LAST_RESORT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
    'initial-scale=1"><meta name="robots" content="noindex"><title>{title}</title></head><body><main><h1>{title}</h1>'
    '<p>{message}</p><p><a href="/">Home</a></p></main></body></html>'
)


def _language(request):
    """The language of the address (an error before the locale middleware ran has none active yet)."""
    try:
        language = translation.get_language_from_path(request.path_info) if request is not None else None
    except Exception:
        language = None
    language = language or current_language()
    return language if language in language_codes() else settings.LANGUAGE_CODE


def in_language(view):
    """Run an error view in the language of its address."""

    @wraps(view)
    def wrapped(request=None, *args, **kwargs):
        with translation.override(_language(request)):
            return view(request, *args, **kwargs)

    return wrapped


def plain_page(status, title, message, *, search=False):
    """The page with nothing that can raise: the reader's language, the stylesheet if its name is known, no database."""
    try:
        language = current_language()
        try:
            stylesheet = static("css/review.css")
        except Exception:  # a missing static manifest: the page still says what happened, unstyled
            stylesheet = None
        context = {
            "page_language": language_info(language),
            "site_name": settings.REVIEW_SITE_NAME,
            "title": title,
            "message": message,
            "stylesheet": stylesheet,
            "home": reverse_in(language, "articles:home"),
            "search": reverse_in(language, "articles:search") if search else None,
            "search_max_chars": settings.REVIEW_SEARCH_MAX_CHARS,
        }
        html = loader.get_template("error.html").render(context)
    except Exception:
        log.exception("The plain %s page failed; the fixed one was sent", status)
        html = LAST_RESORT.format(title=escape(str(title)), message=escape(str(message)))
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def host_is_allowed(request):
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def full_or_plain(request, template, context, status, title, message, *, search=False):
    """The full reader page when its request and everything it reads are sound; otherwise the plain one."""
    if host_is_allowed(request):
        try:
            return render(request, template, context, status=status)
        except Exception:
            log.exception("The full %s page failed; the plain one was sent", status)
    return plain_page(status, title, message, search=search)


@in_language
def bad_request(request, exception=None, message=None):
    """400: Django's handler (a Host header not allowed, a broken request) and the views' own refusals."""
    message = message or _("The request could not be understood.")
    return full_or_plain(request, "400.html", {"message": message}, 400, _("Bad request"), message)


@in_language
def permission_denied(request, exception=None):
    message = _("You may not see this page.")
    return plain_page(403, _("Forbidden"), message)


@in_language
def page_not_found(request, exception=None):
    """404: search and the latest pieces in the reader's language, when the database answers."""
    from articles import selectors

    title, message = _("Page not found"), _("There is no page at this address. It may have moved, or it may not be published yet.")
    if not host_is_allowed(request):
        return plain_page(404, title, message, search=True)
    try:
        language = current_language()
        latest = selectors.cards(selectors.Listing(language)[:3], language)
    except Exception:
        log.exception("The 404 page could not read the latest pieces")
        return plain_page(404, title, message, search=True)
    return full_or_plain(request, "404.html", {"request_path": request.path, "articles": latest}, 404, title, message, search=True)


@in_language
def server_error(request=None):
    return plain_page(500, _("Something went wrong"), _("We have been told about it. Please try again in a moment."))
