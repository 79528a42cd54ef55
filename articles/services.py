"""Writes that touch several models. Keyword-only, so call sites read as sentences."""

from django.db import transaction

from .models import Article, ArticleImage, Status


def set_tags(*, article, names):
    """Give `article` exactly these tags, created in the article's own language when new."""
    article.tags.set([name.strip() for name in names if name.strip()], tag_kwargs={"language": article.language})


@transaction.atomic
def create_translation(*, source, language, by=None):
    """Start a draft `language` version of `source`'s piece, prefilled from the source.

    Records the source's content revision it was made from; image usages are copied with their
    captions and alt text for the translator to translate. `by` is the user (for revisions later).
    """
    if not source.is_source:
        source = source.source_version()
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
    ArticleImage.objects.bulk_create(
        ArticleImage(article=translation, image=usage.image, alt_text=usage.alt_text, caption=usage.caption, order=usage.order)
        for usage in source.image_usages.all()
    )
    return translation
