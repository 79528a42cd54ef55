"""The page cache: anonymous reader pages from memory; each change event purges exactly the URLs it names."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from articles import services
from articles.models import FeaturedPiece, PieceVersion, Status, Tag
from delivery.pagecache import storable
from tests.admin_client import AdminUser

STATE = "X-Review-Cache"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.REVIEW_PAGE_CACHE = True


def fetch(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def warm(*urls):
    """Load each page twice: the second answer must come from the cache."""
    for url in urls:
        fetch(url)
        assert fetch(url)[STATE] == "hit", url


def assert_fresh(url, *texts, absent=()):
    response = fetch(url)
    assert response[STATE] == "miss", f"{url} was not purged"
    page = response.content.decode()
    for text in texts:
        assert text in page, (url, text)
    for text in absent:
        assert text not in page, (url, text)


def assert_still_cached(*urls):
    for url in urls:
        assert fetch(url)[STATE] == "hit", f"{url} was purged but the change does not touch it"


def test_a_reader_page_is_served_from_the_cache_with_headers_for_shared_caches(make_article, settings):
    article = make_article(title="Cached piece")
    first = fetch(article.get_absolute_url())
    again = fetch(article.get_absolute_url())
    assert (first[STATE], again[STATE]) == ("miss", "hit") and first.content == again.content
    control = again["Cache-Control"]
    assert "public" in control and "max-age=60" in control and f"s-maxage={settings.REVIEW_SHARED_MAX_AGE}" in control
    assert again["ETag"] == first["ETag"] and again.has_header("Last-Modified") and int(again["Age"]) >= 0
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]  # the stored headers come back

    not_modified = Client().get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=again["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    since = Client().get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=again["Last-Modified"])
    assert since.status_code == 304


@pytest.fixture
def cache_reads(monkeypatch):
    """Every read of the page cache's store (one Redis round trip each in production), as (method, keys)."""
    from django.core.cache import caches

    store, reads, depth = caches["default"], [], [0]
    for name in ("get", "get_many", "has_key"):
        original = getattr(store, name)

        def counted(key, *args, _original=original, _name=name, **kwargs):
            if not depth[0]:  # the local-memory backend's get_many calls get per key: one read for Redis
                reads.append((_name, key))
            depth[0] += 1
            try:
                return _original(key, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(store, name, counted)
    return reads


def test_a_cached_article_page_with_related_cards_is_one_round_trip(make_article, section, committed, cache_reads):
    """An article page depends on its language's chrome and on the listings its related cards come from; a hit reads
    the page and all their tokens at once. A process that has not seen the page yet pays one more read, once. A
    process that holds the page reads only the purge clock and the go-live facts (three values), until a purge."""
    from delivery.pagecache import CLOCK_KEY, learned_keys, local_copies

    neighbour = make_article(title="Neighbour in the section", section=section)
    article = make_article(title="Piece with related cards", section=section)
    url = article.get_absolute_url()
    warm(url)
    assert "Neighbour in the section" in fetch(url).content.decode()  # it has related cards, so related keys

    cache_reads.clear()
    assert fetch(url)[STATE] == "hit"
    assert len(cache_reads) == 1 and len(cache_reads[0][1]) == 3 and CLOCK_KEY in cache_reads[0][1], cache_reads

    learned_keys.paths.clear()  # as in a worker process that has not served this page yet
    local_copies.clear()
    cache_reads.clear()
    assert fetch(url)[STATE] == "hit"
    assert len(cache_reads) == 2, cache_reads
    cache_reads.clear()
    assert fetch(url)[STATE] == "hit"
    assert len(cache_reads) == 1 and len(cache_reads[0][1]) == 3, cache_reads  # kept locally again

    local_copies.clear()  # another process: it reads the page and every stamp, in one round trip (learned keys)
    cache_reads.clear()
    assert fetch(url)[STATE] == "hit"
    assert len(cache_reads) == 1 and len(cache_reads[0][1]) > 3, cache_reads

    committed(services.unpublish, versions=[neighbour], by=None)  # purges the related key, not the page's path
    assert_fresh(url, "Piece with related cards", absent=["Neighbour in the section"])


def test_learned_keys_forget_the_oldest_path_first():
    from delivery.pagecache import LearnedKeys

    learned = LearnedKeys(limit=2)
    learned.learn("/en/a/", {"related:en:s:1": 1})
    learned.learn("/en/b/", ["related:en:s:2"])
    learned.learn("/en/a/", {"related:en:s:1": 2})  # known already: stays where it is
    learned.learn("/en/c/", ())
    assert learned.get("/en/a/") == () and learned.get("/en/b/") == ("related:en:s:2",) and learned.get("/en/c/") == ()
    assert list(learned.paths) == ["/en/b/", "/en/c/"]


def test_the_query_string_is_part_of_the_key_and_a_purge_covers_every_variant(make_article, committed):
    for n in range(14):
        make_article(title=f"Listed {n}")
    warm("/en/articles/", "/en/articles/?page=2")
    assert "Listed 0" not in fetch("/en/articles/?page=2").content.decode()  # a different page, not page 1 again
    committed(make_article, title="Newest of all", published_at=timezone.now() - timedelta(minutes=1))
    assert_fresh("/en/articles/", "Newest of all")
    assert_fresh("/en/articles/?page=2")


def test_staff_previews_the_admin_and_posts_are_never_cached(make_article, demo):
    article = make_article(title="Public piece")
    url = article.get_absolute_url()
    editor = AdminUser("editor", "review-editor")
    for _ in range(2):
        response = editor.get(url)
        assert response.status_code == 200 and not response.has_header(STATE)
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    draft = make_article(title="Secret draft", status=Status.DRAFT)
    for _ in range(2):
        preview = editor.get(f"/en/preview/{draft.pk}/")
        assert preview.status_code == 200 and not preview.has_header(STATE) and "no-store" in preview["Cache-Control"]
    assert "Secret draft" not in Client().get(f"/en/preview/{draft.pk}/").content.decode()
    for _ in range(2):
        assert not editor.get("/admin/").has_header(STATE)
    assert not Client().post(url, {}).has_header(STATE)
    assert fetch(url)[STATE] == "miss"  # staff visits stored nothing for readers


def test_responses_that_set_a_cookie_or_forbid_storing_are_not_stored():
    assert storable(HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("sessionid", "x")
    assert not storable(with_cookie)
    for control in ("private", "no-store", "no-cache", "max-age=0"):
        response = HttpResponse("page", headers={"Cache-Control": control})
        assert not storable(response), control
    assert not storable(HttpResponse("page", headers={"Vary": "Cookie"}))
    assert not storable(HttpResponse("gone", status=404))


# One test per change event type: what it names is fresh on the next GET, in every language; an
# unrelated page is still a hit ------------------------------------------------------------------


@pytest.fixture
def other(make_article):
    """A piece no change below touches, two years back, with its own tag."""
    article = make_article(title="Untouched piece", tags=["Untouched"], published_at=timezone.now() - timedelta(days=800))
    return article


def unrelated(other):
    year = other.local_date.year
    return [other.get_absolute_url(), f"/en/articles/{year}/", "/en/tags/untouched/"]


def test_publishing_purges_listings_in_every_language_and_nothing_else(make_article, committed, other, section):
    draft = make_article(title="Arctic watch", status=Status.DRAFT, section=section)
    feeds = ["/en/feed/", "/en/feed/atom/", "/fr/feed/", "/en/sections/collective-defence/feed/"]
    warm("/en/", "/en/articles/", "/fr/articles/", "/ar/articles/", "/en/sections/collective-defence/", *feeds, *unrelated(other))
    committed(services.publish, versions=[draft], by=None)
    for url in ["/en/", "/en/articles/", "/fr/articles/", "/ar/articles/", "/en/sections/collective-defence/", *feeds]:
        assert_fresh(url, "Arctic watch")  # French and Arabic show the English source (fallback)
    assert_still_cached(*unrelated(other))


def test_editing_purges_the_page_and_its_listings(make_article, committed, other):
    article = make_article(title="Baltic brief", tags=["Baltic"])
    warm(article.get_absolute_url(), "/en/articles/", "/en/tags/baltic/", "/fr/articles/", *unrelated(other))
    committed(services.save_version, version=article, by=None, changes={"title": "Baltic brief, revised"}, go_live=True)
    for url in [article.get_absolute_url(), "/en/articles/", "/en/tags/baltic/", "/fr/articles/"]:
        assert_fresh(url, "Baltic brief, revised")
    assert_still_cached(*unrelated(other))


def test_unpublishing_purges_and_the_page_is_gone(make_article, committed, other):
    article = make_article(title="Withdrawn piece")
    url = article.get_absolute_url()
    warm(url, "/en/articles/", *unrelated(other))
    committed(services.unpublish, versions=[article], by=None)
    assert Client().get(url).status_code == 404
    assert_fresh("/en/articles/", absent=["Withdrawn piece"])
    assert_still_cached(*unrelated(other))


def test_moving_purges_the_old_and_the_new_address(make_article, committed, other):
    article = make_article(title="Moving piece", slug="moving-piece")
    old = article.get_absolute_url()
    warm(old, "/en/articles/", *unrelated(other))
    moved = committed(services.save_version, version=article, by=None, changes={"slug": "moved-piece"}, go_live=True)
    assert Client().get(old).status_code == 301
    assert_fresh(moved.get_absolute_url(), "Moving piece")
    assert_fresh("/en/articles/", moved.get_absolute_url())
    assert_still_cached(*unrelated(other))


def test_deleting_a_version_purges_its_page_and_listings(make_article, committed, other):
    source = make_article(title="Source piece")
    french = make_article(language="fr", translation_of=source, title="Pièce française", status=Status.PUBLISHED)
    warm(french.get_absolute_url(), "/fr/articles/", *unrelated(other))
    committed(services.delete_version, version=PieceVersion.objects.get(pk=french.pk), by=None)
    assert Client().get(french.get_absolute_url()).status_code == 404
    assert_fresh("/fr/articles/", "Source piece", absent=["Pièce française"])  # the source shows again
    assert_still_cached(*unrelated(other))


def test_taxonomy_changes_purge_their_pages_and_the_pages_that_name_them(make_article, committed, other, section, author):
    article = make_article(title="Sectioned", section=section, authors=[author], tags=["Ports"])
    pages = [article.get_absolute_url(), "/en/sections/collective-defence/", "/en/authors/ada-writer/", "/en/tags/ports/"]
    warm(*pages, *unrelated(other))

    text = section.texts.get(language="en")
    text.name = "Collective defence and deterrence"
    text.save()
    committed(services.taxonomy_changed, instance=section)
    assert_fresh("/en/sections/collective-defence/", "Collective defence and deterrence")
    assert_fresh(article.get_absolute_url(), "Collective defence and deterrence")
    for url in unrelated(other):  # every page's sections bar names it (events.chrome_key)
        assert_fresh(url, "Collective defence and deterrence")
    warm(*unrelated(other))

    author.name = "Ada Writer-Smith"
    author.save()
    committed(services.taxonomy_changed, instance=author)
    assert_fresh("/en/authors/ada-writer/", "Ada Writer-Smith")
    assert_still_cached(*unrelated(other))

    tag = Tag.objects.get(name="Ports")
    tag.name = "Harbours"
    tag.save()
    committed(services.taxonomy_changed, instance=tag)
    assert_fresh(article.get_absolute_url(), "Harbours")
    assert_still_cached(*unrelated(other))


def test_a_kind_change_purges_the_pages_of_its_pieces(make_article, committed, other, kind):
    article = make_article(title="Analysed", kind=kind)
    warm(article.get_absolute_url(), "/en/articles/", *unrelated(other))
    text = kind.texts.get(language="en")
    text.name = "Deep analysis"
    text.save()
    committed(services.taxonomy_changed, instance=kind)
    assert_fresh("/en/articles/", "Deep analysis")
    assert_still_cached(*unrelated(other))


@pytest.mark.parametrize("what", ["tag", "author", "kind"])
def test_a_rename_reaches_every_page_that_names_it_through_one_key(make_article, committed, other, kind, author, what, settings):
    """Bylines, tag lists, categories in feeds, kind labels on cards and in the list filter: a rename names one key
    (`shows:<t|a|k>:<id>`), however many pages show the thing, and none of them is served with the old name."""
    from articles import events
    from articles.models import KindText

    articles = [make_article(title=f"Named {n}", kind=kind, authors=[author], tags=["Ports"]) for n in range(3)]
    tag = Tag.objects.get(name="Ports")
    pages = [*(a.get_absolute_url() for a in articles), "/en/feed/", "/en/feed/atom/", "/en/articles/", "/en/tags/ports/",
             "/en/tags/ports/feed/", "/en/authors/ada-writer/", "/en/authors/ada-writer/feed/"]  # fmt: skip
    warm(*pages, *unrelated(other))
    heard = []
    events.change_event.connect(hear := lambda sender, event, **kw: heard.append(event), weak=False)
    try:
        if what == "tag":
            tag.name, new = "Harbours", "Harbours"
            committed(services.save_taxonomy, instance=tag, by=None)
        elif what == "author":
            author.name, new = "Ada Writer-Smith", "Ada Writer-Smith"
            committed(services.save_taxonomy, instance=author, by=None)
        else:
            text, new = KindText.objects.get(kind=kind, language="en"), "Deep analysis"
            text.name = new
            committed(services.save_taxonomy, instance=kind, by=None, texts=[text])
    finally:
        events.change_event.disconnect(hear)
    (event,) = heard
    assert not {a.get_absolute_url() for a in articles} & event.urls, "pages are reached by the key, not one by one"
    assert len(event.urls) <= 3 * len(settings.LANGUAGES) + 1, event.urls  # its own pages and feeds per language, and the key
    shown = {"tag": pages[:5] + pages[6:8], "author": pages[:5] + pages[8:], "kind": pages[:3] + pages[5:7]}[what]
    for url in shown:
        assert_fresh(url, new)
    assert_still_cached(*unrelated(other))


def test_featuring_a_piece_purges_that_languages_home_only(make_article, committed, other):
    article = make_article(title="Featured soon")
    warm("/en/", "/fr/", *unrelated(other))
    committed(services.save_featured, featured=FeaturedPiece(piece=article.piece, language="en", order=0), by=None)
    assert_fresh("/en/", "Featured soon")
    assert_still_cached("/fr/", *unrelated(other))


def test_a_source_edit_purges_a_fallback_listing_but_not_one_with_its_own_version(make_article, committed, other):
    source = make_article(title="English only")
    translated = make_article(title="Also in French")
    make_article(language="fr", translation_of=translated, title="Aussi en français", status=Status.PUBLISHED)
    warm("/fr/articles/", "/de/articles/", *unrelated(other))

    committed(services.save_version, version=source, by=None, changes={"standfirst": "A new English standfirst."}, go_live=True)
    assert_fresh("/fr/articles/", "A new English standfirst.")  # French shows the English source: purged
    assert_fresh("/de/articles/", "A new English standfirst.")
    assert_still_cached(*unrelated(other))

    warm("/fr/articles/")
    committed(services.save_version, version=translated, by=None, changes={"standfirst": "Changed in English."}, go_live=True)
    assert_still_cached("/fr/articles/")  # French shows its own version of that piece: not purged
    assert_fresh("/de/articles/", "Changed in English.")


@pytest.mark.django_db(transaction=True)  # commits for real: the announcement's purge happens inside that request
def test_a_scheduled_piece_appears_at_its_time_without_a_clock_job(make_article, time_machine, other):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_article(title="At ten", published_at=now + timedelta(minutes=10))
    warm("/en/articles/", *unrelated(other))
    assert "At ten" not in fetch("/en/articles/").content.decode()

    time_machine.move_to(now + timedelta(minutes=10, seconds=1), tick=False)  # well inside the pages' lifetime
    response = fetch("/en/articles/")  # the first request after ten announces it, and its purge, before looking
    assert response[STATE] == "miss" and "At ten" in response.content.decode()
    assert PieceVersion.objects.get(title="At ten").live_announced
    assert_still_cached(*unrelated(other))


def test_the_go_live_job_purges_the_listings_at_the_go_live_time(make_article, time_machine, other, committed):
    from articles.tasks import go_live_due

    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_article(title="Due at noon", published_at=now + timedelta(minutes=5))
    warm("/en/articles/", "/fr/articles/", *unrelated(other))

    time_machine.move_to(now + timedelta(minutes=5, seconds=1), tick=False)
    assert committed(go_live_due.apply).get() == 1  # the beat's job, through Celery, before any reader asks
    assert_fresh("/en/articles/", "Due at noon")  # purged by the job's event: the request had nothing left to announce
    assert_fresh("/fr/articles/", "Due at noon")
    assert_still_cached(*unrelated(other))


def test_one_page_under_every_spelling_of_its_query_and_host(make_article, django_assert_max_num_queries):
    url = make_article(title="One normal form").get_absolute_url()
    assert Client().get(url, QUERY_STRING="b=2&a=1")[STATE] == "miss"
    for query in ("a=1&b=2", "utm_source=news&b=2&a=1&fbclid=x", "a=1&UTM_MEDIUM=&b=2&gclid=1"):
        with django_assert_max_num_queries(0):
            assert Client().get(url, QUERY_STRING=query)[STATE] == "hit", query
    assert Client().get(url, QUERY_STRING="a=1&b=3")[STATE] == "miss", "another value is another page"
    assert Client().get(url, HTTP_HOST="TestServer")[STATE] == "miss"  # stored under the host in lower case:
    assert Client().get(url)[STATE] == "hit"
    stored = Client().get(url, QUERY_STRING="utm_source=x")
    assert stored["X-Review-Path"] == url


def test_a_view_never_sees_tracking_parameters(make_article):
    make_article(title="Listed piece")
    page = Client().get("/en/articles/", QUERY_STRING="utm_source=feed&page=1").content.decode()
    assert "utm_source" not in page
