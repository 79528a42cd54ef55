from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
]

if settings.REVIEW_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# Every public page carries its language; "/" is redirected by LocaleMiddleware from Accept-Language.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=True)

handler400 = "articles.views.bad_request"
handler404 = "articles.views.page_not_found"
