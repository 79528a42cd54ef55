from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReaderConfig(AppConfig):
    """The public site: views, feeds, sitemaps, sharing metadata (templates in templates/jinja2/)."""

    name = "reader"
    verbose_name = _("Reader pages")
