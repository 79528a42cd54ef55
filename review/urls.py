from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import include, path, re_path, reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from reader.sitemaps import SITEMAPS
from reader.views import robots_txt


@csrf_exempt  # it changes nothing: the page it sends a POST on to checks the token
def moved_versions_admin(request, rest=None):
    """The versions' admin pages were at /admin/articles/article/… while the model was named Article: bookmarks, mails
    to translators and calendar subscriptions still name them. Moved permanently, the rest of the path and the query
    string kept; 308 for anything but GET and HEAD, so that a form posted there is posted again, not lost."""
    to = reverse("admin:articles_pieceversion_changelist") + escape_uri_path(rest or "")
    _path, question, query = request.get_full_path().partition("?")
    return HttpResponsePermanentRedirect(to + question + query, preserve_request=request.method not in ("GET", "HEAD"))


urlpatterns = [
    re_path(r"^admin/articles/article(?:/(?P<rest>.*))?\Z", moved_versions_admin),  # before the admin's own URLs
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
]


def serve_media(request, path):
    # MEDIA_ROOT read per request, not at import, so a changed setting (tests) is honoured.
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):  # a name the file system cannot hold (too long, NUL): nothing is there
        raise Http404 from None
    if path.startswith("renditions/"):
        response["Cache-Control"] = "public, max-age=31536000, immutable"  # content-hashed names never change
    return response


if settings.REVIEW_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

# Every public page carries its language; "/" is redirected by LocaleMiddleware from Accept-Language.
urlpatterns += i18n_patterns(path("", include("reader.urls")), prefix_default_language=True)

handler400 = "reader.views.bad_request"
handler403 = "reader.views.permission_denied"
handler404 = "reader.views.page_not_found"
handler500 = "reader.views.server_error"
