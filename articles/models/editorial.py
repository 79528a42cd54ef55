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

    version = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="comments", verbose_name=_("version"))
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


class AssignmentQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Due before `today` and the translation not yet done (missing, a draft, in review or outdated)."""
        from django.db.models import Exists, F, OuterRef
        from django.utils import timezone

        from .article import Article, Status

        today = today or timezone.localdate()
        done = Article.objects.filter(
            piece=OuterRef("piece"), language=OuterRef("language"), status=Status.PUBLISHED,
            translated_from_revision__gte=F("piece__source__content_revision"),
        )  # fmt: skip
        return self.filter(due_on__lt=today).exclude(Exists(done))


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
