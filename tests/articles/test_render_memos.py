"""What a reader page remembers to render faster, and when it must forget it: section and kind names once per
request, paths in a language, a card's day, rendition URLs."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone

from articles import services, taxonomy
from articles.events import reverse_in
from articles.models import SectionText


@pytest.fixture
def taxonomy_reads(monkeypatch):
    """The keys of every cache read of one language's names."""
    store, reads = caches["default"], []
    original = store.get

    def get(key, *args, **kwargs):
        if key.startswith("review:taxonomy:"):
            reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(store, "get", get)
    return reads


def test_a_page_reads_each_languages_names_once_and_a_worker_again_only_after_a_change(make_article, section, kind, taxonomy_reads):
    for n in range(4):
        make_article(title=f"Named piece {n}", section=section, kind=kind)
    client = Client()
    for url in ("/en/articles/", f"/en/sections/{section.texts.get(language='en').slug}/"):
        taxonomy.forget()  # as a change does: every worker reads the shared cache again
        taxonomy_reads.clear()
        assert client.get(url).status_code == 200
        # Asked often, read once; the section's address in every language is in its own language's names.
        assert taxonomy_reads == [taxonomy.KEY.format(language="en")], (url, taxonomy_reads)
        taxonomy_reads.clear()
        assert client.get(url).status_code == 200
        assert taxonomy_reads == [], (url, taxonomy_reads)  # nothing changed: this process kept them

    # Outside a request (a job, a command) nothing is remembered: a rename is seen at once.
    text = SectionText.objects.get(section=section, language="en")
    before = taxonomy.for_language("en").sections_by_id[section.pk].name
    text.name = "Renamed between two calls"
    services.save_taxonomy(instance=section, by=None, texts=[text])
    assert taxonomy.for_language("en").sections_by_id[section.pk].name == "Renamed between two calls" != before


def test_a_rename_within_a_request_is_seen_by_the_rest_of_it(section):
    taxonomy.request_memo()
    try:
        assert taxonomy.for_language("en").sections_by_id[section.pk].name != "Renamed within"
        text = SectionText.objects.get(section=section, language="en")
        text.name = "Renamed within"
        services.save_taxonomy(instance=section, by=None, texts=[text])
        assert taxonomy.for_language("en").sections_by_id[section.pk].name == "Renamed within"
    finally:
        taxonomy.end_request_memo()


def test_a_versions_day_follows_its_publication_time(make_article):
    version = make_article(title="Dated piece")
    first = version.local_date
    version.published_at = version.published_at - timedelta(days=40)
    assert version.local_date == first - timedelta(days=40)
    assert version.get_absolute_url().startswith(f"/en/articles/{version.local_date:%Y/%m/%d}/")
    version.published_at = None
    assert version.local_date is None
    version.published_at = timezone.now()
    assert version.local_date == timezone.localdate()


def test_paths_in_a_language_are_the_routers(section):
    slug = section.texts.get(language="en").slug
    assert reverse_in("fr", "articles:section", slug=slug) == f"/fr/sections/{slug}/"
    assert reverse_in("ar", "articles:year-archive", year=2016) == "/ar/articles/2016/"
    assert reverse_in("en", "articles:home") == "/en/"


def test_rendition_urls_follow_the_media_url(make_article, make_image):
    image = make_image()
    article = make_article(title="Pictured piece", image=image)
    page = Client().get("/en/articles/").content.decode()
    assert "/media/" in image.picture("card")["src"] and image.picture("card")["src"] in page
    with override_settings(MEDIA_URL="https://media.example.org/"):
        moved = image.picture("card")
        assert moved["src"].startswith("https://media.example.org/")
        assert all(part.strip().startswith("https://media.example.org/") for part in moved["srcset"].split(","))
    assert image.picture("card")["src"].startswith("/media/")
    assert article.get_absolute_url() in page


def test_a_remembered_card_follows_every_change_of_what_it_shows(make_article, make_image, kind, committed):
    """The same page rendered with the remembered cards and with none: equal after each change of a card's input."""
    from articles.models import KindText
    from review.jinja2 import cards

    image = make_image()
    article = make_article(title="Carded piece", standfirst="First standfirst.", kind=kind, image=image)
    other = make_image()

    def same_with_and_without_memo(*expected):
        remembered = Client().get("/en/articles/").content.decode()
        cards.clear()
        fresh = Client().get("/en/articles/").content.decode()
        assert remembered == fresh
        for text in expected:
            assert text in fresh, text

    same_with_and_without_memo("Carded piece", "First standfirst.")
    changes = [
        ({"title": "Carded piece, retitled"}, "Carded piece, retitled"),
        ({"standfirst": "Second standfirst."}, "Second standfirst."),
        ({"slug": "carded-piece-moved"}, "carded-piece-moved"),
        ({"published_at": timezone.now() - timedelta(days=400)}, None),
    ]
    for change, text in changes:
        article = committed(services.save_version, version=article, by=None, changes=change, go_live=True)
        same_with_and_without_memo(*([text] if text else []))
    article = committed(
        services.save_version, version=article, by=None, changes={}, images=[{"image": other, "alt_text": "New alt"}], go_live=True
    )
    same_with_and_without_memo("New alt")
    article = committed(
        services.save_version,
        version=article,
        by=None,
        changes={},
        images=[{"image": other, "alt_text": "Only the alt changed"}],
        go_live=True,
    )
    same_with_and_without_memo("Only the alt changed")
    text = KindText.objects.get(kind=kind, language="en")
    text.name = "Renamed kind"
    committed(services.save_taxonomy, instance=kind, by=None, texts=[text])
    same_with_and_without_memo("Renamed kind")


@pytest.fixture
def epoch_reads(monkeypatch):
    """Every cache read of the listing epoch (the generation and the next go-live, read together)."""
    from articles import selectors

    store, reads = caches["default"], []
    original = store.get_many

    def get_many(keys, *args, **kwargs):
        if selectors.NEXT_KEY in keys:
            reads.append(tuple(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(store, "get_many", get_many)
    return reads


def test_a_listing_page_reads_the_epoch_once_and_a_write_in_the_request_reads_it_again(make_article, epoch_reads):
    from articles import selectors

    make_article(title="Counted piece")
    client = Client()
    client.get("/en/articles/")
    epoch_reads.clear()
    assert client.get("/en/articles/").status_code == 200  # its count and its years: one epoch between them
    assert len(epoch_reads) == 1
    selectors.request_memo()  # as a request that writes: the generation it moves is the one it reads after
    before = selectors.epoch()
    selectors.next_generation()
    assert selectors.epoch() != before
    selectors.end_request_memo()


def test_a_pages_language_links_are_rendered_once_and_in_the_pages_language(client, make_article):
    """The thirty hreflang links and the switcher are the same on every request for one address: their HTML is made
    the first time and kept with them; it names the languages in the words of the page's language, and the same
    other-language paths on a page in another language make other HTML."""
    from reader.views.base import language_links

    source = make_article(title="Kept links", language="fr")
    english = make_article(title="Kept links in English", translation_of=source, language="en")
    pairs = ((source.language, source.get_absolute_url()), (english.language, english.get_absolute_url()))
    french = language_links("http://testserver", "fr", pairs, True, "fr")
    assert language_links("http://testserver", "fr", pairs, True, "fr") is french  # one object per page address
    assert french.head is french.head and french.switcher_html is french.switcher_html  # rendered once
    assert f'hreflang="x-default" href="http://testserver{source.get_absolute_url()}"' in french.head  # the original
    assert 'aria-label="Langues"' in client.get(source.get_absolute_url()).content.decode()
    page = client.get(english.get_absolute_url()).content.decode()
    assert 'aria-label="Languages"' in page and 'aria-current="true" lang="en"' in page
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{source.get_absolute_url()}">' in page


def test_the_remembered_sections_bar_and_footer_follow_renames_and_mark_the_page_itself(client, section, make_article):
    make_article(title="Under the bar", section=section)
    text = SectionText.objects.get(section=section, language="en")
    section_path = reverse_in("en", "articles:section", slug=text.slug)
    listing = client.get("/en/articles/").content.decode()
    bar = listing.split('class="sections-nav"')[1].split("</nav>")[0]
    assert f'<a href="{section_path}">{text.name}</a>' in bar and 'aria-current="page">' in bar  # "All articles"
    own = client.get(section_path).content.decode().split('class="sections-nav"')[1].split("</nav>")[0]
    assert f'<a href="{section_path}" aria-current="page">{text.name}</a>' in own

    text.name = "Renamed under the bar"
    services.save_taxonomy(instance=section, by=None, texts=[text])
    assert ">Renamed under the bar</a>" in client.get("/en/articles/").content.decode().split("</header>")[0]

    footer = client.get("/fr/articles/").content.decode().split('<footer class="footer">')[1]
    assert 'href="/fr/" lang="fr" aria-current="true"' in footer and 'href="/en/" lang="en">' in footer
    with override_settings(REVIEW_SITE_NAME="Renamed Review"):
        assert "Renamed Review" in client.get("/fr/articles/").content.decode().split('<footer class="footer">')[1]


def test_a_tag_or_author_rename_moves_only_what_shows_names(make_article, author, section, committed):
    """A tag's or an author's rename moves the names' mark, not the listing epoch: the article page's byline and tags
    show the new names at once, while counts, years and section names stay cached for every other page."""
    from articles import selectors
    from articles.models import Tag

    version = make_article(title="Named piece", tags=["Maritime security"], authors=[author])
    client = Client()
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Maritime security" in page and author.name in page
    epoch, names = selectors.epoch(), selectors.names_mark()
    tag = Tag.objects.get(name="Maritime security")
    tag.name, author.name = "Littoral defence", "Zebulon Quartermain"
    committed(services.save_taxonomy, instance=tag, by=None)
    committed(services.save_taxonomy, instance=author, by=None)
    assert selectors.epoch() == epoch and selectors.names_mark() != names
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Littoral defence" in page and "Zebulon Quartermain" in page
    assert "Maritime security" not in page
    text = SectionText.objects.filter(section=section).first()
    text.name = "Renamed section"
    committed(services.save_taxonomy, instance=section, by=None, texts=[text])
    assert selectors.epoch() != epoch  # a section's name is beside every listing: the epoch moves
