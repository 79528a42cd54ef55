"""The site's URLs plus a bare Django view inside the project (bench settings only).

The view is the outside bare Django's (bench/bare/urls.py) served through Review's settings and middleware:
beside the outside one it shows what the project costs before a page does anything.
"""

from django.urls import path

from bench.bare.urls import bare_view
from review.urls import handler400, handler403, handler404, handler500  # noqa: F401
from review.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("_bench/bare/", bare_view, name="bench-bare"), *site_urlpatterns]
