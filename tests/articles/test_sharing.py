"""What a shared link shows: canonical URL, Open Graph, Twitter card and JSON-LD."""

import json
import re

from django.test import Client

from articles.models import Status


def metas(page):
    found = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page):
        found.setdefault(key, []).append(value)
    return found


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_an_article_carries_open_graph_twitter_and_json_ld_naming_every_published_translation(make_article, make_image, section, author):
    source = make_article(title="Arctic <patrols> & more", standfirst="Ships in the High North.", section=section, authors=[author],
                          tags=["Arctic", "Navies"], image=make_image())  # fmt: skip
    french = make_article(language="fr", translation_of=source, title="Patrouilles arctiques", status=Status.PUBLISHED)
    make_article(language="de", translation_of=source, title="Entwurf", status=Status.DRAFT)

    page = Client().get(source.get_absolute_url() + "?utm_source=x").content.decode()
    origin = "http://testserver"
    assert f'<link rel="canonical" href="{origin}{source.get_absolute_url()}">' in page  # never the query string
    meta = metas(page)
    assert meta["og:type"] == ["article"] and meta["og:locale"] == ["en"] and meta["og:locale:alternate"] == ["fr"]
    hreflangs = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)"', page)) - {"x-default"}
    assert set(meta["og:locale"] + meta["og:locale:alternate"]) == hreflangs  # the same set of published versions
    assert meta["og:image"][0].startswith(f"{origin}/media/renditions/") and meta["og:image:width"] and meta["og:image:height"]
    assert meta["article:section"] == ["Collective defence"] and sorted(meta["article:tag"]) == ["Arctic", "Navies"]
    assert meta["twitter:card"] == ["summary_large_image"] and meta["og:title"] == ["Arctic &lt;patrols&gt; &amp; more"]

    document = json_ld(page)
    assert document["@type"] == "NewsArticle" and document["headline"] == "Arctic <patrols> & more"
    assert document["inLanguage"] == "en" and document["author"][0]["name"] == "Ada Writer"
    assert document["publisher"]["name"] == "Review" and document["image"][0]["url"] == meta["og:image"][0]
    assert [t["@id"] for t in document["workTranslation"]] == [f"{origin}{french.get_absolute_url()}"]  # drafts not named
    assert "<patrols>" not in page.split('application/ld+json">')[1].split("</script>")[0]  # cannot close the script

    translated = json_ld(Client().get(french.get_absolute_url()).content.decode())
    assert translated["inLanguage"] == "fr" and translated["translationOfWork"]["@id"] == f"{origin}{source.get_absolute_url()}"


def test_listing_pages_have_a_canonical_url_title_and_description(make_article):
    make_article()
    page = Client().get("/en/articles/?page=1&section=").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/articles/">' in page
    meta = metas(page)
    assert meta["og:type"] == ["website"] and meta["og:url"] == ["http://testserver/en/articles/"]
    assert meta["og:title"][0].startswith("All articles") and meta["og:description"][0]
    assert "<title>All articles — Review</title>" in page
