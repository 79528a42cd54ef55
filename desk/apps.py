from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The translation desk: states, queue and word counts (states.py), the XLIFF/PO exchange (exchange.py)."""

    name = "desk"
    verbose_name = _("Translation desk")
