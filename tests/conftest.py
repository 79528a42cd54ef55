import io
import itertools
import json
import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from articles import services
from articles.models import Author, Image, Kind, KindText, Section, SectionText, Status
from library.images import make_renditions

_counter = itertools.count(1)


def jpeg_bytes(size=(64, 36), colour=(20, 60, 120)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of each test land in its own temporary folders (pytest keeps only the last few)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    pending = {**settings.STORAGES["pending"], "OPTIONS": {"location": tmp_path / "pending"}}
    settings.STORAGES = {**settings.STORAGES, "pending": pending}
    return settings.MEDIA_ROOT


class JsonText(str):
    """A JSON column's value as PostgreSQL returns it (a list or dict), kept as its text: hashable, and put back as JSON."""

    @classmethod
    def of(cls, value, is_json):
        if is_json and value is not None:  # Django has psycopg return JSON as its text; as a value, it is written as text
            return cls(value if isinstance(value, str) else json.dumps(value, sort_keys=True))
        return ArrayValue(value) if isinstance(value, list) else value  # an array column (PostgreSQL)

    def param(self):
        from psycopg.types.json import Jsonb

        return Jsonb(str(self), dumps=str)  # the text as it was, not encoded again


class ArrayValue(tuple):
    def param(self):
        return list(self)


JSON_TYPES = {114, 3802}  # PostgreSQL's json and jsonb


class DemoSnapshot:
    """The demo's rows and files, loaded once per test process through the services (`load_demo`) and then laid into
    each test's transaction as they were: the rows it added to every table and the files it wrote to MEDIA_ROOT.

    Foreign keys are deferred on both databases (Django makes them DEFERRABLE INITIALLY DEFERRED), so tables are
    filled in any order; on PostgreSQL the sequences are moved past the ids laid in. The rows that were there before
    (content types, permissions, groups) are fingerprinted: when a flush by a live-server test made them anew, with
    other ids, the demo is loaded through the services again.
    """

    rows = None  # {table: (columns, [row, ...])}
    files = None  # {relative path: bytes}
    base = None  # the rows that were there before the demo, as a fingerprint

    @staticmethod
    def read(cursor):
        from django.db import connection

        from articles.search import FTS_TABLE

        quote, found = connection.ops.quote_name, {}
        for table in connection.introspection.table_names(cursor):
            if table.startswith((FTS_TABLE + "_", "sqlite_")):
                continue  # SQLite's FTS5 table is filled through itself, never through its shadow tables
            generated = set()
            if connection.vendor == "postgresql":  # PostgreSQL makes them (the names' search words): never laid in
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_generated = 'ALWAYS'", [table]
                )
                generated = {name for (name,) in cursor.fetchall()}
            if generated:
                described = connection.introspection.get_table_description(cursor, table)
                names = [column.name for column in described if column.name not in generated]
                cursor.execute(f"SELECT {', '.join(quote(name) for name in names)} FROM {quote(table)}")
            else:
                cursor.execute(f"SELECT *{', rowid' if table == FTS_TABLE else ''} FROM {quote(table)}")
            json_columns = [getattr(column, "type_code", None) in JSON_TYPES for column in cursor.description]
            found[table] = ([column[0] for column in cursor.description],
                            {tuple(JsonText.of(value, is_json) for value, is_json in zip(row, json_columns, strict=True))
                             for row in cursor.fetchall()})  # fmt: skip
        return found

    @staticmethod
    def fingerprint(tables):
        return hash(frozenset((table, frozenset(rows)) for table, (_columns, rows) in tables.items()))

    @classmethod
    def base_now(cls, cursor):
        from django.db import connection

        quote, found = connection.ops.quote_name, {}
        for table in cls.base_tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found[table] = (None, {tuple(row) for row in cursor.fetchall()})
        return cls.fingerprint(found)

    @classmethod
    def load(cls, media_root):
        from django.db import connection

        with connection.cursor() as cursor:
            before = cls.read(cursor)
            call_command("load_demo", skip_renditions=True, without_states=True, stdout=io.StringIO())
            after = cls.read(cursor)
        changed = [table for table in before if before[table][1] - after[table][1]]
        assert not changed, f"load_demo changed rows that existed before it: {changed}"  # a snapshot of additions would lose that
        cls.rows = {table: (columns, sorted(rows - before[table][1], key=repr))
                    for table, (columns, rows) in after.items() if rows - before[table][1]}  # fmt: skip
        cls.base_tables = [table for table, (_columns, rows) in before.items() if rows]
        cls.base = cls.fingerprint({table: before[table] for table in cls.base_tables})
        cls.files = {str(path.relative_to(media_root)): path.read_bytes() for path in media_root.rglob("*") if path.is_file()}

    @classmethod
    def lay(cls, media_root):
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection, transaction

        # One transaction (or savepoint): foreign keys are checked at its end, when every table has its rows; a
        # live-server test runs in autocommit, where each insert would be checked on its own.
        with transaction.atomic(), connection.cursor() as cursor:
            if cls.base_now(cursor) != cls.base:
                return cls.load(media_root)
            for table, (columns, rows) in cls.rows.items():
                names = ", ".join(column if column == "rowid" else connection.ops.quote_name(column) for column in columns)
                rows = [[value.param() if isinstance(value, JsonText | ArrayValue) else value for value in row] for row in rows]
                cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                                   rows)  # fmt: skip
            if connection.vendor == "postgresql":
                for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                    cursor.execute(statement)
        for name, content in cls.files.items():
            path = media_root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return None


@pytest.fixture
def demo(db, media_root):
    """The demo publication as `make run` loads it: the seeds' pieces, people and pages. The editorial states it
    leaves for newcomers (arranged home pages, a scheduled, an in-review and a pending version) are left out here,
    so each test starts from the seeds alone; tests/articles/test_demo.py checks them.

    Loaded through the services once per test process; every later test gets the same rows and files (DemoSnapshot)."""
    if DemoSnapshot.rows is None:
        DemoSnapshot.load(media_root)
    else:
        DemoSnapshot.lay(media_root)


@pytest.fixture
def section(db):
    section = Section.objects.create(key="collective-defence")
    SectionText.objects.create(section=section, language="en", name="Collective defence", slug="collective-defence", intro="At the heart.")
    SectionText.objects.create(section=section, language="fr", name="Défense collective", slug="defense-collective", intro="Au cœur.")
    return section


@pytest.fixture
def kind(db):
    kind = Kind.objects.create(key="analysis")
    KindText.objects.create(kind=kind, language="en", name="Analysis")
    KindText.objects.create(kind=kind, language="fr", name="Analyse")
    return kind


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ada Writer", slug="ada-writer")


@pytest.fixture
def make_image(db):
    def make(**overrides):
        n = next(_counter)
        overrides.setdefault("title", f"Picture {n}")
        overrides.setdefault("credit", "Test credit")
        image = Image(**overrides)
        image.file.save(f"picture-{n}.jpg", ContentFile(jpeg_bytes(), name=f"picture-{n}.jpg"), save=False)
        image.save()
        image.renditions = make_renditions(image)
        image.save(update_fields=["renditions"])
        return image

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as a request would: its change events (and so the purges) fire at commit."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (section and kind names are cached per language), and this process holds
    no page from an earlier test (delivery.pagecache.local_copies)."""
    from delivery.pagecache import local_copies

    cache.clear()
    local_copies.clear()
    yield
    cache.clear()
    local_copies.clear()


@pytest.fixture
def redis_cache(settings):
    """Production's cache (review.cache.RedisCache) for this test, on a Redis database of this test process's own,
    emptied before and after; skipped, loudly, without Redis (a failure where REVIEW_REQUIRE_REDIS=1)."""
    import redis

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    location = f"redis://127.0.0.1:6379/{1 + worker % 7}"  # 8-15: the broker tests' (tests/articles/test_jobs.py)
    client = redis.Redis.from_url(location, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as error:
        if os.environ.get("REVIEW_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis does not answer on {location}: {error}")
        pytest.skip(f"Redis does not answer on {location}: the production cache is NOT tested here")
    settings.CACHES = {"default": {"BACKEND": "review.cache.RedisCache", "LOCATION": location}}
    from delivery.pagecache import local_copies

    local_copies.clear()
    yield client
    local_copies.clear()
    client.flushdb()


@pytest.fixture
def heard():
    """The change events sent while the test runs (they are sent at commit)."""
    from articles.events import change_event

    events = []

    def hear(sender, event, **kwargs):
        events.append(event)

    change_event.connect(hear)
    yield events
    change_event.disconnect(hear)


@pytest.fixture
def make_article(db):
    """An article version made through the services, as the admin makes them; published yesterday in English unless told otherwise.

    `translation_of=<version>` makes it a translation of that version's piece; otherwise it starts a new piece.
    """

    def make(*, tags=(), authors=(), image=None, section=None, kind=None, translation_of=None, by=None, **overrides):
        n = next(_counter)
        overrides.setdefault("title", f"Piece number {n}")
        overrides.setdefault("slug", f"piece-number-{n}")
        language = overrides.pop("language", "en")
        overrides.setdefault("standfirst", f"Standfirst of piece {n}.")
        overrides.setdefault("body", f"<p>Body of piece {n}.</p>")
        overrides.setdefault("status", Status.PUBLISHED)
        overrides.setdefault("published_at", timezone.now() - timedelta(days=1, minutes=n))
        images = [{"image": image, "alt_text": f"Alt {n}", "caption": f"Caption {n}"}] if image is not None else []
        if translation_of is not None:
            draft = services.create_translation(source=translation_of, language=language, by=by)
            return services.save_version(version=draft, by=by, changes=overrides, tags=tags, images=images)
        return services.create_piece(
            by=by, language=language, changes=overrides, section=section, kind=kind, authors=list(authors), tags=tags, images=images
        )

    return make
