"""Piece: the language-neutral unit an editor plans; its versions are `PieceVersion` rows, one per language."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Piece(models.Model):
    """What all language versions of one piece share: section, kind, authors and which version is the source.

    `source` is RESTRICT: the database itself refuses to delete a source version on its own. The
    services delete a source only together with its piece (see `services.delete_version`).
    """

    section = models.ForeignKey(
        "articles.Section", on_delete=models.SET_NULL, null=True, blank=True, related_name="pieces", verbose_name=_("section")
    )
    kind = models.ForeignKey(
        "articles.Kind", on_delete=models.SET_NULL, null=True, blank=True, related_name="pieces", verbose_name=_("kind")
    )
    authors = models.ManyToManyField("articles.Author", blank=True, related_name="pieces", verbose_name=_("authors"))
    source = models.OneToOneField(
        "articles.PieceVersion",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="source_of",
        verbose_name=_("source version"),
    )
    # The source version's language, kept by the services beside `source`: which languages pieces are written in
    # (search reads every such language's configuration) is then one small index, not a join of every version.
    source_language = models.CharField(_("source language"), max_length=12, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("piece")
        verbose_name_plural = _("pieces")

    def __str__(self):
        source = self.source
        return source.title if source else _("Piece %(id)s") % {"id": self.pk}
