"""Sections, kinds and the publication pages that exist, as one language's pages need them: small, rarely changing, cached per language.

Every page shows section and kind names (navigation, cards, filters, section blocks). Reading them
from the database per request cost half the home page's time, so they are kept in the cache, one
entry per language, and forgotten whenever `services.taxonomy_changed` hears of a change.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from articles.languages import language_codes

KEY = "review:taxonomy:v2:{language}"


@dataclass(frozen=True)
class SectionInfo:
    id: int
    key: str
    order: int
    language: str  # of the text shown (the default language's when this one has none)
    name: str
    slug: str
    intro: str
    body: str
    on_home: bool


@dataclass(frozen=True)
class Taxonomy:
    sections: tuple  # SectionInfo in order
    kinds: tuple  # (id, key, name) in order
    pages: tuple = ()  # the publication pages that exist (in some language), as PageKind values in their order

    @property
    def sections_by_id(self):
        return {s.id: s for s in self.sections}

    @property
    def sections_by_slug(self):
        return {s.slug: s for s in self.sections}

    @property
    def kind_names(self):
        return {kind_id: name for kind_id, _key, name in self.kinds}

    @property
    def kinds_by_key(self):
        return {key: kind_id for kind_id, key, _name in self.kinds}


def _pick(texts, language):
    by_language = {text.language: text for text in texts}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE) or (texts[0] if texts else None)


def load_all():
    """Every language's Taxonomy from three queries (a section page names its slug in every language)."""
    from articles.models import KindText, PageKind, PublicationPage, SectionText

    section_texts, kind_texts = {}, {}
    for text in SectionText.objects.select_related("section").order_by("section__order", "section_id"):
        section_texts.setdefault(text.section, []).append(text)
    for text in KindText.objects.select_related("kind").order_by("kind__order", "kind_id"):
        kind_texts.setdefault(text.kind, []).append(text)
    existing = set(PublicationPage.objects.values_list("page", flat=True).distinct())
    pages = tuple(kind for kind in PageKind.values if kind in existing)
    result = {}
    for language in language_codes():
        sections = []
        for section, texts in section_texts.items():
            text = _pick(texts, language)
            sections.append(
                SectionInfo(
                    section.pk,
                    section.key,
                    section.order,
                    text.language,
                    text.name,
                    text.slug,
                    text.intro,
                    text.body,
                    section.show_on_home and text.show_on_home,
                )  # fmt: skip
            )
        kinds = tuple((kind.pk, kind.key, _pick(texts, language).name) for kind, texts in kind_texts.items())
        result[language] = Taxonomy(tuple(sections), kinds, pages)
    return result


def for_language(language):
    taxonomy = cache.get(KEY.format(language=language))
    if taxonomy is None:
        everything = load_all()
        cache.set_many({KEY.format(language=code): value for code, value in everything.items()}, 3600)
        taxonomy = everything.get(language) or everything[settings.LANGUAGE_CODE]
    return taxonomy


def forget():
    """Now, for the changing transaction's own reads, and again once it commits: a page rendered meanwhile may
    have cached the names it read before the commit."""
    from django.db import transaction

    keys = [KEY.format(language=code) for code in language_codes()]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
