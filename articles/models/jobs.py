"""Background fan-out: the work a change hands to a job instead of doing it inside the editor's request.

A rename of a tag or an author commits its own row at once; the search documents of every piece that shows it
(thousands, at scale) are rewritten by a job in batches of pieces, in piece order. The row records how far the job
got (`cursor`: the last piece done), so a job that dies resumes where it stopped, and the editor sees its progress.
Building a language's listing rows (a language added to the site) is the same kind of work, and so is merging a
section, kind, author or tag into another (its pieces move over batch by batch; the emptied one is removed at the end).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FanOut(models.Model):
    class Kind(models.TextChoices):
        SEARCH_WORDS = "search-words", _("Search words of the pieces that show it")
        LANGUAGE = "language", _("Listings of a language")
        MERGE = "merge", _("Merge into another")

    kind = models.CharField(_("work"), max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=40, help_text="t:<tag id>, a:<author id>, s:<section id>, k:<kind id>, or a language code")
    target = models.BigIntegerField(null=True, blank=True)  # a merge: the id of the thing the subject's pieces go to
    label = models.CharField(_("for"), max_length=300)
    total = models.PositiveIntegerField(_("pieces"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    cursor = models.BigIntegerField(default=0)  # the last piece id done: the job resumes after it
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # a heartbeat: an unfinished job silent for long is resumed
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    superseded = models.BooleanField(default=False)  # a later change to the same subject does the work again

    class Meta:
        verbose_name = _("background update")
        verbose_name_plural = _("background updates")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "finished_at"], name="fanout_subject_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def percent(self):
        return 100 if self.finished_at or not self.total else min(99, self.done * 100 // self.total)


class TaxonomyRedirect(models.Model):
    """Where the page of a section, author or tag that was merged into another, or whose slug changed, now is: its
    old URL answers 301 to the new one (an old link, a bookmark, a search engine's index), and a restored revision
    that names a merged section, kind or author gets the one it was merged into."""

    class Of(models.TextChoices):
        SECTION = "s", _("section")
        KIND = "k", _("kind")
        AUTHOR = "a", _("author")
        TAG = "t", _("tag")

    of = models.CharField(max_length=1, choices=Of.choices)
    language = models.CharField(max_length=12, blank=True)  # a section's or tag's slug is per language; an author's is not
    old_slug = models.CharField(max_length=120, blank=True)  # blank: a kind (it has no page of its own)
    old_id = models.BigIntegerField(null=True, blank=True)  # set when the old one was merged away
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["of", "language", "old_slug"], condition=~models.Q(old_slug=""), name="taxonomy_redirect_unique_slug"
            ),
        ]
        indexes = [models.Index(fields=["of", "old_id"], name="taxonomy_redirect_old_id_idx")]

    def __str__(self):
        return f"{self.of}:{self.language}:{self.old_slug or self.old_id} -> {self.target_id}"
