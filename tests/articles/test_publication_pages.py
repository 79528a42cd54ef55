"""The publication's own pages, the footer that lists them, the 404 page, share links and filters kept across languages."""

import re

import pytest
from django.test import Client

from articles import events, services
from articles.errors import NotAllowed, RuleBroken
from articles.models import PublicationPage
from tests.admin_client import AdminUser

ADD = "/admin/articles/publicationpage/add/"
FORM = "publicationpage_form"
HOSTILE = '<p>Ein Magazin.<script>alert(1)</script><img src=x onerror="alert(2)"></p>'


def html(url, status=200):
    response = Client().get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.mark.usefixtures("demo")
def test_each_language_shows_its_own_text_or_the_english_one_labelled():
    french = html("/fr/about/")
    assert "<h1>À propos de Review</h1>" in french and "pas encore disponible" not in french
    german = html("/de/about/")
    assert "<h1>About Review</h1>" in german
    assert 'lang="en" dir="ltr"' in german  # the English text is marked as English on the German page
    assert 'role="note"' in german
    switcher = german.split('class="switcher switcher--wide"')[1].split("</nav>")[0]
    assert 'aria-current="true" lang="de"' in switcher  # the reader's language is still named
    assert re.findall(r'hreflang="([^"]+)" href', german.split("</head>")[0]) == ["en", "fr", "ar", "x-default"]
    assert "<h1>عن المجلة</h1>" in html("/ar/about/")


@pytest.mark.usefixtures("demo")
def test_the_footer_lists_the_pages_that_exist_in_the_readers_language():
    PublicationPage.objects.filter(page="contact").delete()
    footer = html("/fr/").split('class="footer__pages"')[1].split("</nav>")[0]
    assert '<a href="/fr/about/">' in footer and '<a href="/fr/reproduction/">' in footer
    assert "/fr/contact/" not in footer  # no such page: no link to a 404
    html("/fr/contact/", status=404)


def test_a_page_nobody_wrote_is_a_404_and_the_footer_has_no_pages(db):
    page = html("/en/about/", status=404)
    assert "footer__pages" not in page


@pytest.mark.usefixtures("demo")
def test_an_editor_writes_a_german_page_in_the_admin_and_hostile_markup_is_removed(django_capture_on_commit_callbacks):
    editor = AdminUser("editor", "review-editor")
    heard = []
    events.change_event.connect(lambda sender, event, **kw: heard.append(event), weak=False, dispatch_uid="test-pages")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = editor.submit(
                ADD,
                {
                    "page": "about",
                    "language": "de",
                    "title": "Über Review",
                    "body": '<p>Ein Magazin.<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
                },
                form_id=FORM,
            )
    finally:
        events.change_event.disconnect(dispatch_uid="test-pages")
    assert response.status_code == 302, response.content.decode()[:2000]
    page = html("/de/about/")
    assert "<h1>Über Review</h1>" in page and "Ein Magazin." in page and 'role="note"' not in page
    assert "alert(" not in page
    assert heard and "/de/about/" in heard[-1].urls and "/en/about/" in heard[-1].urls


@pytest.mark.usefixtures("demo")
def test_the_admin_refuses_an_empty_page_and_a_second_text_in_the_same_language():
    editor = AdminUser("editor", "review-editor")
    empty = editor.submit(ADD, {"page": "contact", "language": "de", "title": "Kontakt", "body": "<p> </p>"}, form_id=FORM)
    assert empty.status_code == 200 and "A page needs some text." in empty.content.decode()
    twice = editor.submit(ADD, {"page": "about", "language": "en", "title": "Again", "body": "<p>x</p>"}, form_id=FORM)
    assert twice.status_code == 200 and "already exists" in twice.content.decode()
    assert PublicationPage.objects.get(page="about", language="en").title == "About Review"


@pytest.mark.usefixtures("demo")
def test_a_translator_writes_only_in_their_languages():
    translator = AdminUser("translator-fr", "review-translator")
    response, _data = translator.open_form(ADD, "publicationpage_form")
    choices = re.findall(r'<option value="([a-z]+)"', response.content.decode().split('name="language"')[1].split("</select>")[0])
    assert choices == ["fr"]
    forged = translator.submit(ADD, {"page": "contact", "language": "de", "title": "Kontakt", "body": "<p>x</p>"}, form_id=FORM)
    assert forged.status_code == 200 and not PublicationPage.objects.filter(language="de").exists()
    english = PublicationPage.objects.get(page="about", language="en")
    assert translator.get(f"/admin/articles/publicationpage/{english.pk}/change/").status_code in (302, 403, 404)
    with pytest.raises(NotAllowed):
        services.save_publication_page(page=english, by=translator_user())
    made = translator.submit(ADD, {"page": "contact", "language": "fr", "title": "Contact", "body": "<p>Écrivez-nous.</p>"}, form_id=FORM)
    assert made.status_code == 302 and "Écrivez-nous." in html("/fr/contact/")


def translator_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="translator-fr")


def test_the_service_refuses_a_page_without_text(db):
    with pytest.raises(RuleBroken):
        services.save_publication_page(page=PublicationPage(page="about", language="en", title="About", body="<script>x</script>"), by=None)
    assert not PublicationPage.objects.exists()


@pytest.mark.usefixtures("demo")
def test_the_404_page_offers_search_and_the_latest_pieces():
    page = html("/en/articles/2016/01/01/no-such-piece/", status=404)
    assert 'action="/en/search/"' in page and 'id="not-found-q"' in page
    assert len(re.findall(r'class="card__title"', page)) == 3
    arabic = html("/ar/nothing-here/", status=404)
    assert 'action="/ar/search/"' in arabic and 'dir="rtl"' in arabic


@pytest.mark.usefixtures("demo")
def test_a_piece_has_plain_share_links_and_no_third_party_script():
    page = html("/en/articles/2016/03/17/securing-the-nordic-baltic-region/")
    share = page.split('class="share"')[1].split("</section>")[0]
    address = "http%3A//testserver/en/articles/2016/03/17/securing-the-nordic-baltic-region/"
    assert f'href="mailto:?subject=Securing%20the%20Nordic-Baltic%20region&amp;body={address}"' in share
    for network in (
        "https://x.com/intent/post?url=",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://www.linkedin.com/sharing/share-offsite/?url=",
    ):
        assert f'href="{network}{address}' in share
    assert "data-copy-link=" in share and " hidden>" in share  # shown by our own script where copying works
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts and all(src.startswith("/static/") for src in scripts)


@pytest.mark.usefixtures("demo")
def test_the_list_switcher_and_hreflang_keep_the_filters_that_exist_in_each_language():
    page = html("/en/articles/?section=collective-defence&kind=analysis&year=2016")
    head = page.split("</head>")[0]
    assert 'hreflang="fr" href="http://testserver/fr/articles/?kind=analysis&amp;section=d%C3%A9fense-collective&amp;year=2016"' in head
    switcher = page.split('class="switcher switcher--wide"')[1].split("</nav>")[0]
    assert 'href="/ar/articles/?kind=analysis&amp;section=' in switcher
    for link in re.findall(r'<a href="([^"]+)" hreflang', switcher):
        assert Client().get(link.replace("&amp;", "&")).status_code == 200, link  # never a filter the other language refuses
