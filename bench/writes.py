"""The write rounds of `make bench`: the editors' operations through the services, timed and counted.

    DJANGO_SETTINGS_MODULE=review.settings.bench DATABASE_URL=… REDIS_URL=… python -m bench.writes --repeat 20

Runs in its own process against a bench database, after the read rounds, and calls the services
directly as the admin does (`by=None`):

- save a draft's title (`save_version` on a draft translation);
- stage a change of a published translation (`save_version`: its pending changes) and publish it
  (`publish_changes`);
- rename a tag (`save_taxonomy` on the most used tag of the first page language), change an author's
  name (the author of most pieces), rename a section in one language (a `SectionText` in `texts=`);
- add a language's listing rows (`add_language_rows`), where the services have it.

Each is timed (p50/p95/max of `--repeat` calls; renames `--renames` times there and back) and counted:
SQL INSERT/UPDATE/DELETE statements and the rows they touched, per table, through a
`connection.execute_wrapper`, and the URLs the change events named. Celery is told not to run jobs
in-process (`task_always_eager` off, an in-memory broker nobody reads: CELERY_BROKER_URL=memory://), so a
call's time is what the editor waits for; a `FanOut` the call created (the background fan-out of a rename, when the services
have it) is then run with `services.run_fan_out` and timed as "its job". Without FanOut the rename's
whole fan-out is in its answer time, and the table says so.

Drafts and published versions are translations in languages the read rounds do not measure, sources
never (a changed source would mark its translations outdated); every changed title and name is put
back at the end, so the data set stays as it was.

`--concurrent SECONDS` is the concurrent-writer round's writer instead: it prints "ready", waits for a
line on stdin, then renames the tag there and back, running each rename's job, a cycle beginning every 10 s
(or when the last one's jobs end), until SECONDS have passed (at least once); bench/run.py measures readers
with wrk meanwhile.

Prints JSON.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter

from bench.probe import setup

VERB = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class WriteCounter:
    """An execute_wrapper: the INSERT/UPDATE/DELETE statements run and the rows they touched, per table."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.statements, self.rows, self.tables = 0, 0, Counter()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        head = sql.lstrip()[:6].upper()
        if head in ("INSERT", "UPDATE", "DELETE") or head.startswith("WITH"):
            found = VERB.search(sql)
            if found:
                rowcount = max(0, context["cursor"].rowcount or 0)
                self.statements += 1
                self.rows += rowcount
                self.tables[found.group(2).removeprefix("articles_")] += rowcount
        return result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share / 100 * len(ordered) + 0.5) - 1))]


class Bench:
    def __init__(self):
        from celery import current_app
        from django.db import connection

        from articles import events, services

        # Jobs wait in an in-memory queue instead of running inside the timed call (see the docstring). Celery reads
        # CELERY_BROKER_URL from the environment before its configuration, so REDIS_URL (the cache) stays the cache's only.
        os.environ["CELERY_BROKER_URL"] = "memory://"
        current_app.conf.task_always_eager = False
        try:
            current_app.send_task("bench.warm_up")  # the broker connection is made here, not in the first timed call
        except Exception as error:  # noqa: BLE001 - a broker that cannot be warmed is warmed by the first call
            print(f"bench.writes: broker warm-up failed: {error}", file=sys.stderr)
        try:
            from articles.models import FanOut
        except ImportError:
            FanOut = None
        self.FanOut = FanOut if FanOut is not None and hasattr(services, "run_fan_out") else None
        self.services = services
        self.warm_urls()
        self.counter = WriteCounter()
        self.urls = 0
        self.samples = {}
        events.change_event.connect(self.heard, dispatch_uid="bench.writes")
        connection.execute_wrappers.append(self.counter)  # for the whole process (execute_wrapper() is a with-block)

    @staticmethod
    def warm_urls():
        """Django builds each language's URL resolver on its first reverse(): a served process has them all; so must
        this one, or the first save in each language would time the building (tens of ms) instead of the save."""
        from django.urls import reverse
        from django.utils import translation

        from articles.languages import language_codes

        for code in language_codes():
            with translation.override(code):
                reverse("articles:home")

    def heard(self, sender, event, **kwargs):
        self.urls += len(event.urls)

    def last_fan_out(self):
        if self.FanOut is None:
            return 0
        return self.FanOut.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def record(self, name, seconds, **extra):
        sample = {"ms": seconds * 1000, "statements": self.counter.statements, "rows": self.counter.rows,
                  "tables": dict(self.counter.tables), "urls": self.urls, **extra}  # fmt: skip
        self.samples.setdefault(name, []).append(sample)
        return sample

    def time(self, name, call, job_name=None):
        """Time one call; then run and time each FanOut it created (`job_name`), as its background job would."""
        before = self.last_fan_out()
        self.counter.reset()
        self.urls = 0
        started = time.perf_counter()
        result = call()
        sample = self.record(name, time.perf_counter() - started)
        if self.FanOut:
            for pk in self.FanOut.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True):
                self.counter.reset()
                self.urls = 0
                started = time.perf_counter()
                fan_out = self.services.run_fan_out(pk)
                self.record(job_name or f"{name}: its job", time.perf_counter() - started, kind=getattr(fan_out, "kind", None),
                            total=getattr(fan_out, "total", None), done=getattr(fan_out, "done", None),
                            finished=getattr(fan_out, "finished_at", None) is not None)  # fmt: skip
        return result, sample

    def summary(self):
        out = []
        for name, samples in self.samples.items():
            times = [s["ms"] for s in samples]
            tables = Counter()
            for sample in samples:
                tables.update(sample["tables"])
            row = {
                "op": name, "n": len(samples), "p50": statistics.median(times), "p95": percentile(times, 95), "max": max(times),
                "statements": statistics.median(s["statements"] for s in samples), "rows": statistics.median(s["rows"] for s in samples),
                "tables": {table: round(rows / len(samples)) for table, rows in tables.most_common(4)},
                "urls": statistics.median(s["urls"] for s in samples),
            }  # fmt: skip
            if "total" in samples[0]:
                row["total"] = samples[-1]["total"]
                row["unfinished"] = sum(not s["finished"] for s in samples)
            out.append(row)
        return out


# What is written on -------------------------------------------------------------------------------


def translations(queryset, skip_languages, count):
    """Versions that are not their piece's source, outside the languages the read rounds measure: changing them
    changes no measured page and marks no translation outdated."""
    from django.db.models import F

    return list(queryset.exclude(language__in=skip_languages).exclude(piece__source_id=F("pk")).order_by("-pk")[:count])


def busiest_tag(language):
    """The tag of `language` on most published versions: the reader rounds' tag page (bench/probe.py)."""
    from django.db.models import Count

    from articles.models import PieceVersion, Tag, TaggedArticle

    found = (
        TaggedArticle.objects.filter(tag__language=language, content_object__in=PieceVersion.objects.published())
        .values("tag_id")
        .annotate(uses=Count("id"))
        .order_by("-uses", "tag__slug")
        .first()
    )
    return Tag.objects.get(pk=found["tag_id"]) if found else None


def busiest_author():
    from django.db.models import Count

    from articles.models import Author

    return Author.objects.annotate(pieces_count=Count("pieces")).order_by("-pieces_count", "slug").first()


def busiest_section_text(language):
    from django.db.models import Count

    from articles.models import Section, SectionText

    section = Section.objects.annotate(pieces_count=Count("pieces")).order_by("-pieces_count", "pk").first()
    return section and SectionText.objects.filter(section=section, language=language).first()


# The rounds ----------------------------------------------------------------------------------------


def drafts_round(bench, args):
    from articles.models import PieceVersion, Status

    drafts = translations(PieceVersion.objects.filter(status=Status.DRAFT), args.skip_languages, args.repeat)
    if not drafts:
        return "no draft translation outside the measured languages"
    originals = {v.pk: (v.title, v.slug) for v in drafts}
    try:
        for n in range(args.repeat + 1):  # the first is a warm-up
            version = PieceVersion.objects.get(pk=drafts[n % len(drafts)].pk)
            title = f"{originals[version.pk][0]} (bench {n})"
            name = "save a draft's title" if n else "warm-up"
            bench.time(name, lambda version=version, title=title: bench.services.save_version(
                version=version, by=None, changes={"title": title}))  # fmt: skip
    finally:
        for pk, (title, slug) in originals.items():
            bench.services.save_version(version=PieceVersion.objects.get(pk=pk), by=None, changes={"title": title, "slug": slug})
    return None


def publish_round(bench, args):
    from articles.models import PieceVersion

    live = translations(PieceVersion.objects.published().filter(pending__isnull=True), args.skip_languages, args.repeat)
    if not live:
        return "no published translation outside the measured languages"
    originals = {v.pk: v.title for v in live}
    try:
        for n in range(args.repeat + 1):
            version = PieceVersion.objects.get(pk=live[n % len(live)].pk)
            title = f"{originals[version.pk]} (bench {n})"
            stage = "stage a change (published)" if n else "warm-up"
            bench.time(stage, lambda version=version, title=title: bench.services.save_version(
                version=version, by=None, changes={"title": title}))  # fmt: skip
            publish = "publish the pending changes" if n else "warm-up"
            bench.time(publish, lambda version=version: bench.services.publish_changes(version=version, by=None))
    finally:
        for pk, title in originals.items():
            version = PieceVersion.objects.get(pk=pk)
            if hasattr(version, "pending"):
                bench.services.discard_changes(version=version, by=None)
            bench.services.save_version(version=PieceVersion.objects.get(pk=pk), by=None, changes={"title": title}, go_live=True)
    return None


def rename(bench, name, instance, field, new, texts=()):
    """One rename through save_taxonomy (and its job, when there is one); returns the answer's sample."""
    setattr(texts[0] if texts else instance, field, new)
    return bench.time(name, lambda: bench.services.save_taxonomy(instance=instance, by=None, texts=list(texts)), f"{name}: its job")[1]


def taxonomy_round(bench, args):
    notes = []
    language = args.skip_languages[0] if args.skip_languages else "en"
    tag, author, text = busiest_tag(language), busiest_author(), busiest_section_text(language)
    cases = [
        ("rename a tag", tag, "name", ()),
        ("change an author's name", author, "name", ()),
        (f"rename a section ({language})", text and text.section, "name", (text,) if text else ()),
    ]
    for name, instance, field, texts in cases:
        if instance is None:
            notes.append(f"{name}: nothing to rename")
            continue
        holder = texts[0] if texts else instance
        original = getattr(holder, field)
        try:
            for n in range(args.renames):
                rename(bench, name, instance, field, f"{original} bench{n}", texts)
                rename(bench, name, instance, field, original, texts)
        finally:
            holder.refresh_from_db()
            if getattr(holder, field) != original:
                rename(bench, "restore", instance, field, original, texts)
    return "; ".join(notes) or None


def language_round(bench, args):
    if not hasattr(bench.services, "add_language_rows"):
        return "add a language: services.add_language_rows not on this branch"
    from articles.models import ListingEntry

    ListingEntry.objects.filter(language=args.add_language).delete()  # as if just added to LANGUAGES: the job builds them again
    bench.time("add a language", lambda: bench.services.add_language_rows(language=args.add_language, by=None),
               f"add a language ({args.add_language}): its job")  # fmt: skip
    return None


CYCLE_SECONDS = 10.0  # a rename there and back begins at most this often: a busy editor, not a loop


def concurrent(bench, args):
    """The concurrent-writer round's writer: rename the tag there and back (each with its job), a cycle beginning
    every CYCLE_SECONDS (or as soon as the last one's jobs end), for `args.concurrent` s (at least once). Where a
    rename has no job, the cycles are paced as an editor would make them, not run back to back: hundreds of renames
    a second would measure something no publication does."""
    tag = busiest_tag(args.skip_languages[0] if args.skip_languages else "en")
    original = tag.name
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.monotonic()
    cycles = 0
    try:
        while cycles == 0 or time.monotonic() - started < args.concurrent:
            began = time.monotonic()
            rename(bench, "rename a tag", tag, "name", f"{original} bench{cycles}")
            rename(bench, "rename a tag", tag, "name", original)
            cycles += 1
            time.sleep(max(0.0, min(CYCLE_SECONDS - (time.monotonic() - began), args.concurrent - (time.monotonic() - started))))
    finally:
        tag.refresh_from_db()
        if tag.name != original:
            rename(bench, "restore", tag, "name", original)
    return {"tag": tag.slug, "cycles": cycles, "seconds": time.monotonic() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="Draft saves and publishes measured (after one warm-up each).")
    parser.add_argument("--renames", type=int, default=1, help="Renames of each tag, author and section there and back.")
    parser.add_argument("--skip-languages", default="en,ar,ka", help="The read rounds' languages: no draft or publish there; "
                        "the first is the language of the renamed tag and section text.")  # fmt: skip
    parser.add_argument("--add-language", default="hy", help="The language add_language_rows builds (where it exists).")
    parser.add_argument("--concurrent", type=float, default=None, metavar="SECONDS", help="Be the concurrent round's writer.")
    args = parser.parse_args()
    args.skip_languages = [code.strip() for code in args.skip_languages.split(",") if code.strip()]
    setup()
    from django.db import connection

    bench = Bench()
    if args.concurrent is not None:
        facts = concurrent(bench, args)
        print(json.dumps({**facts, "fan_out": bench.FanOut is not None, "ops": bench.summary()}))
        return
    notes = [note for note in (drafts_round(bench, args), publish_round(bench, args), taxonomy_round(bench, args),
                               language_round(bench, args)) if note]  # fmt: skip
    bench.samples.pop("warm-up", None)
    bench.samples.pop("restore", None)
    connection.close()
    print(json.dumps({"fan_out": bench.FanOut is not None, "ops": bench.summary(), "notes": notes}))


if __name__ == "__main__":
    main()
