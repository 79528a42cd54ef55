"""Sections, kinds and the publication pages that exist, as one language's pages need them: small, rarely changing, cached per language.

Every page shows section and kind names (navigation, cards, filters, section blocks). Reading them
from the database per request cost half the home page's time, so they are kept in the cache, one
entry per language, and forgotten whenever `services.taxonomy_changed` hears of a change.

Each process keeps what it read under the listing epoch (selectors.epoch), which `forget` moves on: a worker reads
the shared cache again only after a change. Within one request each language's entry is looked up once
(`request_memo`, begun and ended by Django's request signals): a page asks some thirty times (a section page, for
its slug in every language), and every name on one page then comes from one reading.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache

from articles.languages import language_codes
from review.memo import ExpiringMemo

KEY = "review:taxonomy:v3:{language}"
TIMEOUT = 3600


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
    slugs: tuple = ()  # (language, slug) in every site language: the section's address in each (its alternates)

    def slug_in(self, language):
        return dict(self.slugs).get(language, self.slug)


@dataclass(frozen=True)
class Taxonomy:
    sections: tuple  # SectionInfo in order
    kinds: tuple  # (id, key, name) in order
    pages: tuple = ()  # the publication pages that exist (in some language), as PageKind values in their order

    @cached_property
    def sections_by_id(self):
        return {s.id: s for s in self.sections}

    @cached_property
    def sections_by_slug(self):
        return {s.slug: s for s in self.sections}

    @cached_property
    def kind_names(self):
        return {kind_id: name for kind_id, _key, name in self.kinds}

    @cached_property
    def kinds_by_key(self):
        return {key: kind_id for kind_id, key, _name in self.kinds}

    def __getstate__(self):
        """Stored without the lookups made from it (cached_property keeps them in the instance's __dict__)."""
        return {name: getattr(self, name) for name in ("sections", "kinds", "pages")}

    def __setstate__(self, state):
        self.__dict__.update(state)


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
    codes = language_codes()
    slugs = {section.pk: tuple((code, _pick(texts, code).slug) for code in codes) for section, texts in section_texts.items()}
    for language in codes:
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
                    slugs[section.pk],
                )  # fmt: skip
            )
        kinds = tuple((kind.pk, kind.key, _pick(texts, language).name) for kind, texts in kind_texts.items())
        result[language] = Taxonomy(tuple(sections), kinds, pages)
    return result


_memo: ContextVar[dict | None] = ContextVar("taxonomy_memo", default=None)


# What this process read of the shared cache, under the listing epoch it read it in: `forget` moves the epoch on.
_process = ExpiringMemo(1_000, TIMEOUT)


def for_language(language):
    memo = _memo.get()
    if memo is not None and language in memo:
        return memo[language]
    from articles import selectors

    taxonomy = _process.get((selectors.epoch(), language), lambda: _shared(language))
    if memo is not None:
        memo[language] = taxonomy
    return taxonomy


def _shared(language):
    taxonomy = cache.get(KEY.format(language=language))
    if taxonomy is None:
        everything = load_all()
        cache.set_many({KEY.format(language=code): value for code, value in everything.items()}, TIMEOUT)
        taxonomy = everything.get(language) or everything[settings.LANGUAGE_CODE]
    return taxonomy


def request_memo(sender=None, **kwargs):
    """Django's request_started: from now until the request ends, each language's names are read once."""
    _memo.set({})


def end_request_memo(sender=None, **kwargs):
    """Django's request_finished: outside requests (jobs, commands) every call reads the cache."""
    _memo.set(None)


def forget():
    """Now, for the changing transaction's own reads, and again once it commits: a page rendered meanwhile may
    have cached the names it read before the commit."""
    from django.db import transaction

    from articles import selectors

    keys = [KEY.format(language=code) for code in language_codes()]
    if _memo.get() is not None:
        _memo.set({})
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    selectors.next_generation()  # every process's copy was kept under the epoch: a new one, now and after the commit
