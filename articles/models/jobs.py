"""Background fan-out: the work a change hands to a job instead of doing it inside the editor's request.

A rename of a tag or an author commits its own row at once; the search documents of every piece that shows it
(thousands, at scale) are rewritten by a job in batches of pieces, in piece order. The row records how far the job
got (`cursor`: the last piece done), so a job that dies resumes where it stopped, and the editor sees its progress.
Building a language's listing rows (a language added to the site) is the same kind of work.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FanOut(models.Model):
    class Kind(models.TextChoices):
        SEARCH_WORDS = "search-words", _("Search words of the pieces that show it")
        LANGUAGE = "language", _("Listings of a language")

    kind = models.CharField(_("work"), max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=40, help_text="t:<tag id>, a:<author id>, or a language code")
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
