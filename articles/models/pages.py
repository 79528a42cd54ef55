"""The publication's own pages (about, contact, editorial policy, reproduction), one text per language.

A language without its own text shows the default language's, labelled, as listings fall back to a
piece's source. Editors write them in the admin, through `services.save_publication_page`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.base import language_field, non_empty


class PageKind(models.TextChoices):
    ABOUT = "about", _("About")
    CONTACT = "contact", _("Contact")
    EDITORIAL_POLICY = "editorial-policy", _("Editorial policy")
    REPRODUCTION = "reproduction", _("Reproduction and credit")


class PublicationPage(models.Model):
    page = models.CharField(_("page"), max_length=32, choices=PageKind.choices)
    language = language_field()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Rich text; scripts, styles and unsafe links are removed."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["page", "language"]
        verbose_name = _("publication page")
        verbose_name_plural = _("publication pages")
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="publication_page_once_per_language"),
            non_empty("title", "publication_page_title_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_page_display()} [{self.language}]"

    def get_absolute_url(self):
        from django.urls import reverse
        from django.utils import translation

        with translation.override(self.language):
            return reverse(f"articles:{self.page}")
