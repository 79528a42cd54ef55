from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The Django admin as editors and translators use it: one module per screen (cms/admin/)."""

    name = "cms"
    verbose_name = _("CMS")
