"""Sections (topics), kinds (rubrics) and authors: language-neutral rows with per-language texts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.base import KeyedWithTexts, PerLanguageTexts, language_field, non_empty
from articles.sanitize import sanitize_html


class Section(KeyedWithTexts):
    """A topic such as “Collective defence”; its name, slug, intro and body are per language."""

    show_on_home = models.BooleanField(_("show on home page"), default=True)

    class Meta(KeyedWithTexts.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")


class SectionText(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="texts", verbose_name=_("section"))
    language = language_field()
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)
    intro = models.TextField(_("intro"), blank=True, help_text=_("Plain text shown in section blocks."))
    body = models.TextField(_("body"), blank=True, help_text=_("Rich text shown on the section page."))
    show_on_home = models.BooleanField(
        _("show block on this language's home page"), default=True, help_text=_("The section itself must be shown too.")
    )

    class Meta:
        ordering = ["section", "language"]
        verbose_name = _("section text")
        verbose_name_plural = _("section texts")
        constraints = [
            models.UniqueConstraint(fields=["section", "language"], name="section_text_unique_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="section_text_unique_slug"),
            non_empty("slug", "section_text_slug_not_empty"),
            non_empty("name", "section_text_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)


class Kind(KeyedWithTexts):
    """A rubric shown on cards: Analysis, Opinion, Interview, Video… Its key is the listing filter: ?kind=analysis"""

    class Meta(KeyedWithTexts.Meta):
        verbose_name = _("kind")
        verbose_name_plural = _("kinds")


class KindText(models.Model):
    kind = models.ForeignKey(Kind, on_delete=models.CASCADE, related_name="texts", verbose_name=_("kind"))
    language = language_field()
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("kind name")
        verbose_name_plural = _("kind names")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="kind_text_unique_language"),
            non_empty("name", "kind_text_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"


class Author(PerLanguageTexts, models.Model):
    """A writer; the name is the same everywhere, the biography is per language."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True, unique=True)
    photo = models.ForeignKey("articles.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("photo"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [non_empty("slug", "author_slug_not_empty"), non_empty("name", "author_name_not_empty")]

    def __str__(self):
        return self.name


class AuthorBio(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="texts", verbose_name=_("author"))
    language = language_field()
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        ordering = ["author", "language"]
        verbose_name = _("author biography")
        verbose_name_plural = _("author biographies")
        constraints = [models.UniqueConstraint(fields=["author", "language"], name="author_bio_unique_language")]

    def __str__(self):
        return f"{self.author} [{self.language}]"
