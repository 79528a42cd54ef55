import io
import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from articles import services
from articles.images import make_renditions
from articles.models import Author, Image, Kind, KindText, Section, SectionText, Status

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


@pytest.fixture
def demo(db):
    """The demo publication as `make run` loads it: the seeds' pieces, people and pages. The editorial states it
    leaves for newcomers (arranged home pages, a scheduled, an in-review and a pending version) are left out here,
    so each test starts from the seeds alone; tests/articles/test_demo.py checks them."""
    call_command("load_demo", skip_renditions=True, without_states=True, stdout=io.StringIO())


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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (section and kind names are cached per language)."""
    cache.clear()
    yield
    cache.clear()


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
