"""Writes that touch several models. Keyword-only, so call sites read as sentences."""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from .models import Article, ArticleImage, ArticleRedirect, Status


def set_tags(*, article, names):
    """Give `article` exactly these tags, created in the article's own language when new."""
    article.tags.set([name.strip() for name in names if name.strip()], tag_kwargs={"language": article.language})


@transaction.atomic
def create_translation(*, source, language, by=None):
    """Start a draft `language` version of `source`'s piece, prefilled from the source.

    Records the source's content revision it was made from; image usages are copied with their
    captions and alt text for the translator to translate.
    """
    if not source.is_source:
        source = source.source_version()
    with reversion.create_revision():
        if by:
            reversion.set_user(by)
        reversion.set_comment(_("Translation started from the %(language)s source") % {"language": source.language})
        translation = Article.objects.create(
            translation_key=source.translation_key,
            language=language,
            is_source=False,
            translated_from_revision=source.content_revision,
            title=source.title,
            slug=source.slug,
            standfirst=source.standfirst,
            body=source.body,
            status=Status.DRAFT,
            published_at=source.published_at,
            section=source.section,
            kind=source.kind,
        )
        translation.authors.set(source.authors.all())
        for usage in source.image_usages.all():
            ArticleImage.objects.create(
                article=translation, image=usage.image, alt_text=usage.alt_text, caption=usage.caption, order=usage.order
            )
    return translation


def _save_all(articles, by, comment, change):
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        for article in articles:
            change(article)
            article.save()
    return len(articles)


def lacking_alt_text(articles):
    """Versions using an image that is neither described (alt text) nor marked decorative."""
    return [a for a in articles if a.image_usages.filter(decorative=False, alt_text="").exists()]


def publish(*, articles, by):
    """Publish these versions; one without a publication date goes out now.

    Refused as a whole if any of them uses an image without alt text that is not marked decorative.
    """
    articles = list(articles)
    blocked = lacking_alt_text(articles)
    if blocked:
        raise ValidationError(
            _("Not published: give every image alt text or mark it decorative first (%(titles)s).")
            % {"titles": ", ".join(a.title for a in blocked)}
        )
    now = timezone.now()

    def change(article):
        article.status = Status.PUBLISHED
        article.published_at = article.published_at or now

    return _save_all(list(articles), by, _("Published"), change)


def unpublish(*, articles, by):
    """Take these versions back to draft: readers get a 404 until they are published again."""

    def change(article):
        article.status = Status.DRAFT

    return _save_all(list(articles), by, _("Unpublished"), change)


def remember_moved_url(*, article, old_url):
    """After a save: if a published version's URL changed, its old URL keeps working with a 301."""
    new_url = article.get_absolute_url()
    ArticleRedirect.objects.filter(old_path=new_url).delete()  # moved back: the live URL wins
    if old_url and old_url != new_url:
        ArticleRedirect.objects.update_or_create(old_path=old_url, defaults={"article": article})


RESTORED_FIELDS = ["title", "slug", "standfirst", "body", "status", "published_at", "section_id", "kind_id"]


@transaction.atomic
def restore_revision(*, article, version, by):
    """Bring back `article`'s text, settings, authors and images as saved in `version`.

    The restore is a new save (and a new revision), so the current text stays in the history.
    """
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValueError("That revision belongs to another version.")
    old_url = article.get_absolute_url() if article.is_published() else None
    data = version.field_dict
    for field in RESTORED_FIELDS:
        setattr(article, field, data.get(field))
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(_("Restored the revision of %(date)s") % {"date": version.revision.date_created.isoformat(" ", "minutes")})
        article.save()
        article.authors.set(data.get("authors", []))
        usages = [
            other.field_dict
            for other in version.revision.version_set.all()
            if other.content_type.model_class() is ArticleImage and other.field_dict["article_id"] == article.pk
        ]
        article.image_usages.all().delete()
        ArticleImage.objects.bulk_create(
            ArticleImage(article=article, image_id=u["image_id"], alt_text=u["alt_text"], caption=u["caption"], order=u["order"])
            for u in usages
        )
    remember_moved_url(article=article, old_url=old_url)
    return article


def source_text_at(source, content_revision):
    """The source's title, standfirst and body as they were at `content_revision`, or None if not kept."""
    for version in Version.objects.get_for_object(source):
        if version.field_dict.get("content_revision") == content_revision:
            return {field: version.field_dict.get(field, "") for field in Article.CONTENT_FIELDS}
    return None


def mark_translation_current(*, translation):
    """The translator has brought the translation up to date with its source's current text."""
    translation.translated_from_revision = translation.source_version().content_revision
