"""Sections, kinds, authors and tags with their per-language texts: save, delete, bulk delete."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from articles import events, policies, selectors
from articles.languages import language_codes
from articles.models import (
    Author,
    Kind,
    Piece,
    PieceVersion,
    Section,
)
from articles.services._base import _may_edit, _may_edit_piece, _require, _tracking

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.events import ChangeEvent
    from articles.models import AuthorBio, KindText, SectionText, Tag

# What the taxonomy services take: a section, kind, author or tag, and the per-language texts of the first three.
Taxonomy: TypeAlias = "Section | Kind | Author | Tag"
TaxonomyText: TypeAlias = "SectionText | KindText | AuthorBio"
T = TypeVar("T", bound=Taxonomy)


def _event_and_facet(instance: Taxonomy) -> tuple[str, str] | tuple[None, None]:
    """The change event of a section, kind, author or tag, and the listing facet its pieces are listed under."""
    from articles.models import Tag

    for model, kind, prefix in ((Section, events.SECTION_CHANGED, "s"), (Kind, events.KIND_CHANGED, "k"),
                                (Author, events.AUTHOR_CHANGED, "a"), (Tag, events.TAG_CHANGED, "t")):  # fmt: skip
        if isinstance(instance, model):
            return kind, f"{prefix}:{instance.pk}"
    return None, None


def taxonomy_changed(
    *,
    instance: Taxonomy,
    by: User | None = None,
    also: Iterable[str] = (),
    chrome: Iterable[str] | None = None,
    words_changed: bool = True,
) -> ChangeEvent | None:
    """After a section, kind, tag or author (or one of its texts) was saved: events and caches, bounded whatever
    the number of pieces that show it. Pages read names as they render, so purging the key of the pages that show
    it (`events.shows_key`) is one write; the search words of its pieces (a tag's or author's name) are rewritten
    by a background job (services.fanout). `also`: URLs it had before (a changed slug's old pages). `chrome`: for a
    section, the languages whose sections bar changed (None: it may have changed in every language). `words_changed`:
    False when a tag's or author's name stayed as it was (its pieces' search words are still right)."""
    from articles import taxonomy
    from articles.services import fanout

    taxonomy.forget()
    selectors.next_generation()  # names and slugs shown beside listings (bylines, tags) changed
    kind, facet = _event_and_facet(instance)
    if kind is None or facet is None:
        return None
    if kind in (events.AUTHOR_CHANGED, events.TAG_CHANGED) and words_changed:
        fanout.start_search_words(facet=facet, label=str(instance))  # their names are words the pieces are found by
    shows = {events.shows_key(facet[0], instance.pk)}
    return events.emit(kind, _taxonomy_own_urls(instance) | _chrome(instance, chrome) | shows | set(also), extra={"facet": facet})


def _name_stored(instance: Taxonomy) -> str | None:
    """The name a tag or an author has in the database now (None: new, or not named by itself)."""
    from articles.models import Tag

    if instance.pk is None:
        return None
    if isinstance(instance, Author):
        return Author.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if isinstance(instance, Tag):
        return Tag.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    return None


def _chrome(instance: Taxonomy, languages: Iterable[str] | None = None) -> set[str]:
    """Every reader page shows the sections bar: a section's change reaches them by their languages' chrome keys."""
    if not isinstance(instance, Section):
        return set()
    return events.chrome_keys() if languages is None else {events.chrome_key(code) for code in languages}


def _bar_languages(section: Section, texts: list[TaxonomyText], deleted_texts: list[TaxonomyText], shared_changed: bool) -> set[str] | None:
    """The languages whose sections bar a save of `section` with `texts` changes: a new or renamed text's language,
    every language when the default language's text (the others' fallback), the order or the set of texts changes."""
    from django.conf import settings

    from articles.models import SectionText

    if shared_changed or deleted_texts or section.pk is None:
        return None
    stored = {pk: (name, slug) for pk, name, slug in SectionText.objects.filter(section=section).values_list("pk", "name", "slug")}
    changed = {text.language for text in texts if isinstance(text, SectionText) and stored.get(text.pk) != (text.name, text.slug)}
    return None if settings.LANGUAGE_CODE in changed else changed


def _taxonomy_pieces(instance: Taxonomy) -> set[int]:
    """The pieces a section, kind, author or tag is shown with."""
    from articles.models import Tag

    if isinstance(instance, Section):
        return set(Piece.objects.filter(section=instance).values_list("pk", flat=True))
    if isinstance(instance, Kind):
        return set(Piece.objects.filter(kind=instance).values_list("pk", flat=True))
    if isinstance(instance, Author):
        return set(Piece.objects.filter(authors=instance).values_list("pk", flat=True))
    if isinstance(instance, Tag):
        return set(PieceVersion.objects.filter(tagged_items__tag=instance).values_list("piece_id", flat=True))
    return set()


def _taxonomy_own_urls(instance: Taxonomy) -> set[str]:
    """A section's, author's or tag's own pages (and feeds) in every language it has one."""
    from articles.models import SectionText, Tag

    if isinstance(instance, Section):
        slugs = dict(SectionText.objects.filter(section=instance).values_list("language", "slug"))
        return events.listing_urls_everywhere("articles:section", slugs)
    if isinstance(instance, Author):
        return events.listing_urls_everywhere("articles:author", dict.fromkeys(language_codes(), instance.slug))
    if isinstance(instance, Tag):
        return events.listing_urls_everywhere("articles:tag", {instance.language: instance.slug})
    return set()


# The fields of a section, kind, author or tag itself, shared by every language (their texts are per language).
TAXONOMY_FIELDS = {Section: ("key", "order", "show_on_home"), Kind: ("key", "order"), Author: ("name", "slug", "photo_id")}


def _shared_fields_changed(instance: Taxonomy) -> bool:
    from articles.models import Tag

    fields = ("name", "slug", "language", "origin_id") if isinstance(instance, Tag) else TAXONOMY_FIELDS[type(instance)]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    return stored is None or any(stored[name] != getattr(instance, name) for name in fields)


@transaction.atomic
def save_taxonomy(*, instance: T, by: User | None, texts: Iterable[TaxonomyText] = (), deleted_texts: Iterable[TaxonomyText] = ()) -> T:
    """Save a section, kind, author or tag (its own fields as set on `instance`) and its per-language texts.

    `texts`: per-language rows (SectionText, KindText, AuthorBio) to save; `deleted_texts`: ones to delete.
    Editors change the thing itself; translators only its texts in their languages. Rich texts are
    sanitised. Then the caches, search words and pages that show it follow (`taxonomy_changed`), the
    pages it had before a slug changed included.
    """
    texts, deleted_texts = list(texts), list(deleted_texts)
    shared_changed = _shared_fields_changed(instance)
    if by is not None:
        if shared_changed or deleted_texts:
            _may_edit_piece(by)  # the thing itself is shared by every language
        for text in texts:
            _may_edit(by, text.language)
    chrome = _bar_languages(instance, texts, deleted_texts, shared_changed) if isinstance(instance, Section) else None
    before = _taxonomy_own_urls(instance) if instance.pk else set()
    stored_name = _name_stored(instance)
    instance.save()
    owner = type(instance).__name__.lower()
    for text in texts:
        setattr(text, owner, instance)
        text.save()  # a text's save sanitises its rich text
    for text in deleted_texts:
        text.delete()
    words_changed = stored_name is not None and stored_name != getattr(instance, "name", None)
    taxonomy_changed(instance=instance, by=by, also=before, chrome=chrome, words_changed=words_changed)
    return instance


@transaction.atomic
def delete_taxonomy(*, instance: Taxonomy, by: User | None) -> ChangeEvent:
    """Delete a section, kind, author or tag: its pieces lose it (their listing rows and search words follow), and every
    page that showed it is purged, its own pages included."""
    from articles import taxonomy

    _may_edit_piece(by)
    if by is not None:
        _require(policies.may_delete(by), _("You may not delete this."))
    own = _taxonomy_own_urls(instance)
    piece_ids = _taxonomy_pieces(instance)
    kind, _facet = _event_and_facet(instance)
    if kind is None:
        raise TypeError(f"Not a section, kind, author or tag: {instance!r}")
    with _tracking(piece_ids) as touched:
        instance.delete()
    taxonomy.forget()
    selectors.next_generation()
    return events.emit(kind, own | _chrome(instance) | touched["urls"])


def delete_taxonomies(*, instances: Iterable[Taxonomy], by: User | None) -> int:
    """Bulk delete (the admin's "Delete selected"): each through `delete_taxonomy`, all or none."""
    with transaction.atomic():
        instances = list(instances)
        for instance in instances:
            delete_taxonomy(instance=instance, by=by)
        return len(instances)


def save_section(
    *,
    section: Section,
    by: User | None,
    changes: Mapping[str, Any] | None = None,
    texts: Iterable[TaxonomyText] = (),
    deleted_texts: Iterable[TaxonomyText] = (),
) -> Section:
    for name, value in (changes or {}).items():
        setattr(section, name, value)
    return save_taxonomy(instance=section, by=by, texts=texts, deleted_texts=deleted_texts)


def delete_section(*, section: Section, by: User | None) -> ChangeEvent:
    return delete_taxonomy(instance=section, by=by)
