"""What the translation desk keeps besides the versions: the translation memory, the glossary and each segment's state.

- `MemoryEntry`: a source segment and its reviewed translation, for one language pair (desk.memory fills and reads it).
- `Term`: a glossary entry of one language pair, preferred, allowed or forbidden (desk.glossary).
- `SegmentState`: where a translator is with one segment of one translation (desk.workbench): a draft, translated,
  reviewed, or typed by a machine; valid only for the source text it was set against (`source_hash`).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models.base import language_field


def text_hash(text):
    """A stable key of a segment's text (its inner HTML, whitespace collapsed): what an exact match compares."""
    return hashlib.sha1(" ".join((text or "").split()).encode()).hexdigest()


class MemoryEntry(models.Model):
    """One pair of the translation memory: `source` (inner HTML, in `source_language`) was translated as `target`."""

    REVIEWED, IMPORTED = "reviewed", "tmx"
    ORIGINS = [(REVIEWED, _("Reviewed translation")), (IMPORTED, _("Imported memory (TMX)"))]

    source_language = language_field()
    target_language = language_field()
    source = models.TextField(_("source"))
    source_text = models.TextField(_("source, plain text"))  # what fuzzy matching scores (rapidfuzz) and `bands` hashes
    target = models.TextField(_("target"))
    source_hash = models.CharField(max_length=40)
    target_hash = models.CharField(max_length=40)
    bands = models.JSONField(default=list, blank=True)  # LSH keys of the source text (desk.memory.bands): fuzzy lookups
    origin = models.CharField(_("origin"), max_length=12, choices=ORIGINS, default=REVIEWED)
    piece = models.ForeignKey("articles.Piece", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    segment_key = models.CharField(max_length=40, blank=True)
    note = models.CharField(_("where it came from"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "source_hash", "target_hash"], name="desk_memory_one_pair"
            )
        ]
        indexes = [models.Index(fields=["source_language", "target_language", "source_hash"], name="desk_memory_exact")]

    def __str__(self):
        return f"{self.source_language}→{self.target_language}: {self.source_text[:60]}"


class Term(models.Model):
    """A glossary entry: how `source_term` is (or must not be) said in `target_language`."""

    PREFERRED, ALLOWED, FORBIDDEN = "preferred", "allowed", "forbidden"
    STATUSES = [(PREFERRED, pgettext_lazy("glossary term", "Preferred")), (ALLOWED, pgettext_lazy("glossary term", "Allowed")),
                (FORBIDDEN, pgettext_lazy("glossary term", "Forbidden"))]  # fmt: skip

    source_language = language_field(default=settings.LANGUAGE_CODE)
    target_language = language_field()
    source_term = models.CharField(_("term"), max_length=200)
    target_term = models.CharField(_("translation"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=STATUSES, default=PREFERRED)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["source_language", "target_language", "source_term", "status", "target_term"]
        constraints = [
            models.UniqueConstraint(fields=["source_language", "target_language", "source_term", "target_term"], name="desk_term_once"),
            models.CheckConstraint(condition=~models.Q(source_term="") & ~models.Q(target_term=""), name="desk_term_not_empty"),
        ]

    def __str__(self):
        return f"{self.source_term} → {self.target_term} ({self.get_status_display()})"


class SegmentState(models.Model):
    """One segment of one translation: a draft, translated (by its translator), reviewed (published after review).
    `machine`: the text came from machine translation and no person has changed it since."""

    DRAFT, TRANSLATED, REVIEWED = "draft", "translated", "reviewed"
    STATES = [(DRAFT, _("Draft")), (TRANSLATED, _("Translated")), (REVIEWED, _("Reviewed"))]

    version = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="segment_states")
    key = models.CharField(max_length=40)
    state = models.CharField(max_length=12, choices=STATES, default=DRAFT)
    machine = models.BooleanField(default=False)
    source_hash = models.CharField(max_length=40)  # the source segment this state was set against
    target_hash = models.CharField(max_length=40)  # the text it was set for
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="desk_segment_state_once")]

    def __str__(self):
        return f"{self.version_id} {self.key}: {self.state}"
