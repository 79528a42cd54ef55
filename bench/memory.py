"""The translation memory round of `make bench`: the memory filled from the archive, then lookups timed.

    DJANGO_SETTINGS_MODULE=review.settings.bench DATABASE_URL=… python -m bench.memory --lookups 200

Fills the memory once per data set, as the publication itself would have (desk.memory.record, the reviewed
job's own code): each published translation's segments beside its source's, in batches (timed: "fill"). Then looks
up `--lookups` source segments the memory holds (exact, 100%) and as many with one word changed (fuzzy), through
`desk.memory.matches` as the segment editor calls it, for translation pairs chosen at random; prints JSON with
p50/p95/max per kind and the memory's size.
"""

import argparse
import json
import random
import statistics
import time

from bench.probe import setup


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share / 100 * (len(ordered) - 1)))] if ordered else 0.0


def fill(batch=500):
    """The memory from every published translation that is up to date, as desk.memory.remember records it."""
    from django.db.models import F

    from articles.models import PieceVersion, Status
    from desk.memory import pairs_of, record

    sources = {}
    translations = (PieceVersion.objects.filter(status=Status.PUBLISHED).exclude(piece__source=F("pk"))
                    .filter(translated_from_revision__gte=F("piece__source__content_revision")))  # fmt: skip
    ids = list(translations.values_list("pk", flat=True).order_by("pk"))
    pairs = 0
    for start in range(0, len(ids), batch):
        chunk = PieceVersion.objects.filter(pk__in=ids[start : start + batch]).select_related("piece")
        by_language = {}
        for version in chunk.only("pk", "language", "title", "standfirst", "body", "piece__source_id"):
            source_id = version.piece.source_id
            if source_id not in sources:
                source = PieceVersion.objects.only("language", "title", "standfirst", "body").get(pk=source_id)
                sources[source_id] = (source.language, {"title": source.title, "standfirst": source.standfirst, "body": source.body})
            language, texts = sources[source_id]
            found = pairs_of(texts, {"title": version.title, "standfirst": version.standfirst, "body": version.body})
            by_language.setdefault((language, version.language), []).extend((mine.html, theirs.html) for _k, mine, theirs in found)
        for (source_language, target_language), found in by_language.items():
            pairs += record(source_language=source_language, target_language=target_language, pairs=found)
        if len(sources) > 20_000:
            sources.clear()
    return pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from desk import memory
    from desk.models import MemoryEntry

    started = time.monotonic()
    filled = 0
    if not MemoryEntry.objects.exists():
        filled = fill()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE desk_memoryentry")
    fill_seconds = time.monotonic() - started
    entries = MemoryEntry.objects.count()
    rng = random.Random(args.seed)
    top = MemoryEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    samples = []
    while len(samples) < args.lookups and top:
        found = MemoryEntry.objects.filter(pk__gte=rng.randint(1, top)).order_by("pk").values(
            "source", "source_language", "target_language").first()  # fmt: skip
        if found:
            samples.append(found)
    timings = {"exact": [], "fuzzy": []}
    hits = {"exact": 0, "fuzzy": 0}
    memory.matches(source_language="en", target_language="fr", html="warm up the connection and the plan")
    for sample in samples:
        words = sample["source"].split(" ")
        changed = list(words)
        if len(changed) > 3:
            index = rng.randrange(len(changed))
            changed[index] = "bench" if changed[index] != "bench" else "review"
        for kind, html in (("exact", sample["source"]), ("fuzzy", " ".join(changed))):
            began = time.perf_counter()
            found = memory.matches(source_language=sample["source_language"], target_language=sample["target_language"], html=html)
            timings[kind].append(1000 * (time.perf_counter() - began))
            hits[kind] += bool(found)
    result = {"entries": entries, "filled": filled, "fill_seconds": round(fill_seconds, 1), "lookups": len(samples), "kinds": {}}
    for kind, values in timings.items():
        result["kinds"][kind] = {"p50": statistics.median(values) if values else 0.0, "p95": percentile(values, 95),
                                 "max": max(values, default=0.0), "found": hits[kind]}  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
