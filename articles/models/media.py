"""Images: the uploaded original, and its use by one article version (alt text and caption)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Image(models.Model):
    """An original picture with its credit and licence; language-neutral."""

    title = models.CharField(_("title"), max_length=200, help_text=_("For finding it in the library."))
    file = models.ImageField(_("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title


class ArticleImage(models.Model):
    """One image as used by one article version: alt text and caption are in that version's language."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="image_usages", verbose_name=_("article"))
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="usages", verbose_name=_("image"))
    alt_text = models.CharField(_("alt text"), max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("The first image leads the piece and its card."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("image usage")
        verbose_name_plural = _("image usages")

    def __str__(self):
        return f"{self.image} in {self.article}"
