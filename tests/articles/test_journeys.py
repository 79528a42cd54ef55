"""Random journeys (issue 25): Hypothesis drives random sequences of transitions and taxonomy edits by random
people (and translations through the segment editor and through XLIFF and PO files, issue 28), with the clock
moving past scheduled times, and checks the invariants after every step:

(a) the listing index and the search documents equal a full rebuild;
(b) an anonymous reader sees exactly the published, due, live text: never a draft, a version in review, a
    scheduled one before its time, or pending changes (pages, listings, feeds, sitemaps, search, related cards);
(c) no page a step changed is served stale from the page cache (each cached page equals a fresh render);
(d) a live version leaves live only by unpublish or delete by someone who may publish in its language, and a
    refused transition changes nothing;
(e) every piece has exactly one source; every accepted write of a version leaves a revision;
(f) the translation memory holds only text readers could see (live translations), never a draft's or pending text.

`make test` runs a fixed seed with a few examples; `make soak` runs many more (REVIEW_JOURNEYS=<examples>).
"""

import copy
import html
import itertools
import os
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from lxml import etree
from reversion.models import Version
from translate.storage import po

from articles import integrity, lifecycle, policies, selectors, services
from articles.errors import DomainError
from articles.events import reverse_in
from articles.models import (
    Author,
    KindText,
    ListingEntry,
    PendingChange,
    Piece,
    PieceVersion,
    Section,
    SectionText,
    Status,
    Tag,
    TranslatorLanguage,
)
from articles.policies import TRANSLATORS
from desk import exchange, workbench
from desk.models import MemoryEntry
from review.jinja2 import cards

EXAMPLES = int(os.environ.get("REVIEW_JOURNEYS", "6"))
STEPS = int(os.environ.get("REVIEW_JOURNEY_STEPS", "20"))
LANGUAGES = ["en", "fr"]
_words = itertools.count(1)
PHRASE = re.compile(r"(?:Journey|Edited) zq\w+x")  # a text the journey wrote (a search page echoes the bare word)


def agency(content, fmt, prefix):
    """What a translation agency sends back: every unit's target the prefix and its source, inline codes kept."""
    if fmt == "po":
        store = po.pofile.parsestring(content)
        for unit in store.units:
            if not unit.isheader():
                unit.target = prefix + str(unit.source)
        return bytes(store)
    root = etree.fromstring(content)
    namespace = "{urn:oasis:names:tc:xliff:document:2.0}"
    for segment in root.iter(f"{namespace}segment"):
        for old in segment.findall(f"{namespace}target"):
            segment.remove(old)
        target = copy.deepcopy(segment.find(f"{namespace}source"))
        target.tag, target.text = f"{namespace}target", prefix + (target.text or "")
        segment.append(target)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def first_difference(cached, fresh):
    a, b = cached.content.decode(), fresh.content.decode()
    at = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"cached …{a[max(0, at - 200) : at + 200]}… fresh …{b[max(0, at - 200) : at + 200]}…"


def token(kind):
    """A word no seed text contains, so that finding it on a page means exactly this text leaked or showed."""
    return f"zq{kind}{next(_words)}x"


class Journey(RuleBasedStateMachine):
    people = {}

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = time_machine.travel(timezone.now(), tick=False)
        self.clock.start()
        cache.clear()
        self.reader = Client()
        self.versions = list(PieceVersion.objects.filter(language__in=LANGUAGES).order_by("pk").values_list("pk", flat=True))
        self.revisions = {pk: Version.objects.get_for_object_reference(PieceVersion, pk).count() for pk in self.versions}
        self.watched = set()  # URLs the reader has had cached
        self.desk_clients = {}
        self.state, self.checked, self.rendered = 0, {}, {}  # what changed since each invariant last looked
        self.moved = {}  # the old pages of what was merged: {url: (of, id merged into, language)}
        self.ever_live = set()  # every journey text readers have been able to see
        self.readers_visit()  # a live site's cache is warm: every step meets pages cached before it

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()
        cache.clear()

    # Doing things ---------------------------------------------------------------------------------------

    def attempt(self, who, change, *, leaves_live_ok=False):
        """Run one transition as `who`; a refusal must change nothing, and a live version may only leave live
        by an unpublish or a delete from someone who may publish in its language."""
        person = self.people[who]
        before_live = {v.pk: v.language for v in PieceVersion.objects.filter(pk__in=self.versions) if v.is_published()}
        before = self.fingerprint()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
                change(person)
        except DomainError:
            assert self.fingerprint() == before, f"a refused step by {who} changed something"
            return False
        self.state += 1
        after_live = {v.pk for v in PieceVersion.objects.filter(pk__in=self.versions) if v.is_published()}
        for pk, language in before_live.items():
            if pk not in after_live:
                assert leaves_live_ok, f"version {pk} left live through a step that may not unpublish"
                assert lifecycle.may(lifecycle.Transition.UNPUBLISH, person, language), f"{who} took {pk} off live"
        return True

    @staticmethod
    def fingerprint():
        versions = list(PieceVersion.objects.order_by("pk").values_list("pk", "status", "published_at", "title", "edit_version"))
        pending = list(PendingChange.objects.order_by("pk").values_list("pk", "title", "in_review"))
        return versions, pending, Piece.objects.count(), Tag.objects.count(), Section.objects.count()

    def pick(self, data):
        existing = list(PieceVersion.objects.filter(pk__in=self.versions).values_list("pk", flat=True))
        return PieceVersion.objects.get(pk=data.draw(st.sampled_from(existing))) if existing else None

    def note_revision(self, version_id):
        """An accepted write of a version leaves one more revision in its History."""
        count = Version.objects.get_for_object_reference(PieceVersion, version_id).count()
        assert count > self.revisions.get(version_id, 0), f"an accepted write of {version_id} left no revision"
        self.revisions[version_id] = count

    person = st.sampled_from(["editor", "translator", "reviser", "staff"])

    @rule(who=person, language=st.sampled_from(LANGUAGES), when=st.sampled_from(["draft", "now", "later", "review"]))
    def create_piece(self, who, language, when):
        status = {"draft": Status.DRAFT, "review": Status.REVIEW}.get(when, Status.PUBLISHED)
        at = {"now": timezone.now() - timedelta(minutes=1), "later": timezone.now() + timedelta(hours=2)}.get(when)
        word, made = token("title"), []
        section = Section.objects.order_by("pk").first()

        def change(by):
            made.append(services.create_piece(by=by, language=language, section=section if who == "editor" else None,
                                              changes={"title": f"Journey {word}", "status": status, "published_at": at,
                                                       "body": f"<p>Body {word}.</p>"}))  # fmt: skip

        if self.attempt(who, change):
            self.versions.append(made[0].pk)
            self.note_revision(made[0].pk)

    @rule(who=person, data=st.data(), field=st.sampled_from(["title", "standfirst"]), publish=st.booleans())
    def edit(self, who, data, field, publish):
        version = self.pick(data)
        if version is None:
            return
        word = token(field)

        def change(by):
            services.save_version(version=version, by=by, changes={field: f"Edited {word}"}, go_live=publish)

        if self.attempt(who, change):
            self.note_revision(version.pk)

    @rule(who=person, data=st.data(), field=st.sampled_from(["title", "standfirst"]), publish=st.booleans())
    def edit_live(self, who, data, field, publish):
        """An edit of a live version: pending changes, the desk's most common state (and the one most easily leaked),
        or published at once, which every page showing the piece (its related cards too) must follow."""
        live = list(PieceVersion.objects.filter(pk__in=self.versions).published().order_by("pk").values_list("pk", flat=True))
        if not live:
            return
        version = PieceVersion.objects.get(pk=data.draw(st.sampled_from(live)))
        word = token(field)

        def change(by):
            services.save_version(version=version, by=by, changes={field: f"Edited {word}"}, go_live=publish)

        if self.attempt(who, change):
            self.note_revision(version.pk)

    @rule(who=person, data=st.data(), status=st.sampled_from(["draft", "review", "now", "later"]))
    def set_status(self, who, data, status):
        version = self.pick(data)
        if version is None:
            return
        changes = {"status": {"draft": Status.DRAFT, "review": Status.REVIEW}.get(status, Status.PUBLISHED)}
        if status in ("now", "later"):
            changes["published_at"] = timezone.now() + (timedelta(hours=3) if status == "later" else -timedelta(minutes=1))

        def change(by):
            services.save_version(version=version, by=by, changes=changes, go_live=True)

        if self.attempt(who, change, leaves_live_ok=True):  # a save that unpublishes: attempt() checks who may
            self.note_revision(version.pk)

    @rule(who=person, data=st.data(), step=st.sampled_from(["submit", "send_back", "approve", "publish_changes", "discard_changes",
                                                           "unpublish", "publish", "delete", "make_source"]))  # fmt: skip
    def transition(self, who, data, step):
        version = self.pick(data)
        if version is None:
            return
        steps = {
            "submit": lambda by: services.submit_for_review(version=version, by=by),
            "send_back": lambda by: services.send_back(version=version, by=by, comment="Please look again."),
            "approve": lambda by: services.approve(version=version, by=by),
            "publish_changes": lambda by: services.publish_changes(version=version, by=by),
            "discard_changes": lambda by: services.discard_changes(version=version, by=by),
            "unpublish": lambda by: services.unpublish(versions=[version], by=by),
            "publish": lambda by: services.publish(versions=[version], by=by),
            "delete": lambda by: services.delete_version(version=version, by=by),
            "make_source": lambda by: services.make_source(version=version, by=by),
        }
        before = self.fingerprint()
        done = self.attempt(who, steps[step], leaves_live_ok=step in ("unpublish", "delete"))
        if done and step == "delete":
            self.versions.remove(version.pk)
        elif done and self.fingerprint() != before:
            self.note_revision(version.pk)  # anything it wrote is in the History

    @rule(who=person, data=st.data())
    def restore(self, who, data):
        # The restores that could go wrong: of a revision saved in another state or with another date than now.
        candidates = [
            (version, revision)
            for version in PieceVersion.objects.filter(pk__in=self.versions).order_by("pk")
            for revision in Version.objects.get_for_object(version).order_by("pk")
            if (revision.field_dict.get("status"), revision.field_dict.get("published_at")) != (version.status, version.published_at)
        ]
        if not candidates:
            return
        version, revision = data.draw(st.sampled_from(candidates))
        before = (version.status, version.published_at)

        def change(by):
            services.restore_revision(version=version, revision_version=revision, by=by)

        if self.attempt(who, change):
            version.refresh_from_db()
            assert (version.status, version.published_at) == before, "a restore changed status or date"
            self.note_revision(version.pk)

    @rule(who=person, data=st.data())
    def translate(self, who, data):
        version = self.pick(data)
        if version is None:
            return
        missing = [code for code in LANGUAGES if not PieceVersion.objects.filter(piece_id=version.piece_id, language=code).exists()]
        if not missing:
            return
        made = []
        if self.attempt(who, lambda by: made.append(services.create_translation(source=version, language=missing[0], by=by))):
            self.versions.append(made[0].pk)

    @rule(who=person, data=st.data(), submit=st.booleans())
    def translate_segments(self, who, data, submit):
        """The segment editor: every segment of a translation written (its placeholders kept), saved or submitted."""
        version = self.pick(data)
        if version is None or version.is_source:
            return
        phrase = f"Journey {token('seg')} "
        rows = workbench.rows(version, with_help=False)
        targets = {row.key: phrase + workbench.to_tokens(row.source.html, row.codes) for row in rows}
        outcome = []

        def change(by):
            outcome.append(workbench.save(version=version, by=by, targets=targets, done=set(targets), acknowledged=set(targets),
                                          submit=submit))  # fmt: skip

        if self.attempt(who, change) and outcome[0].saved:
            self.note_revision(version.pk)

    @rule(who=person, data=st.data(), fmt=st.sampled_from(["xliff", "po"]))
    def exchange_file(self, who, data, fmt):
        """An agency's round trip: the piece exported, every unit translated outside, the file imported."""
        version = self.pick(data)
        if version is None or version.source_version() is None:
            return
        source = version.source_version()
        language = "fr" if source.language == "en" else "en"
        imported = []

        def change(by):
            name, content, _type = exchange.export(sources=[source], language=language, by=by, fmt=fmt)
            done = exchange.import_file(upload=SimpleUploadedFile(name, agency(content, fmt, f"Journey {token('file')} ")), by=by)
            imported.extend(done)

        if self.attempt(who, change):
            for item in imported:
                if item.version.pk not in self.versions:
                    self.versions.append(item.version.pk)
                self.note_revision(item.version.pk)

    @rule(who=person, data=st.data(), delete=st.booleans())
    def edit_tag(self, who, data, delete):
        tags = list(Tag.objects.filter(language__in=LANGUAGES).order_by("pk").values_list("pk", flat=True))
        if not tags:
            return
        tag = Tag.objects.get(pk=data.draw(st.sampled_from(tags)))
        if delete:
            self.attempt(who, lambda by: services.delete_taxonomy(instance=tag, by=by))
        else:
            tag.name = f"Tag {token('tag')}"
            self.attempt(who, lambda by: services.save_taxonomy(instance=tag, by=by))

    @rule(who=person, data=st.data())
    def rename_section(self, who, data):
        texts = list(SectionText.objects.filter(language__in=LANGUAGES).order_by("pk").values_list("pk", flat=True))
        text = SectionText.objects.select_related("section").get(pk=data.draw(st.sampled_from(texts)))
        text.name = f"Section {token('section')}"
        self.attempt(who, lambda by: services.save_taxonomy(instance=text.section, by=by, texts=[text]))

    @rule(who=person, data=st.data())
    def rename_author(self, who, data):
        """An author's name is on bylines, feeds and author pages, and is a word their pieces are found by (a job)."""
        authors = list(Author.objects.filter(pieces__versions__pk__in=self.versions).distinct().order_by("pk").values_list("pk", flat=True))
        if not authors:
            return
        author = Author.objects.get(pk=data.draw(st.sampled_from(authors)))
        author.name = f"Author {token('author')}"
        self.attempt(who, lambda by: services.save_taxonomy(instance=author, by=by))

    @rule(who=person, data=st.data())
    def rename_kind(self, who, data):
        """A kind's name is on every card of its pieces, in every listing, and on their pages."""
        texts = list(KindText.objects.filter(language__in=LANGUAGES).order_by("pk").values_list("pk", flat=True))
        if not texts:
            return
        text = KindText.objects.select_related("kind").get(pk=data.draw(st.sampled_from(texts)))
        text.name = f"Kind {token('kind')}"
        self.attempt(who, lambda by: services.save_taxonomy(instance=text.kind, by=by, texts=[text]))

    @rule(who=person, data=st.data(), of=st.sampled_from(["tag", "author", "section"]))
    def merge(self, who, data, of):
        """Two tags (of one language), authors or sections become one: the pieces move in the job (in-process at
        commit, as the embedded default runs it), and the merged one's page leads to the other's."""
        if of == "tag":
            choices = list(Tag.objects.filter(language="en").order_by("pk"))
        elif of == "author":
            choices = list(Author.objects.order_by("pk"))
        else:
            choices = list(Section.objects.order_by("pk"))
        if len(choices) < 2:
            return
        source, into = data.draw(st.permutations(choices))[:2]
        if of == "section":
            old = {text.language: reverse_in(text.language, "articles:section", slug=text.slug) for text in source.texts.all()}
        else:
            old = {"en": reverse_in("en", f"articles:{of}", slug=source.slug)}
        if self.attempt(who, lambda by: services.merge_taxonomy(source=source, into=into, by=by)):
            assert not type(source).objects.filter(pk=source.pk).exists(), "the embedded default ran the job to its end"
            self.moved = {url: (kind, into.pk if (kind, target) == (of, source.pk) else target, language)
                          for url, (kind, target, language) in self.moved.items()}  # fmt: skip
            self.moved.update({url: (of, into.pk, language) for language, url in old.items()})

    @precondition(lambda self: PieceVersion.objects.filter(status=Status.PUBLISHED, published_at__gt=timezone.now()).exists())
    @rule(hours=st.integers(min_value=1, max_value=4))
    def time_passes(self, hours):
        """The clock moves on and the go-live job runs, as beat runs it every minute."""
        self.clock.stop()
        self.clock = time_machine.travel(timezone.now() + timedelta(hours=hours), tick=False)
        self.clock.start()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.go_live_due()
        self.state += 1

    @rule()
    def readers_visit(self):
        """Readers read every public page, which the page cache then keeps: invariant (c) compares each with a
        fresh render after every later step (a page left stale by a change of its related cards, its listing…)."""
        for url in sorted(self.public_urls()):
            self.reader.get(url)
            self.watched.add(url)

    # What must hold after every step ------------------------------------------------------------------------
    # A step that changed nothing (a refusal: `attempt` checks it changed nothing) cannot break what the last
    # check saw hold, so each invariant looks again only after a step that changed something.

    def seen(self, invariant):
        if self.checked.get(invariant) == self.state:
            return True
        self.checked[invariant] = self.state
        return False

    def fresh(self, url):
        """An anonymous render past the page cache and with nothing remembered (the cards of review.jinja2), once per
        state (the leak and the staleness checks share it): a remembered card that missed a change shows as stale."""
        if (self.state, url) not in self.rendered:
            cards.clear()
            with override_settings(REVIEW_PAGE_CACHE=False):
                self.rendered = {key: value for key, value in self.rendered.items() if key[0] == self.state}
                self.rendered[self.state, url] = Client().get(url)
        return self.rendered[self.state, url]

    def public_urls(self):
        urls = {f"/{code}/" for code in LANGUAGES} | {f"/{code}/articles/" for code in LANGUAGES} | {f"/{code}/feed/" for code in LANGUAGES}
        live = list(PieceVersion.objects.published().filter(pk__in=self.versions).select_related("piece")[:6])
        # The pages of what the live pieces are filed under, whose names the renames change.
        names = set()
        for version in live:
            names |= {reverse_in(version.language, "articles:tag", slug=tag.slug) for tag in version.tags.all()}
            names |= {reverse_in(version.language, "articles:author", slug=author.slug) for author in version.piece.authors.all()}
            texts = SectionText.objects.filter(section_id=version.piece.section_id, language=version.language)
            section = version.piece.section_id and texts.first()
            if section:
                names.add(reverse_in(version.language, "articles:section", slug=section.slug))
        return urls | {version.get_absolute_url() for version in live} | set(sorted(names)[:6])

    @invariant()
    def index_and_search_equal_a_rebuild(self):
        if self.seen("index"):
            return
        assert integrity.listing_drift() == (set(), set()), "the listing index drifted from a rebuild"
        assert integrity.search_drift() == (set(), set()), "the search documents drifted from a rebuild"

    @invariant()
    def readers_see_exactly_the_live_text(self):
        if self.seen("readers"):
            return
        hidden, shown = set(), set()
        for version in PieceVersion.objects.filter(pk__in=self.versions):
            (shown if version.is_published() else hidden).update(PHRASE.findall(f"{version.title} {version.standfirst}"))
        for pending in PendingChange.objects.filter(version_id__in=self.versions):
            hidden.update(PHRASE.findall(f"{pending.title} {pending.standfirst}"))
        hidden -= shown  # a live text may carry a word a pending text also has
        pages = [*self.public_urls(), "/sitemap-versions.xml", "/sitemap-listings.xml"]
        pages += [f"/{code}/search/?q={phrase.split()[-1]}" for code in LANGUAGES for phrase in sorted(hidden)[:2]]
        for url in pages:
            response = self.fresh(url)
            assert response.status_code == 200, (url, response.status_code)
            text = html.unescape(response.content.decode())
            leaked = [word for word in hidden if word in text]
            assert not leaked, f"{url} shows unpublished text {leaked}"
        for version in PieceVersion.objects.filter(pk__in=self.versions):
            response = self.fresh(version.get_absolute_url())
            if version.is_published():
                assert response.status_code == 200 and version.title in html.unescape(response.content.decode()), version.pk
            else:
                assert response.status_code in (301, 404), (version.pk, version.status, response.status_code)

    @invariant()
    def the_memory_holds_only_what_readers_saw(self):
        """The translation memory records live translations only: never a draft's, a version in review's or pending text."""
        for version in PieceVersion.objects.filter(pk__in=self.versions):
            if version.is_published():
                self.ever_live.update(PHRASE.findall(f"{version.title} {version.standfirst} {version.body}"))
        for source, target in MemoryEntry.objects.values_list("source", "target"):
            unseen = set(PHRASE.findall(f"{source} {target}")) - self.ever_live
            assert not unseen, f"the translation memory holds text readers never saw: {unseen}"

    @invariant()
    def listings_read_through_recorded_queries_are_the_plain_orms(self):
        """Reader pages read listings through SQL compiled once per shape (review/prepared.py): whatever the journey did,
        and at whatever time it travelled to, a listing's rows and count are what a plain queryset finds now."""
        if self.seen("listings"):
            return
        now = timezone.now()
        for code in LANGUAGES:
            plain = ListingEntry.objects.filter(language=code, facet="all", published_at__lte=now)
            plain = plain.exclude(visible_until__lte=now).order_by("-published_at", "-version_id")
            listing = selectors.Listing(code)
            assert [row.version_id for row in listing[0:40]] == list(plain.values_list("version_id", flat=True)[:40]), code
            assert [row.version_id for row in listing[3:9]] == list(plain.values_list("version_id", flat=True)[3:9]), code
            assert listing.count() == plain.count(), code

    @invariant()
    def pending_text_is_read_only_in_its_language(self):
        """(b) for the desk: pending changes are unpublished text. Someone who does not work in a version's language
        (the French translator on an English version, a staff user without rights) reads its live text in the form,
        the diff panel and the preview, never its pending text."""
        if self.seen("pending"):
            return
        pendings = PendingChange.objects.filter(version_id__in=self.versions).select_related("version")
        for who in ("translator", "staff"):
            person = self.people[who]
            for pending in pendings:
                version = pending.version
                if policies.may_edit_language(person, version.language):
                    continue
                words = set(PHRASE.findall(f"{pending.title} {pending.standfirst}"))
                words -= set(PHRASE.findall(f"{version.title} {version.standfirst}"))
                if who not in self.desk_clients:
                    self.desk_clients[who] = Client()
                    self.desk_clients[who].force_login(person)
                client = self.desk_clients[who]
                for url in (f"/admin/articles/pieceversion/{version.pk}/change/", f"/{version.language}/preview/{version.pk}/"):
                    response = client.get(url)
                    assert response.status_code in (200, 302, 403, 404), (who, url, response.status_code)
                    text = html.unescape(response.content.decode())
                    assert not [word for word in words if word in text], f"{who} reads pending text of {version.pk} at {url}"

    @invariant()
    def no_cached_page_is_stale(self):
        if self.seen("cache"):
            return
        for url in sorted(self.watched):
            cached = self.reader.get(url)
            if cached.get("X-Review-Cache") != "hit":
                continue
            fresh = self.fresh(url)
            assert cached.content == fresh.content, f"{url} is served stale from the page cache: {first_difference(cached, fresh)}"

    @invariant()
    def merged_pages_lead_to_what_they_went_into(self):
        """A merged tag's, author's or section's old page answers 301 to the page of the one it went into (followed
        through later merges, and its renames), or 404 once that was deleted."""
        if self.seen("moved"):
            return
        models = {"tag": Tag, "author": Author, "section": Section}
        for url, (of, target, language) in sorted(self.moved.items()):
            response = self.fresh(url)
            into = models[of].objects.filter(pk=target).first()
            if into is None:  # deleted since: its old pages lead nowhere
                assert response.status_code == 404, (url, response.status_code)
                continue
            if of == "section":
                texts = {text.language: text.slug for text in into.texts.all()}
                slug = texts.get(language) or texts.get("en")
            else:
                slug = into.slug
            assert response.status_code == 301, (url, response.status_code)
            assert response["Location"] == reverse_in(language, f"articles:{of}", slug=slug), (url, response["Location"])

    @invariant()
    def every_piece_has_one_source_of_its_own(self):
        assert not Piece.objects.filter(source__isnull=True).exists()
        for piece in Piece.objects.select_related("source"):
            assert piece.source.piece_id == piece.pk and piece.source_language == piece.source.language


@pytest.fixture
def journey_people(demo):
    users = get_user_model().objects
    reviser = users.create_user("reviser-fr", password="x", is_staff=True)
    reviser.groups.set([users.get(username="translator-fr").groups.get(name=TRANSLATORS)])
    TranslatorLanguage.objects.create(user=reviser, language="fr", may_publish=True)
    staff = users.create_user("staff-only", password="x", is_staff=True)
    # A piece drafted, then published, as most are: its History holds revisions of another state than now.
    editor = users.get(username="editor")
    drafted = services.create_piece(by=editor, language="en", section=Section.objects.order_by("pk").first(),
                                    changes={"title": "Journey drafted first", "body": "<p>Drafted first.</p>"})  # fmt: skip
    services.publish(versions=[drafted], by=editor)
    Journey.people = {"editor": users.get(username="editor"), "translator": users.get(username="translator-fr"),
                      "reviser": reviser, "staff": staff}  # fmt: skip


JOURNEY_SETTINGS = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize="REVIEW_JOURNEYS" not in os.environ, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # In `make test` a failure is reported as found (its steps are printed); `make soak` shrinks it to the shortest.
    phases=list(Phase) if "REVIEW_JOURNEYS" in os.environ else [Phase.explicit, Phase.reuse, Phase.generate],
)  # fmt: skip


@pytest.mark.usefixtures("journey_people")
def test_random_journeys_keep_every_invariant(settings):
    settings.REVIEW_PAGE_CACHE = True
    run_state_machine_as_test(Journey, settings=JOURNEY_SETTINGS)
