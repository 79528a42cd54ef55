"""Tags belong to one language: “Ukraine” and “Украина” are two tags with slugs of their own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from articles.models.base import language_field, non_empty


class Tag(TagBase):
    # Unique per language, not globally (overrides TagBase's unique fields).
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    language = language_field()
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="counterparts", verbose_name=_("translation of"),
        help_text=_("The tag in another language this one was made from; new translations reuse it for that tag."),
    )  # fmt: skip

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["language", "name"], name="tag_unique_name_per_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="tag_unique_slug_per_language"),
            non_empty("slug", "tag_slug_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    def slugify(self, tag, i=None):
        # Unicode slugs (Cyrillic, Arabic) come from taggit; a name of punctuation alone gets a usable one.
        slug = super().slugify(tag)
        slug = slug or "tag"
        return f"{slug}-{i}" if i is not None else slug


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="tagged_items")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")]
