"""In-process half of the bench: picks the URLs to measure from the database and counts each page's
queries and bytes through Django's test client (same settings, same database as gunicorn).

    DJANGO_SETTINGS_MODULE=review.settings.bench DATABASE_URL=… python -m bench.probe en ar ka

Prints a JSON list of {"page", "lang", "url", "status", "queries", "bytes", "cards", "note"}; the first row is the
bare view. "search" rows also carry "urls": a mix of reader queries (bench/run.py cycles through
them). Each URL is requested twice and the second request is counted: the cached section and
kind names are warm then, as they are in a gunicorn worker that has served a few requests.
"""

import json
import os
import sys
from urllib.parse import urlencode

PAGES = ["home", "list", "list filtered", "list page 50", "year archive", "article", "section", "tag", "author"]


def setup():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "review.settings.bench")
    import django

    django.setup()


def pick_urls(language, now):
    """(page, url, note) for every page type in `language`; url None when the data set has no such page."""
    from django.conf import settings
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone, translation

    from articles import taxonomy
    from articles.models import Author, ListingEntry, PieceVersion, TaggedArticle

    def url(name, query=None, **kwargs):
        with translation.override(language):
            path = reverse(name, kwargs=kwargs or None)
        return f"{path}?{urlencode(query)}" if query else path

    words = taxonomy.for_language(language)
    section = words.sections[0] if words.sections else None
    kind_key = words.kinds[0][1] if words.kinds else None
    visible = ListingEntry.objects.facet(language).visible(now).count()
    last_full_page = max(1, visible // settings.REVIEW_PAGE_SIZE)  # a full page, comparable with page 50 elsewhere
    page = min(50, last_full_page)
    year = timezone.localtime(now).year - 1
    rows = [
        ("home", url("articles:home"), ""),
        ("list", url("articles:list"), ""),
        ("list filtered", url("articles:list", {"section": section.slug, "kind": kind_key}) if section and kind_key else None, ""),
        ("list page 50", url("articles:list", {"page": page}), "" if page == 50 else f"only {last_full_page} full pages: page {page}"),
        ("year archive", url("articles:year-archive", year=year), ""),
    ]

    published = PieceVersion.objects.published()
    local = published.filter(language=language, image_usages__isnull=False).order_by("-published_at", "-id").first()
    if local:
        rows.append(("article", local.get_absolute_url(), ""))
    else:
        fallback = published.filter(source_of__isnull=False, image_usages__isnull=False).order_by("-published_at", "-id").first()
        rows.append(("article", fallback and fallback.get_absolute_url(), f"no {language} version: its source"))

    rows.append(("section", url("articles:section", slug=section.slug) if section else None, ""))
    tag = (
        TaggedArticle.objects.filter(tag__language=language, content_object__in=published)
        .values("tag__slug")
        .annotate(uses=Count("id"))
        .order_by("-uses", "tag__slug")
        .first()
    )
    rows.append(("tag", tag and url("articles:tag", slug=tag["tag__slug"]), tag and f"{tag['uses']} versions" or f"no {language} tag"))
    author = (
        Author.objects.filter(pieces__source__in=published).annotate(pieces_count=Count("pieces")).order_by("-pieces_count", "slug").first()
    )
    rows.append(("author", author and url("articles:author", slug=author.slug), author and f"{author.pieces_count} pieces" or ""))
    return rows


SEARCH_QUERIES = 60


def search_urls(language, now):
    """A reader's mix of searches in `language`, made of words of the titles that language's listing shows:
    mostly one word, some two words, a phrase, an excluded word, and some with a section or year filter."""
    import random

    from django.urls import reverse
    from django.utils import translation

    from articles import taxonomy
    from articles.models import ListingEntry

    rng = random.Random(f"search-{language}")
    titles = list(ListingEntry.objects.facet(language).visible(now).order_by("version_id").values_list("version__title", flat=True)[:5000])
    words = sorted({word.strip(".,:;!?\"'").lower() for title in titles for word in title.split() if len(word) >= 4})
    if not words:
        return []
    sections = taxonomy.for_language(language).sections
    year = now.year - 1
    with translation.override(language):
        path = reverse("articles:search")
    urls = []
    for n in range(SEARCH_QUERIES):
        shape = n % 10
        if shape < 6:
            query = {"q": rng.choice(words)}
        elif shape == 6:
            query = {"q": f"{rng.choice(words)} {rng.choice(words)}"}
        elif shape == 7:
            query = {"q": f'"{rng.choice(titles).split()[0]} {rng.choice(titles).split()[-1]}" {rng.choice(words)}'}
        elif shape == 8:
            query = {"q": f"{rng.choice(words)} -{rng.choice(words)}", "year": year}
        else:
            query = {"q": rng.choice(words), **({"section": rng.choice(sections).slug} if sections else {})}
        urls.append(f"{path}?{urlencode(query)}")
    return urls


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), len(response.content), response.content.count(b'class="card__title"')


def main(languages):
    setup()
    from django.test import Client
    from django.utils import timezone

    client = Client(raise_request_exception=False)
    now = timezone.now()
    results = []
    status, queries, size, cards = measure(client, "/_bench/bare/")
    bare = {"page": "bare Django", "lang": "", "url": "/_bench/bare/", "note": "", "status": status, "queries": queries, "bytes": size,
            "cards": cards}  # fmt: skip
    results.append(bare)
    for language in languages:
        for page, url, note in pick_urls(language, now):
            row = {"page": page, "lang": language, "url": url, "note": note, "status": None, "queries": None, "bytes": None, "cards": None}
            if url:
                row["status"], row["queries"], row["bytes"], row["cards"] = measure(client, url)
            results.append(row)
        urls = search_urls(language, now)
        row = {"page": "search", "lang": language, "url": urls[0] if urls else None, "urls": urls, "status": None, "queries": None,
               "bytes": None, "cards": None, "note": f"{len(urls)} different queries"}  # fmt: skip
        if urls:
            row["status"], row["queries"], row["bytes"], row["cards"] = measure(client, urls[0])
            failing = [url for url in urls[1:] if client.get(url).status_code != 200]
            if failing:
                row["note"] += f"; {len(failing)} not 200, e.g. {failing[0]}"
        results.append(row)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:] or ["en", "ar", "ka"])
