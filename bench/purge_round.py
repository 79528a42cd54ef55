"""The purge round of `make bench`: edit pieces while readers load pages from a cached gunicorn.

    DJANGO_SETTINGS_MODULE=review.settings.bench DATABASE_URL=… REDIS_URL=… REVIEW_PAGE_CACHE=1 \
        python -m bench.purge_round http://127.0.0.1:PORT --edits 20

Reader threads keep loading a fixed set of pages (the edited pieces' own pages, the listings that
show them in several languages, and as many pages no edit touches) and count what the page cache
answered. Meanwhile this process edits one piece at a time through the services, exactly as the
admin does: the change event purges at commit (the cache is the same Redis as gunicorn's). Before
each edit the pages that show the piece's title are noted; right after it each of
them is loaded once and must show the new title: a response without it is stale. At the end each
title is put back, so the data set is as it was.

Prints JSON: edits, stale responses, reader requests and their hit ratio, split into touched and
untouched pages.
"""

import argparse
import json
import threading
import time
import urllib.request

from markupsafe import escape

from bench.probe import setup


def load(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("X-Review-Cache"), response.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--readers", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from articles import events, services
    from articles.models import PieceVersion

    newest = list(PieceVersion.objects.published().filter(language="en").order_by("-published_at")[: args.edits])
    edited = newest  # on the first page of the listings, so most listings that show them change
    untouched = list(PieceVersion.objects.published().filter(language="en").order_by("published_at")[: 2 * args.edits])  # the oldest

    def paths(piece_id):  # an event also names purge keys (related cards, site chrome): not URLs to load
        return {url for url in events.piece_urls([piece_id]) if url.startswith("/")}

    touched_urls = set()
    for version in edited:
        touched_urls |= paths(version.piece_id)
    untouched_urls = {version.get_absolute_url() for version in untouched} - touched_urls
    counts = {"touched": {"hit": 0, "all": 0}, "untouched": {"hit": 0, "all": 0}}
    lock, stop = threading.Lock(), threading.Event()

    def reader(offset):
        urls = [(url, "touched") for url in sorted(touched_urls)] + [(url, "untouched") for url in sorted(untouched_urls)]
        index = offset
        while not stop.is_set():
            url, group = urls[index % len(urls)]
            index += 1
            state, _page = load(args.base + url)
            with lock:
                counts[group]["all"] += 1
                counts[group]["hit"] += state == "hit"

    for url in touched_urls | untouched_urls:  # warm: every page stored once
        load(args.base + url)
    threads = [threading.Thread(target=reader, args=(n * 7,), daemon=True) for n in range(args.readers)]
    for thread in threads:
        thread.start()

    stale, checked, originals = [], 0, {}
    started = time.monotonic()
    for n, version in enumerate(edited):
        shown = str(escape(version.title))  # as the templates write it
        showing = [url for url in sorted(paths(version.piece_id)) if shown in load(args.base + url)[1]]
        originals[version.pk] = version.title
        marker = f"purge-round-{n}-{version.pk}"
        services.save_version(version=version, by=None, changes={"title": f"{version.title} {marker}"}, go_live=True)  # purges at commit
        for url in showing:  # every page that showed the piece must show the edit on the next request
            checked += 1
            state, page = load(args.base + url)
            if marker not in page:
                stale.append((url, state))
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(30)
    for version in edited:
        services.save_version(
            version=PieceVersion.objects.get(pk=version.pk), by=None, changes={"title": originals[version.pk]}, go_live=True
        )
    connection.close()

    def ratio(group):
        return round(100 * counts[group]["hit"] / counts[group]["all"], 1) if counts[group]["all"] else None

    print(json.dumps({
        "edits": len(edited), "checked": checked, "touched_pages": len(touched_urls), "untouched_pages": len(untouched_urls),
        "stale": len(stale), "stale_urls": stale[:10], "seconds": round(elapsed, 1),
        "reader_requests": counts["touched"]["all"] + counts["untouched"]["all"],
        "hit_ratio_touched": ratio("touched"), "hit_ratio_untouched": ratio("untouched"),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
