"""PieceVersion: one row per language version of a `Piece`."""

import math
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from articles.languages import default_language, language_info
from articles.models.base import language_field, non_empty
from articles.models.tags import TaggedArticle

if TYPE_CHECKING:
    from articles.models.editorial import PendingChange


@lru_cache(maxsize=20_000)
def detail_path(language, year, month, day, slug):
    """A version's path; remembered, because every card and language link asks and the answer never changes."""
    with translation.override(language):
        return reverse("articles:detail", kwargs={"year": year, "month": month, "day": day, "slug": slug})


def outdated(translated_from_revision, source_revision):
    """A translation is outdated while its source's text is newer than the one it was made from (the one rule;
    the model, the state machine, the reader's notice and the admin's badges ask it)."""
    return (translated_from_revision or 0) < source_revision


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    REVIEW = "review", pgettext_lazy("article status", "In review")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")


CARD_FIELDS = ("id", "piece_id", "language", "title", "slug", "standfirst", "status", "published_at")


class PieceVersionQuerySet(models.QuerySet["PieceVersion"]):
    def published(self, now: datetime | None = None) -> Self:
        """Versions a reader may see: status published *and* publication time not in the future (now, or `now`)."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=now or timezone.now())

    def in_language(self, language: str) -> Self:
        return self.filter(language=language)

    def for_detail(self) -> Self:
        """The article page's version with its piece (the view reads byline, tags and images in plain queries)."""
        return self.select_related("piece")


class PieceVersion(models.Model):
    """One language version of a piece.

    Exactly one version of a piece is its source (`piece.source`); a translation records the
    source's `content_revision` it was made from in `translated_from_revision`, so the CMS can
    tell when the source changed afterwards. Write through `articles.services`, never `.save()`
    from a view: the services keep the listing index, redirects and change events in step.
    """

    CONTENT_FIELDS = ("title", "standfirst", "body")

    piece = models.ForeignKey("articles.Piece", on_delete=models.CASCADE, related_name="versions", verbose_name=_("piece"))
    language = language_field(default=default_language)
    content_revision = models.PositiveIntegerField(
        _("content revision"), default=1, editable=False, help_text=_("Goes up whenever title, standfirst or body change.")
    )
    translated_from_revision = models.PositiveIntegerField(_("translated from source revision"), null=True, blank=True, editable=False)
    content_changed_at = models.DateTimeField(
        _("content changed"), null=True, blank=True, editable=False, help_text=_("When the content revision last went up.")
    )

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    standfirst = models.TextField(_("standfirst"), blank=True, help_text=_("The summary under the title."))
    body = models.TextField(_("body"), blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True, help_text=_("In the future: the piece is scheduled."))
    live_announced = models.BooleanField(
        _("go-live announced"), default=False, editable=False, help_text=_("Its published event has been sent for this publication.")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))

    edit_version = models.PositiveIntegerField(
        _("edit version"), default=0, editable=False, help_text=_("Goes up on every save; a stale form cannot overwrite.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PieceVersionQuerySet.as_manager()

    # Only on the unsaved copy `services.working_copy` makes of a version with pending changes (form, preview, diff).
    pending_tags: list[str]
    pending_usages: list[dict[str, Any]]
    pending_record: "PendingChange"

    class Meta:
        db_table = "articles_article"  # the model was named Article: the name changed, the table did not (0020)
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["piece", "language"], name="article_one_version_per_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="article_unique_slug_per_language"),
            non_empty("slug", "article_slug_not_empty"),
            non_empty("title", "article_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["language", "status", "published_at"], name="article_listing_idx"),
            # The go-live job's question, "published, due, not announced yet", answered from a small index.
            models.Index(fields=["published_at"], condition=Q(status="published", live_announced=False), name="article_due_idx"),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs):
        # Derives its own row's fields only; the body is sanitised and its figures bound by the services, before.
        self.edit_version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "edit_version"}
        loaded = getattr(self, "_loaded_content", None)
        text_changed = loaded is not None and loaded != self._content()
        if text_changed or not self.content_changed_at:
            self.content_revision += text_changed
            self.content_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "content_revision", "content_changed_at"}
        super().save(*args, **kwargs)
        self._loaded_content = self._content()

    def get_absolute_url(self):
        day = self.local_date or timezone.localdate()
        return detail_path(self.language, day.year, day.month, day.day, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_content = instance._content()
        return instance

    def content_changed(self):
        """Count a change of what translations translate that is not in the text (a caption, an image)."""
        self.content_revision += 1
        self.content_changed_at = timezone.now()

    def text_changed(self, field=None):
        """Whether title, standfirst or body (or just `field`) differ from what was loaded or last saved."""
        loaded = getattr(self, "_loaded_content", None)
        if loaded is None:
            return True
        if field is None:
            return loaded != self._content()
        index = self.CONTENT_FIELDS.index(field)
        return loaded[index] != self._content()[index]

    def _content(self):
        # __dict__, not getattr: reading a deferred field here would cost a query.
        return tuple(self.__dict__.get(field) for field in self.CONTENT_FIELDS)

    def is_published(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    is_published.boolean = True

    @property
    def local_date(self):
        """The publication day in the site's time zone (a card asks three times: its link, its date, its datetime)."""
        published_at = self.published_at
        if published_at is None:
            return None
        known = self.__dict__.get("_local_date")
        if known is None or known[0] is not published_at:  # remembered only for this very value
            known = self.__dict__["_local_date"] = (published_at, timezone.localdate(published_at))
        return known[1]

    @property
    def language_info(self):
        return language_info(self.language)

    @property
    def reading_minutes(self):
        """Minutes to read the standfirst and body; counted once per text this instance holds (the article page asks
        twice, and counting parses the body's HTML)."""
        known = self.__dict__.get("_reading_minutes")
        if known is None or known[0] is not self.standfirst or known[1] is not self.body:
            words = len(strip_tags(f"{self.standfirst} {self.body}").split())
            minutes = max(1, math.ceil(words / settings.REVIEW_WORDS_PER_MINUTE))
            known = self.__dict__["_reading_minutes"] = (self.standfirst, self.body, minutes)
        return known[2]

    @property
    def is_source(self):
        return self.piece.source_id == self.pk

    def source_version(self):
        return self if self.is_source else self.piece.source

    def is_outdated(self):
        """A translation is outdated when its source's text changed after it was made."""
        if self.is_source:
            return False
        source = self.source_version()
        return bool(source and outdated(self.translated_from_revision, source.content_revision))
