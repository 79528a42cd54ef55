"""What editors arrange around pieces: old URLs, the home page, translators' languages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import language_field


class ArticleRedirect(models.Model):
    """An old public path of a version (its slug or date changed); answers 301 to the version's URL."""

    old_path = models.CharField(_("old path"), max_length=400, unique=True)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class FeaturedPiece(models.Model):
    """A piece an editor puts first on one language's home page, in the editor's order."""

    language = language_field()
    piece = models.ForeignKey("articles.Piece", on_delete=models.CASCADE, related_name="featured_in", verbose_name=_("piece"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["language", "order", "id"]
        verbose_name = _("featured piece")
        verbose_name_plural = _("featured pieces")
        constraints = [models.UniqueConstraint(fields=["language", "piece"], name="featured_piece_once_per_language")]

    def __str__(self):
        return f"{self.piece} on /{self.language}/"


class TranslatorLanguage(models.Model):
    """A language a translator may add, change and preview versions in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translator_languages")
    language = language_field()

    class Meta:
        ordering = ["user", "language"]
        verbose_name = _("translator language")
        verbose_name_plural = _("translator languages")
        constraints = [models.UniqueConstraint(fields=["user", "language"], name="translator_language_unique")]

    def __str__(self):
        return f"{self.user} [{self.language}]"
