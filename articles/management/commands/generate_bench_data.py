"""Generate a realistic publication for benchmarks: pieces, language versions, tags, authors, images.

    DATABASE_URL=postgres://…/review_bench manage.py generate_bench_data --versions 100000 --pieces 20000 --languages 30

It wipes the publication first (every table of the articles app, the tags and the revisions; users
stay), so it refuses to run unless the database's name contains "bench" or `--yes-wipe` is given.
Everything is bulk-created, then `articles.listing.rebuild_all()` derives the listing index and
`articles.search.rebuild_all()` the search documents. The same seed gives the same data set (only
timestamps follow the clock: dates are relative to now).

Shape: every piece has a source version (mostly English, some French and German) and translations
up to the number of versions asked for, skewed by language: Russian has many local versions, Arabic
a fair number, Georgian very few (it mostly falls back to the source). About 3% drafts, 1–2%
scheduled versions, dates over 15 years (more recent than old), 5 sections, 6 kinds, authors (1–2 a
piece), a few hundred tags per language (about 3 per version), bodies of 2–3 KB of HTML and a
handful of generated JPEGs used by most versions.
"""

import heapq
import io
import random
import time
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import listing, search, taxonomy
from articles.models import (
    ArticleImage,
    Author,
    AuthorBio,
    FeaturedPiece,
    Image,
    Kind,
    KindText,
    Piece,
    PieceVersion,
    Section,
    SectionText,
    Status,
    Tag,
    TaggedArticle,
)

YEARS = 15
BATCH = 5000
# Source languages and their shares; the first present one takes the rest when others are missing.
SOURCE_SHARES = {"en": 0.80, "fr": 0.12, "de": 0.08}
# How many translations a language gets, relative to the others (default DEFAULT_WEIGHT).
TRANSLATION_WEIGHTS = {
    "en": 3.3, "ru": 12, "de": 7, "fr": 7, "uk": 6, "ar": 5, "es": 5, "it": 3, "pl": 3, "pt": 2.5, "nl": 2,
    "ka": 0.1, "hy": 0.4,
}  # fmt: skip
DEFAULT_WEIGHT = 1.6
# Languages whose section and kind names are left to the default language's (nobody translated them).
UNTRANSLATED_TAXONOMY = {"ka", "hy"}
DRAFT_SHARE = 0.03
SCHEDULED_SHARE = 0.015
IMAGES = 12
IMAGE_SHARE = 0.85

SCRIPTS = {
    "cyrillic": ("бвгджзклмнпрстфхцчшщ", "аеиоуыэюя"),
    "greek": ("βγδζθκλμνξπρστφχψ", "αεηιουω"),
    "arabic": ("بتثجحخدذرزسشصضطظعغفقكلمنهي", "اوي"),
    "hebrew": ("בגדהזחטכלמנסעפצקרשת", "אוי"),
    "georgian": ("ბგდვზთკლმნპჟრსტფქღყშჩცძწჭხჯჰ", "აეიოუ"),
    "armenian": ("բգդզթժլխծկհձղճմյնշչպջռսվտրցփքֆ", "աեէըիոօ"),
    "latin": ("bcdfghjklmnprstvwz", "aeiou"),
}
LANGUAGE_SCRIPTS = {"ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic", "el": "greek", "ar": "arabic", "fa": "arabic",
                    "he": "hebrew", "ka": "georgian", "hy": "armenian"}  # fmt: skip
EN_SECTIONS = ["Security and defence", "Partnerships", "Technology", "Crisis management", "History"]
EN_KINDS = [("analysis", "Analysis"), ("opinion", "Opinion"), ("interview", "Interview"), ("video", "Video"),
            ("explainer", "Explainer"), ("review", "Book review")]  # fmt: skip


class Words:
    """Pronounceable made-up words in one script, and sentences, titles and paragraphs made of them."""

    def __init__(self, script, rng, size=1500):
        consonants, vowels = SCRIPTS[script]
        self.rng = rng
        words = set()
        while len(words) < size:
            syllables = rng.randint(1, 4)
            words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)) + rng.choice(["", consonants[0]]))
        self.words = sorted(words)
        self.paragraphs = [self.paragraph() for _ in range(120)]

    def phrase(self, low, high):
        return " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(low, high)))

    def title(self):
        return self.phrase(4, 9).capitalize()

    def sentence(self):
        return self.phrase(6, 16).capitalize() + "."

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))

    def body(self):
        parts = [f"<p>{self.rng.choice(self.paragraphs)}</p>" for _ in range(self.rng.randint(2, 3))]
        parts.append(f"<h2>{self.title()}</h2>")
        parts += [f"<p>{self.rng.choice(self.paragraphs)}</p>" for _ in range(self.rng.randint(1, 2))]
        if self.rng.random() < 0.4:
            parts.append(f"<blockquote><p>{self.sentence()}</p></blockquote>")
        parts.append(f'<p>{self.sentence()} <a href="https://example.org/{self.rng.randint(1, 9999)}">{self.phrase(2, 4)}</a>.</p>')
        return "\n".join(parts)


def bench_jpeg(index, size=(640, 360)):
    """A small generated picture: a gradient and a disc, different per index, no download."""
    rng = random.Random(index)
    dark = tuple(rng.randint(10, 90) for _ in range(3))
    light = tuple(rng.randint(160, 240) for _ in range(3))
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    width, height = size
    for x in range(0, width, 8):
        t = x / width
        draw.rectangle([x, 0, x + 8, height], fill=tuple(int(a + (b - a) * t) for a, b in zip(dark, light, strict=True)))
    draw.ellipse([int(width * 0.6), int(height * 0.15), int(width * 0.8), int(height * 0.5)], fill=light)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def split_exactly(total, weights):
    """Integers proportional to `weights` that add up to `total` (largest remainders)."""
    whole = sum(weights.values())
    shares = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(share) for key, share in shares.items()}
    for key in sorted(shares, key=lambda k: shares[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def weighted_sample(rng, items, weights, count):
    """`count` distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    if count >= len(items):
        return list(items)
    keyed = ((rng.random() ** (1.0 / weight), item) for item, weight in zip(items, weights, strict=True))
    return [item for _key, item in heapq.nlargest(count, keyed)]


class Command(BaseCommand):
    help = "Wipe the publication and generate a realistic benchmark data set (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--versions", type=int, default=100_000, help="Versions in all (default 100000).")
        parser.add_argument("--pieces", type=int, default=20_000, help="Pieces, each with a source version (default 20000).")
        parser.add_argument("--languages", type=int, default=30, help="Use the first N of settings.LANGUAGES (default 30).")
        parser.add_argument("--authors", type=int, default=None, help="Authors (default: one per 20 pieces, 10 to 300).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--yes-wipe", action="store_true", help="Wipe even though the database's name has no 'bench' in it.")

    def handle(self, *args, versions, pieces, languages, authors, seed, yes_wipe, **options):
        self.using = database = "default"
        connection = connections[database]
        name = str(connection.settings_dict.get("NAME") or "")
        if not yes_wipe and "bench" not in name.lower():
            raise CommandError(f"This wipes every article in database {name!r}: pass --yes-wipe, or use a database named *bench*.")
        codes = [code for code, _name in settings.LANGUAGES][: max(1, languages)]
        if pieces < 1 or versions < pieces:
            raise CommandError("Need at least one piece and at least one version per piece.")
        if versions > pieces * len(codes):
            raise CommandError(f"{versions} versions do not fit in {pieces} pieces × {len(codes)} languages.")
        self.rng = random.Random(seed)
        self.codes = codes
        self.now = timezone.now().replace(microsecond=0)
        authors = authors or min(300, max(10, pieces // 20))
        started = time.monotonic()

        self.step("wipe", self.wipe)
        with transaction.atomic(using=database):
            self.words = {}
            self.step("taxonomy", self.make_taxonomy, authors)
            self.step("images", self.make_images)
            plan = self.step("plan", self.plan, pieces, versions)
            self.step("pieces and versions", self.make_pieces, plan)
            self.step("tags", self.make_tags, plan)
            self.step("featured", self.make_featured)
        rows = self.step("listing index", listing.rebuild_all)
        self.step("search index", search.rebuild_all)
        if connection.vendor == "postgresql":
            self.step("vacuum analyze", self.vacuum)
        taxonomy.forget()

        counts = {
            "pieces": Piece.objects.using(database).count(),
            "versions": PieceVersion.objects.using(database).count(),
            "published": PieceVersion.objects.using(database).published().count(),
            "drafts": PieceVersion.objects.using(database).exclude(status=Status.PUBLISHED).count(),
            "scheduled": PieceVersion.objects.using(database).filter(status=Status.PUBLISHED, published_at__gt=timezone.now()).count(),
            "languages": len(codes),
            "tags": Tag.objects.using(database).count(),
            "taggings": TaggedArticle.objects.using(database).count(),
            "authors": Author.objects.using(database).count(),
            "images": Image.objects.using(database).count(),
            "image uses": ArticleImage.objects.using(database).count(),
            "listing rows": rows,
        }
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.1f} s (seed {seed})."))

    def step(self, label, function, *args):
        began = time.monotonic()
        result = function(*args)
        self.stdout.write(f"  {label}: {time.monotonic() - began:.1f} s")
        return result

    # Wiping ----------------------------------------------------------------------------------

    def wipe(self):
        models = [*apps.get_app_config("articles").get_models(include_auto_created=True)]
        for label in ("reversion", "taggit"):
            if apps.is_installed(label):
                models += list(apps.get_app_config(label).get_models(include_auto_created=True))
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            # Foreign keys are checked at commit (Django creates them deferred), so the order does not matter.
            with transaction.atomic(using=self.using):
                for model in models:
                    model._base_manager.using(self.using).all()._raw_delete(self.using)

    def vacuum(self):
        # What autovacuum does after a bulk load, done now: planner statistics and index-only scans.
        # (Not inside a transaction, where PostgreSQL refuses it: a test's database, for one.)
        connection = connections[self.using]
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # Sections, kinds, authors, images ---------------------------------------------------------

    def words_for(self, language):
        script = LANGUAGE_SCRIPTS.get(language, "latin")
        key = (script, language)
        if key not in self.words:
            self.words[key] = Words(script, random.Random(f"{self.rng.random()}-{language}"))
        return self.words[key]

    def bulk(self, model, rows):
        return model.objects.using(self.using).bulk_create(rows, batch_size=BATCH)

    def make_taxonomy(self, author_count):
        self.sections = self.bulk(Section, [Section(key=slugify(name), order=i, show_on_home=True) for i, name in enumerate(EN_SECTIONS)])
        self.kinds = self.bulk(Kind, [Kind(key=key, order=i) for i, (key, _name) in enumerate(EN_KINDS)])
        section_texts, kind_texts = [], []
        for language in self.codes:
            if language in UNTRANSLATED_TAXONOMY and language != settings.LANGUAGE_CODE:
                continue
            words = self.words_for(language)
            for i, section in enumerate(self.sections):
                name = EN_SECTIONS[i] if language == "en" else f"{words.phrase(1, 2).capitalize()} {i + 1}"
                section_texts.append(
                    SectionText(
                        section=section,
                        language=language,
                        name=name,
                        slug=slugify(name, allow_unicode=True),
                        intro=words.sentence(),
                        body=f"<p>{words.paragraph()}</p>",
                    )
                )
            for i, kind in enumerate(self.kinds):
                name = EN_KINDS[i][1] if language == "en" else f"{words.phrase(1, 1).capitalize()}"
                kind_texts.append(KindText(kind=kind, language=language, name=name))
        self.bulk(SectionText, section_texts)
        self.bulk(KindText, kind_texts)

        words = self.words_for("en")
        names = set()
        while len(names) < author_count:
            names.add(f"{words.phrase(1, 1).capitalize()} {words.phrase(1, 1).capitalize()}")
        self.authors = self.bulk(Author, [Author(name=name, slug=slugify(name)) for name in sorted(names)])
        bios = []
        for author in self.authors:
            for language in sorted({"en", *self.rng.sample(self.codes, min(2, len(self.codes)))} & set(self.codes)):
                bios.append(AuthorBio(author=author, language=language, bio=self.words_for(language).paragraph()))
        self.bulk(AuthorBio, bios)
        # Author popularity: a few write a lot.
        self.author_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.authors))]
        self.rng.shuffle(self.author_weights)

    def make_images(self):
        images = []
        for i in range(IMAGES):
            name = f"bench/bench-{i + 1}.jpg"
            if not default_storage.exists(name):
                saved = default_storage.save(name, io.BytesIO(bench_jpeg(i)))
                assert saved == name, saved
            images.append(Image(title=f"Bench picture {i + 1}", file=name, width=640, height=360, credit="Generated", licence="CC0",
                                renditions={}))  # fmt: skip
        self.images = self.bulk(Image, images)
        for author in self.rng.sample(self.authors, len(self.authors) // 3):
            author.photo = self.rng.choice(self.images)
        Author.objects.using(self.using).bulk_update(self.authors, ["photo"], batch_size=BATCH)

    # The plan: which versions exist, in which state -------------------------------------------

    def plan(self, piece_count, version_count):
        rng, now = self.rng, self.now
        span = YEARS * 365 * 86400
        sources = {code: share for code, share in SOURCE_SHARES.items() if code in self.codes} or {self.codes[0]: 1.0}
        source_counts = split_exactly(piece_count, sources)
        source_languages = [code for code, count in source_counts.items() for _ in range(count)]
        rng.shuffle(source_languages)
        pieces = []
        for i, language in enumerate(source_languages):
            # More recent than old: the density of ages falls off (a growing publication).
            age = span * rng.random() ** 1.5 + rng.randint(3600, 6 * 3600)
            pieces.append({"index": i, "language": language, "published_at": now - timedelta(seconds=int(age)), "versions": {}})

        # Scheduled pieces (source and translations in the future) and wholly draft pieces.
        scheduled = max(1, round(piece_count * SCHEDULED_SHARE * 0.35))
        whole_drafts = max(1, round(piece_count * 0.002))
        special = rng.sample(range(piece_count), min(piece_count, scheduled + whole_drafts))
        for index in special[:scheduled]:
            pieces[index]["published_at"] = now + timedelta(seconds=rng.randint(3600, 30 * 86400))
            pieces[index]["state"] = "scheduled"
        for index in special[scheduled:]:
            pieces[index]["state"] = "draft"

        # Translations: exact counts per language, drawn with a bias to recent pieces.
        others = list(self.codes)
        wanted = split_exactly(version_count - piece_count, {code: TRANSLATION_WEIGHTS.get(code, DEFAULT_WEIGHT) for code in others})
        eligible = {code: [p for p in pieces if p["language"] != code] for code in others}
        capacity = {code: len(eligible[code]) for code in others}
        spare = 0
        for code in others:
            if wanted[code] > capacity[code]:
                spare += wanted[code] - capacity[code]
                wanted[code] = capacity[code]
        while spare:
            for code in sorted(others, key=lambda c: capacity[c] - wanted[c], reverse=True):
                if spare and wanted[code] < capacity[code]:
                    wanted[code] += 1
                    spare -= 1
        recency = {p["index"]: 0.3 + 1.0 / (1 + (now - p["published_at"]).days / 365) for p in pieces}
        for code in others:
            chosen = weighted_sample(rng, eligible[code], [recency[p["index"]] for p in eligible[code]], wanted[code])
            for piece in chosen:
                piece["versions"][code] = {}

        # States and dates of versions.
        translations = [(piece, code) for piece in pieces for code in piece["versions"]]
        drafts_left = max(0, round(version_count * DRAFT_SHARE) - sum(1 + len(p["versions"]) for p in pieces if p.get("state") == "draft"))
        late = max(1, round(version_count * SCHEDULED_SHARE * 0.4))
        open_translations = [(p, c) for p, c in translations if p.get("state") is None]
        picked = rng.sample(open_translations, min(len(open_translations), drafts_left + late))
        for piece, code in picked[:drafts_left]:
            piece["versions"][code]["state"] = "draft"
        for piece, code in picked[drafts_left:]:
            piece["versions"][code]["state"] = "scheduled"
        for piece in pieces:
            for version in piece["versions"].values():
                state = piece.get("state") or version.get("state")
                if state == "draft":
                    version["status"], version["published_at"] = rng.choice([Status.DRAFT, Status.DRAFT, Status.REVIEW]), None
                elif version.get("state") == "scheduled":
                    version["status"] = Status.PUBLISHED
                    version["published_at"] = max(now, piece["published_at"]) + timedelta(seconds=rng.randint(3600, 20 * 86400))
                else:
                    version["status"] = Status.PUBLISHED
                    # Translated within days of the source, rarely the same moment.
                    version["published_at"] = piece["published_at"] + timedelta(seconds=rng.randint(0, 10 * 86400))
                    if piece.get("state") is None and version["published_at"] > now:
                        version["published_at"] = now - timedelta(seconds=rng.randint(60, 3600))
            if piece.get("state") == "draft":
                piece["status"], piece["published_at"] = Status.DRAFT, None
            else:
                piece["status"] = Status.PUBLISHED
        return pieces

    # Writing ------------------------------------------------------------------------------------

    def make_pieces(self, plan):
        rng = self.rng
        section_weights = [5, 4, 3, 2, 1][: len(self.sections)]
        kind_weights = [6, 4, 2, 1, 1, 1][: len(self.kinds)]
        piece_rows = []
        for _entry in plan:
            section = rng.choices(self.sections, section_weights)[0] if rng.random() < 0.97 else None
            piece_rows.append(Piece(section=section, kind=rng.choices(self.kinds, kind_weights)[0]))
        piece_rows = self.bulk(Piece, piece_rows)

        through = Piece.authors.through
        links = []
        for piece in piece_rows:
            count = 1 if rng.random() < 0.7 else 2
            for author in {id(a): a for a in rng.choices(self.authors, self.author_weights, k=count)}.values():
                links.append(through(piece_id=piece.pk, author_id=author.pk))
        self.bulk(through, links)

        slugs = {code: set() for code in self.codes}
        versions, self.version_languages = [], []

        def version(piece, language, status, published_at, source):
            words = self.words_for(language)
            title = words.title()
            slug = slugify(title, allow_unicode=True)[:80].strip("-") or "piece"
            while slug in slugs[language]:
                slug = f"{slug[:70]}-{rng.randint(2, 99999)}"
            slugs[language].add(slug)
            published = status == Status.PUBLISHED
            return PieceVersion(
                piece=piece, language=language, title=title, slug=slug, standfirst=words.sentence() + " " + words.sentence(),
                body=words.body(), status=status, published_at=published_at, content_revision=1,
                translated_from_revision=None if source else 1, live_announced=published and published_at <= self.now,
                edit_version=1,
            )  # fmt: skip

        for entry, piece in zip(plan, piece_rows, strict=True):
            versions.append(version(piece, entry["language"], entry["status"], entry["published_at"], True))
            for code, facts in entry["versions"].items():
                versions.append(version(piece, code, facts["status"], facts["published_at"], False))
        for start in range(0, len(versions), BATCH):
            PieceVersion.objects.using(self.using).bulk_create(versions[start : start + BATCH])
        self.versions = versions
        sources = PieceVersion.objects.filter(piece_id=OuterRef("pk"), translated_from_revision__isnull=True)
        Piece.objects.using(self.using).update(
            source_id=Subquery(sources.values("pk")[:1]), source_language=Subquery(sources.values("language")[:1])
        )

        usages = []
        for article in versions:
            if rng.random() < IMAGE_SHARE:
                words = self.words_for(article.language)
                count = 2 if rng.random() < 0.1 else 1
                for order, image in enumerate(rng.sample(self.images, count)):
                    usages.append(ArticleImage(article_id=article.pk, image=image, alt_text=words.phrase(3, 8), caption=words.sentence(),
                                               order=order))  # fmt: skip
        self.bulk(ArticleImage, usages)

    def make_tags(self, plan):
        rng = self.rng
        by_language = {}
        for article in self.versions:
            by_language.setdefault(article.language, []).append(article)
        taggings = []
        for language, articles in by_language.items():
            words = self.words_for(language)
            wanted = min(400, max(8, len(articles) // 15))
            names, slugs, tags = set(), set(), []
            while len(tags) < wanted:
                name = words.phrase(1, 2).capitalize()
                slug = slugify(name, allow_unicode=True)
                if name.lower() in names or not slug or slug in slugs:
                    continue
                names.add(name.lower())
                slugs.add(slug)
                tags.append(Tag(name=name, slug=slug, language=language))
            tags = self.bulk(Tag, tags)
            # Zipf-like popularity: a few tags are on many versions.
            weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(tags))]
            cumulative, total = [], 0.0
            for weight in weights:
                total += weight
                cumulative.append(total)
            for article in articles:
                count = rng.choice([1, 2, 3, 3, 4, 5])
                chosen = {tag.pk for tag in rng.choices(tags, cum_weights=cumulative, k=count)}
                taggings += [TaggedArticle(content_object_id=article.pk, tag_id=tag_id) for tag_id in chosen]
        self.bulk(TaggedArticle, taggings)

    def make_featured(self):
        """Editors' picks on a few home pages: recent published pieces."""
        featured = []
        for language in [code for code in ("en", "ru", "ar") if code in self.codes]:
            recent = (
                PieceVersion.objects.using(self.using)
                .published()
                .filter(language=language)
                .order_by("-published_at")
                .values_list("piece_id", flat=True)[:20]
            )
            for order, piece_id in enumerate(self.rng.sample(list(recent), min(3, len(recent)))):
                featured.append(FeaturedPiece(language=language, piece_id=piece_id, order=order))
        self.bulk(FeaturedPiece, featured)
