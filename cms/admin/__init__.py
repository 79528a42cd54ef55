"""The CMS: editors' and translators' admin. Importing the modules registers them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from cms.admin import article, desk, pages, taxonomy  # noqa: F401

admin.site.site_header = _("Review CMS")
admin.site.site_title = _("Review CMS")
admin.site.index_title = _("Publication")

# Tags here are articles.Tag (one language each); taggit's own table is unused, and its admin only confused.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)
