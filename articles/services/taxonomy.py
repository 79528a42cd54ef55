"""Sections, kinds, authors and tags with their per-language texts: save, delete, bulk delete."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from articles import events, listing, policies, search, selectors
from articles.errors import Conflict
from articles.languages import language_codes
from articles.models import (
    Author,
    FanOut,
    HomeSection,
    Kind,
    PendingChange,
    Piece,
    PieceVersion,
    Section,
    Tag,
    TaggedArticle,
    TaxonomyRedirect,
)
from articles.services._base import _may_edit, _may_edit_piece, _require, _tracking

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.events import ChangeEvent
    from articles.models import AuthorBio, KindText, SectionText

# What the taxonomy services take: a section, kind, author or tag, and the per-language texts of the first three.
Taxonomy: TypeAlias = "Section | Kind | Author | Tag"
TaxonomyText: TypeAlias = "SectionText | KindText | AuthorBio"
T = TypeVar("T", bound=Taxonomy)


# By the prefix of their listing facets ("s:<id>"...): the model of sections, kinds, authors and tags, and its change event.
KINDS: dict[str, tuple[Any, str]] = {
    "s": (Section, events.SECTION_CHANGED),
    "k": (Kind, events.KIND_CHANGED),
    "a": (Author, events.AUTHOR_CHANGED),
    "t": (Tag, events.TAG_CHANGED),
}


def _event_and_facet(instance: Taxonomy) -> tuple[str, str] | tuple[None, None]:
    """The change event of a section, kind, author or tag, and the listing facet its pieces are listed under."""
    for prefix, (model, kind) in KINDS.items():
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
    it (`events.shows_key`) is one write; search finds a tag or an author by its name as it is at the query
    (PostgreSQL), or, where the documents hold the names (SQLite), a background job rewrites its pieces' documents.
    `also`: URLs it had before (a changed slug's old pages). `chrome`: for a section, the languages whose sections
    bar changed (None: it may have changed in every language). `words_changed`: False when a tag's or author's name
    stayed as it was (its pieces' search words are still right)."""
    from articles import taxonomy
    from articles.services import fanout

    kind, facet = _event_and_facet(instance)
    if kind in (events.AUTHOR_CHANGED, events.TAG_CHANGED):
        selectors.next_names()  # shown in bylines and tag lists only: no listing figure, no section name changed
    else:
        taxonomy.forget()
        selectors.next_generation()  # section and kind names shown beside listings changed
    if kind is None or facet is None:
        return None
    if kind in (events.AUTHOR_CHANGED, events.TAG_CHANGED) and words_changed and search.names_in_documents():
        fanout.start_search_words(facet=facet, label=str(instance))  # their names are words the pieces are found by
    shows = {events.shows_key(facet[0], instance.pk)}
    return events.emit(kind, _taxonomy_own_urls(instance) | _chrome(instance, chrome) | shows | set(also), extra={"facet": facet})


def _name_stored(instance: Taxonomy) -> str | None:
    """The name a tag or an author has in the database now (None: new, or not named by itself)."""
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
    if isinstance(instance, Section):
        return set(Piece.objects.filter(section=instance).values_list("pk", flat=True))
    if isinstance(instance, Kind):
        return set(Piece.objects.filter(kind=instance).values_list("pk", flat=True))
    if isinstance(instance, Author):
        return set(Piece.objects.filter(authors=instance).values_list("pk", flat=True))
    if isinstance(instance, Tag):
        return set(PieceVersion.objects.filter(tagged_items__tag=instance).values_list("piece_id", flat=True))
    return set()


def pieces_of(instances: Iterable[Taxonomy]) -> int:
    """How many pieces have at least one of these sections, kinds, authors or tags (a piece with two counts once)."""
    found: set[int] = set()
    for instance in instances:
        found |= _taxonomy_pieces(instance)
    return len(found)


def _taxonomy_own_urls(instance: Taxonomy) -> set[str]:
    """A section's, author's or tag's own pages (and feeds) in every language it has one."""
    from articles.models import SectionText

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
    fields = ("name", "slug", "language", "origin_id") if isinstance(instance, Tag) else TAXONOMY_FIELDS[type(instance)]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    return stored is None or any(stored[name] != getattr(instance, name) for name in fields)


@transaction.atomic
def save_taxonomy(*, instance: T, by: User | None, texts: Iterable[TaxonomyText] = (), deleted_texts: Iterable[TaxonomyText] = ()) -> T:
    """Save a section, kind, author or tag (its own fields as set on `instance`) and its per-language texts.

    `texts`: per-language rows (SectionText, KindText, AuthorBio) to save; `deleted_texts`: ones to delete.
    Editors change the thing itself; translators only its texts in their languages, and the name of a tag of their
    language (a tag belongs to one language: naming it is translating it). Rich texts are
    sanitised. Then the caches, search words and pages that show it follow (`taxonomy_changed`), the
    pages it had before a slug changed included.
    """
    texts, deleted_texts = list(texts), list(deleted_texts)
    shared_changed = _shared_fields_changed(instance)
    if by is not None:
        stored_language, language = None, None
        if isinstance(instance, Tag):
            stored_language = Tag.objects.filter(pk=instance.pk).values_list("language", flat=True).first()
            language = instance.language
        if stored_language and stored_language == language and not deleted_texts:
            _may_edit(by, stored_language)  # one language's own word, named in that language
        elif shared_changed or deleted_texts:
            _may_edit_piece(by)  # the thing itself is shared by every language
        for text in texts:
            _may_edit(by, text.language)
    chrome = _bar_languages(instance, texts, deleted_texts, shared_changed) if isinstance(instance, Section) else None
    before = _taxonomy_own_urls(instance) if instance.pk else set()
    slugs_before = _slugs(instance) if instance.pk else {}
    stored_name = _name_stored(instance)
    instance.save()
    owner = type(instance).__name__.lower()
    for text in texts:
        setattr(text, owner, instance)
        text.save()  # a text's save sanitises its rich text
    for text in deleted_texts:
        text.delete()
    _remember_slugs(instance, slugs_before)
    words_changed = stored_name is not None and stored_name != getattr(instance, "name", None)
    taxonomy_changed(instance=instance, by=by, also=before, chrome=chrome, words_changed=words_changed)
    return instance


@transaction.atomic
def delete_taxonomy(*, instance: Taxonomy, by: User | None) -> ChangeEvent:
    """Delete a section, kind, author or tag: its pieces lose it (their listing rows and search words follow), and every
    page that showed it is purged, its own pages included. A merge from or into it ends where it is."""
    from articles import taxonomy
    from articles.services import fanout

    _may_edit_piece(by)
    if by is not None:
        _require(policies.may_delete(by), _("You may not delete this."))
    own = _taxonomy_own_urls(instance)
    piece_ids = _taxonomy_pieces(instance)
    kind, facet = _event_and_facet(instance)
    if kind is None or facet is None:
        raise TypeError(f"Not a section, kind, author or tag: {instance!r}")
    with _tracking(piece_ids) as touched:
        fanout.end_merges_of(facet)
        _forget_redirects(instance)
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


# Merging one section, kind, author or tag into another, and the old URLs that keep working ----------------------


def _slugs(instance: Taxonomy) -> dict[str, str]:
    """The slugs of a section's, author's or tag's own pages as stored, by language ("": an author's, every language)."""
    from articles.models import SectionText

    if isinstance(instance, Section):
        return dict(SectionText.objects.filter(section=instance).values_list("language", "slug"))
    if isinstance(instance, Author | Tag):
        row = type(instance).objects.filter(pk=instance.pk).values("slug", *(["language"] if isinstance(instance, Tag) else [])).first()
        return {row.get("language", ""): row["slug"]} if row else {}
    return {}


def _remember_slugs(instance: Taxonomy, before: Mapping[str, str]) -> None:
    """After a save: a slug that changed keeps answering, with a 301 to the new one; a slug in use again is live."""
    prefix = _event_and_facet(instance)[1]
    if prefix is None:
        return
    of, after = prefix[0], _slugs(instance)
    for language, slug in after.items():
        TaxonomyRedirect.objects.filter(of=of, language=language, old_slug=slug).delete()  # moved back: the live page wins
    for language, slug in before.items():
        if slug and after.get(language) != slug:
            TaxonomyRedirect.objects.update_or_create(
                of=of, language=language, old_slug=slug, defaults={"target_id": instance.pk, "old_id": None}
            )


def _forget_redirects(instance: Taxonomy) -> None:
    """A deleted section, kind, author or tag: the old URLs that led to it lead nowhere (404) from now on."""
    prefix = _event_and_facet(instance)[1]
    if prefix is not None:
        TaxonomyRedirect.objects.filter(of=prefix[0], target_id=instance.pk).delete()


def moved_to(of: str, language: str, slug: str) -> int | None:
    """The id of the section ("s", per language), author ("a") or tag ("t", per language) an old slug now leads to."""
    return (
        TaxonomyRedirect.objects.filter(of=of, language="" if of == "a" else language, old_slug=slug)
        .values_list("target_id", flat=True)
        .first()
    )


def merged_into(of: str, ids: Iterable[int]) -> dict[int, int]:
    """{old id: id now} for the sections, kinds or authors (`of`: "s", "k", "a") among `ids` that were merged into another:
    a revision restored after a merge gets the one its section, kind or authors went to."""
    rows = TaxonomyRedirect.objects.filter(of=of, old_id__in=list(ids)).values_list("old_id", "target_id")
    return {old: target for old, target in rows if old is not None}


@transaction.atomic
def merge_taxonomy(*, source: T, into: T, by: User | None) -> FanOut:
    """Merge a section, kind, author or tag into another of its kind: every piece that has `source` gets `into` instead,
    then `source` is deleted and its pages answer 301 to those of `into`. Answers at once: the pieces move in the
    background, a batch per transaction (`fanout.run_fan_out`), readers seeing each piece with one or the other, never
    both; the job's progress is the editor's to follow. Returns the job."""
    from articles.services import fanout

    _may_edit_piece(by)
    if by is not None:
        _require(policies.may_delete(by), _("You may not delete this."))
    facet, target = _event_and_facet(source)[1], _event_and_facet(into)[1]
    if facet is None or target is None or type(source) is not type(into):
        raise Conflict(_("Only a section, kind, author or tag can be merged, and only into another of its kind."))
    if source.pk == into.pk:
        raise Conflict(_("“%(name)s” cannot be merged into itself.") % {"name": source})
    if getattr(source, "language", None) != getattr(into, "language", None):
        raise Conflict(_("A tag can be merged only into a tag of the same language."))
    # Two merges at once that touch one of these wait for each other here, then the second sees the first's job.
    list(type(source).objects.select_for_update().filter(pk__in=[source.pk, into.pk]).order_by("pk").values_list("pk", flat=True))
    busy = FanOut.objects.filter(kind=FanOut.Kind.MERGE, finished_at__isnull=True)
    # Neither may be on its way out, nor may `source` be receiving another's pieces; several may go into one at once.
    if busy.filter(subject__in=[facet, target]).exists() or busy.filter(subject__startswith=f"{facet[0]}:", target=source.pk).exists():
        raise Conflict(_("“%(name)s” or “%(into)s” is being merged already; wait until that is done.") % {"name": source, "into": into})
    return fanout.start_merge(subject=facet, target=into.pk, label=f"{source} → {into}")


def move_pieces(subject: str, target_id: int, piece_ids: list[int]) -> None:
    """One batch of a merge: these pieces get the target (`target_id`) where they had the subject ("t:<id>", ...),
    their listing rows and search words follow, and every page that shows them or either one is purged."""
    of, source_id = subject[0], int(subject[2:])
    if of in "sk":
        field = {"s": "section_id", "k": "kind_id"}[of]
        Piece.objects.filter(pk__in=piece_ids, **{field: source_id}).update(**{field: target_id})
    elif of == "a":
        through = Piece.authors.through.objects.filter(piece_id__in=piece_ids)
        has_both = through.filter(author_id=target_id).values("piece_id")
        through.filter(author_id=source_id, piece_id__in=has_both).delete()
        through.filter(author_id=source_id).update(author_id=target_id)
    else:
        tagged = TaggedArticle.objects.filter(content_object__piece_id__in=piece_ids)
        has_both = tagged.filter(tag_id=target_id).values("content_object_id")
        tagged.filter(tag_id=source_id, content_object_id__in=has_both).delete()
        TaggedArticle.objects.filter(pk__in=tagged.filter(tag_id=source_id).values("pk")).update(tag_id=target_id)
    listing.rebuild_pieces(piece_ids)
    search.index_pieces(piece_ids)
    versions = PieceVersion.objects.filter(piece_id__in=piece_ids).values_list("pk", flat=True)
    keys = {events.shows_key(of, source_id), events.shows_key(of, target_id), *(events.shows_key("v", pk) for pk in versions)}
    keys |= {events.listing_key(language, f"{of}:{pk}") for language in language_codes() for pk in (source_id, target_id)}
    selectors.next_generation()
    events.emit(KINDS[of][1], keys, extra={"facet": subject, "into": target_id})


def finish_merge(subject: str, target_id: int) -> None:
    """The last step of a merge, once no piece has the subject: what else pointed at it now points at the target (home
    places, a tag's translations, pending changes, old URLs), and it is deleted; its pages answer 301 from now on."""
    from articles import taxonomy

    of, source_id = subject[0], int(subject[2:])
    model, event = KINDS[of]
    source, into = model.objects.filter(pk=source_id).first(), model.objects.filter(pk=target_id).first()
    if source is None or into is None:
        return  # deleted meanwhile: nothing to merge, or nowhere to go (the pieces moved so far keep the target)
    own = _taxonomy_own_urls(source) | _chrome(source)
    old_slugs = _slugs(source)
    TaxonomyRedirect.objects.filter(of=of, target_id=source_id).update(target_id=target_id)  # older redirects follow
    unfinished = FanOut.objects.filter(kind=FanOut.Kind.MERGE, finished_at__isnull=True, subject__startswith=f"{of}:")
    unfinished.filter(target=source_id).update(target=target_id)  # a merge into this one goes on into the target
    for language, slug in old_slugs.items():
        TaxonomyRedirect.objects.update_or_create(
            of=of, language=language, old_slug=slug, defaults={"target_id": target_id, "old_id": source_id}
        )
    if not old_slugs:
        TaxonomyRedirect.objects.create(of=of, target_id=target_id, old_id=source_id)
    if of == "a":  # a biography (and a photo) the target lacks comes with the merged author, never lost with it
        from articles.models import AuthorBio

        has = AuthorBio.objects.filter(author_id=target_id).exclude(bio="").values("language")
        AuthorBio.objects.filter(author_id=target_id, bio="").delete()
        AuthorBio.objects.filter(author_id=source_id).exclude(bio="").exclude(language__in=has).update(author_id=target_id)
        if into.photo_id is None and source.photo_id is not None:
            Author.objects.filter(pk=target_id).update(photo_id=source.photo_id)
    if of == "s":
        taken = HomeSection.objects.filter(section_id=target_id).values("language")
        HomeSection.objects.filter(section_id=source_id).exclude(language__in=taken).update(section_id=target_id)
    if of == "t":
        Tag.objects.filter(origin_id=source_id).exclude(pk=target_id).update(origin_id=target_id)
        for pending in PendingChange.objects.filter(version__language=source.language):
            if source.name in pending.tags:
                pending.tags = sorted({into.name if name == source.name else name for name in pending.tags}, key=str.lower)
                pending.save(update_fields=["tags"])
    source.delete()
    taxonomy.forget()
    selectors.next_generation()
    events.emit(event, own | {events.shows_key(of, source_id), events.shows_key(of, target_id)},
                extra={"facet": subject, "into": target_id})  # fmt: skip
