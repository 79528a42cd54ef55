from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """Images: checking uploads (images.py) and the image worker's bounded child process (imaging.py)."""

    name = "library"
    verbose_name = _("Image library")
