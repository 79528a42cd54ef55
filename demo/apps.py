from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo publication from the seeds (content.py) and `manage.py load_demo`."""

    name = "demo"
    verbose_name = _("Demo content")
