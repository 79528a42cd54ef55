"""What editors arrange around pieces: old URLs, the home page, translators' languages, comments, assignments, pending changes."""

from datetime import date
from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.base import language_field


class ArticleRedirect(models.Model):
    """An old public path of a version (its slug or date changed); answers 301 to the version's URL."""

    old_path = models.CharField(_("old path"), max_length=400, unique=True)
    article = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="redirects")
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


class HomeSection(models.Model):
    """A section block's place on one language's home page, in the editor's order (sections without one follow,
    in their own order). Whether a section has a block at all is the section's `show_on_home`."""

    language = language_field()
    section = models.ForeignKey("articles.Section", on_delete=models.CASCADE, related_name="home_places", verbose_name=_("section"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["language", "order", "id"]
        verbose_name = _("home section block")
        verbose_name_plural = _("home section blocks")
        constraints = [models.UniqueConstraint(fields=["language", "section"], name="home_section_once_per_language")]

    def __str__(self):
        return f"{self.section_id} on /{self.language}/ ({self.order})"


class TranslatorLanguage(models.Model):
    """A language a translator may add, change and preview versions in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translator_languages")
    language = language_field()
    may_publish = models.BooleanField(
        _("may publish"),
        default=False,
        help_text=_("A reviser: approves and publishes this language’s versions."),
    )

    class Meta:
        ordering = ["user", "language"]
        verbose_name = _("translator language")
        verbose_name_plural = _("translator languages")
        constraints = [models.UniqueConstraint(fields=["user", "language"], name="translator_language_unique")]

    def __str__(self):
        return f"{self.user} [{self.language}]"


class VersionComment(models.Model):
    """A note on a version for its editors and translators: a comment, or the reason a reviser sent it back."""

    COMMENT, REJECTION = "comment", "rejection"
    KINDS = [(COMMENT, _("Comment")), (REJECTION, _("Sent back"))]

    version = models.ForeignKey("articles.PieceVersion", on_delete=models.CASCADE, related_name="comments", verbose_name=_("version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("author"))
    kind = models.CharField(_("kind"), max_length=12, choices=KINDS, default=COMMENT)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.get_kind_display()} on {self.version_id}"


class PendingChange(models.Model):
    """Changes to a published version that readers do not see yet: its working copy.

    Saving a published (live or scheduled) version stores the new text here and leaves the version
    row, which readers, feeds, search and the caches read, as it was. Someone who may publish in
    the version's language makes the change live (`services.publish_changes`), which applies it
    through the ordinary save, or discards it. Images are kept as the usage dicts the services take
    (`image` is an image id); tags as names.
    """

    version = models.OneToOneField(
        "articles.PieceVersion", on_delete=models.CASCADE, primary_key=True, related_name="pending", verbose_name=_("version")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(_("body"), blank=True)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    images = models.JSONField(_("images"), default=list, blank=True)
    matches_source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    in_review = models.BooleanField(_("waiting for review"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last changed by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    FIELDS = ("title", "slug", "standfirst", "body", "published_at")

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")

    def __str__(self):
        return f"Pending changes of {self.version_id}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def waiting(self) -> Self:
        """Assignments whose translation is not yet done (missing, a draft, in review or outdated)."""
        from django.db.models import Exists, F, OuterRef

        from articles.models.version import PieceVersion, Status

        done = PieceVersion.objects.filter(
            piece=OuterRef("piece"), language=OuterRef("language"), status=Status.PUBLISHED,
            translated_from_revision__gte=F("piece__source__content_revision"),
        )  # fmt: skip
        return self.exclude(Exists(done))

    def overdue(self, today: date | None = None) -> Self:
        """Due before `today` and the translation not yet done."""
        from django.utils import timezone

        return self.waiting().filter(due_on__lt=today or timezone.localdate())


class Assignment(models.Model):
    """An editor asks one translator for a piece's version in one language, by a date."""

    piece = models.ForeignKey("articles.Piece", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("piece"))
    language = language_field()
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("translator")
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assigned by")
    )
    notified_revision = models.PositiveIntegerField(
        _("notified of source revision"),
        default=0,
        editable=False,
        help_text=_("The source revision last mailed about."),
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["piece", "language"], name="assignment_one_per_piece_language")]

    def __str__(self):
        return f"{self.piece} → {self.translator} [{self.language}]"
