"""The CMS: editors' and translators' admin. Importing the modules registers them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import article, taxonomy  # noqa: F401

admin.site.site_header = _("Review CMS")
admin.site.site_title = _("Review CMS")
admin.site.index_title = _("Publication")
