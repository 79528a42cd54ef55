"""Images: the uploaded original, and its use by one article version (alt text and caption)."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]
SOURCE_TYPES = [("avif", "image/avif"), ("webp", "image/webp"), ("jpg", "image/jpeg")]


@lru_cache(maxsize=50_000)
def rendition_url(name):
    """A rendition's public URL, remembered: a rendition's name never changes, and a card asks for fifteen."""
    from django.core.files.storage import default_storage

    return default_storage.url(name)


@receiver(setting_changed)
def forget_rendition_urls(setting, **kwargs):
    if setting in ("MEDIA_URL", "STORAGES"):
        rendition_url.cache_clear()


def original_name(image, filename):
    """Where an original is stored (the image library names it: library.images.stored_name)."""
    from library.images import stored_name

    return stored_name(filename)


class ImageState(models.TextChoices):
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Image(models.Model):
    """An original picture with its credit and licence; language-neutral.

    An upload waits in the private "pending" storage (`pending_upload`) until the image worker has
    decoded it; only then does `file` name a cleaned original under MEDIA_ROOT, with its renditions.
    While a replacement is processed, readers keep the previous picture.
    """

    title = models.CharField(_("title"), max_length=200, help_text=_("For finding it in the library."))
    file = models.ImageField(_("file"), upload_to=original_name, width_field="width", height_field="height", blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ImageState.choices, default=ImageState.READY)
    problem = models.CharField(_("problem"), max_length=300, blank=True, editable=False)
    pending_upload = models.CharField(max_length=200, blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    focal_x = models.FloatField(
        _("focal point, across"), null=True, blank=True, validators=FRACTION, help_text=_("0 = left edge, 1 = right edge.")
    )
    focal_y = models.FloatField(
        _("focal point, down"), null=True, blank=True, validators=FRACTION, help_text=_("0 = top edge, 1 = bottom edge.")
    )
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title

    def picture(self, variant="full"):
        """What a <picture> needs: sources per type, a JPEG fallback and its size; the original if none yet."""
        sets = self.renditions.get(variant)
        if not sets:
            src = self.file.url if self.file else ""
            return {"sources": [], "src": src, "width": self.width, "height": self.height}
        sources = [
            {"type": mime, "srcset": ", ".join(f"{rendition_url(name)} {width}w" for width, _h, name in sets[ext])}
            for ext, mime in SOURCE_TYPES[:2]
            if sets.get(ext)
        ]
        jpegs = sets["jpg"]
        width, height, name = next((entry for entry in jpegs if entry[0] >= 960), jpegs[-1])
        largest = jpegs[-1]
        return {
            "sources": sources,
            "srcset": ", ".join(f"{rendition_url(n)} {w}w" for w, _h, n in jpegs),
            "src": rendition_url(name),
            "width": largest[0],
            "height": largest[1],
        }


class ArticleImage(models.Model):
    """One image as used by one article version: alt text and caption are in that version's language."""

    article = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="image_usages", verbose_name=_("article"))
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="usages", verbose_name=_("image"))
    alt_text = models.CharField(_("alt text"), max_length=300, blank=True)
    decorative = models.BooleanField(
        _("decorative"), default=False, help_text=_("Adds nothing a reader needs: screen readers skip it (empty alt).")
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("The first image leads the piece and its card."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("image usage")
        verbose_name_plural = _("image usages")

    def __str__(self):
        return f"{self.image} in {self.article}"

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text
