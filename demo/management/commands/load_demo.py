"""Load the demo publication from the seeds. Safe to run again: it updates what it made before."""

import io
import os
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import services
from articles.models import (
    Author,
    AuthorBio,
    Image,
    Kind,
    KindText,
    PendingChange,
    PieceVersion,
    PublicationPage,
    Section,
    SectionText,
    Status,
)
from articles.policies import EDITORS, TRANSLATORS, ensure_groups
from demo import content as demo_content

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = os.environ.get("REVIEW_ADMIN_PASSWORD", "review-admin")
# (username, password, group, languages): the people `make run` prints logins for.
DEMO_STAFF = [
    ("editor", "review-editor", EDITORS, []),
    ("translator-fr", "review-translator", TRANSLATORS, ["fr"]),
]


def placeholder_jpeg(seed_colour, light_colour, size=(1600, 900)):
    """A calm generated picture (diagonal gradient and a few bands): no downloads, same bytes every run."""
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, 4):
        t = x / width
        colour = tuple(int(a + (b - a) * t) for a, b in zip(seed_colour, light_colour, strict=True))
        draw.rectangle([x, 0, x + 4, height], fill=colour)
    for i in range(5):
        y = int(height * (0.55 + i * 0.09))
        shade = tuple(min(255, int(c * (0.7 + 0.06 * i))) for c in seed_colour)
        draw.polygon([(0, y), (width, y - int(height * 0.25)), (width, height), (0, height)], fill=shade)
    draw.ellipse([int(width * 0.68), int(height * 0.12), int(width * 0.8), int(height * 0.33)], fill=light_colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load the demo content (sections, kinds, authors, pieces, translations, images) and an admin login."

    def add_arguments(self, parser):
        parser.add_argument("--skip-renditions", action="store_true", help="Leave image renditions for later (tests).")
        parser.add_argument(
            "--without-states", action="store_true",
            help="Only the seeds' pieces, people and pages: no arranged home pages, scheduled, in-review or pending versions (tests).",
        )  # fmt: skip
        parser.add_argument("--site-url", default="http://127.0.0.1:8000", help="Where the site is served, for the login it prints.")

    @transaction.atomic
    def handle(self, *args, skip_renditions=False, without_states=False, site_url="http://127.0.0.1:8000", **options):
        self.skip_renditions = skip_renditions
        sections = self.load_sections()
        kinds = self.load_kinds()
        authors = self.load_authors()
        count = sum(self.load_piece(piece, sections, kinds, authors) for piece in demo_content.PIECES)
        self.load_people()
        self.load_publication_pages()
        if not without_states:
            self.load_states()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {count} article versions, {len(sections)} sections."))
        self.stdout.write(f"Admin login: {ADMIN_USERNAME} / {ADMIN_PASSWORD}  ({site_url.rstrip('/')}/admin/)")
        for username, password, group, languages in DEMO_STAFF:
            scope = f" ({', '.join(languages)})" if languages else ""
            self.stdout.write(f"{group[:-1]} login: {username} / {password}{scope}")

    def load_states(self):
        """Leave every state a newcomer should meet: arranged home pages, a scheduled translation, one in review
        with a comment, and a live piece with pending changes."""
        sources = {slug: PieceVersion.objects.get(language="en", slug=slug) for slug in {
            demo_content.SCHEDULED_TRANSLATION["source"], demo_content.IN_REVIEW_TRANSLATION["source"],
            *(slug for slugs in demo_content.FEATURED.values() for slug in slugs)}}  # fmt: skip
        for language, slugs in demo_content.FEATURED.items():
            services.arrange_home(language=language, pieces=[sources[slug].piece_id for slug in slugs], sections=[], by=None)
        week_ahead = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7)
        self.load_translation(sources, demo_content.SCHEDULED_TRANSLATION, status=Status.PUBLISHED, published_at=week_ahead)
        data = demo_content.IN_REVIEW_TRANSLATION
        translator = get_user_model().objects.get(username="translator-fr")
        waiting = PieceVersion.objects.filter(piece_id=sources[data["source"]].piece_id, language=data["language"], status=Status.REVIEW)
        if not waiting.exists():  # loaded again: it is still in review, with its comment
            version = self.load_translation(sources, data, status=Status.DRAFT, published_at=None, by=translator)
            services.submit_for_review(version=version, by=translator, comment=data["comment"])
        change = demo_content.PENDING_CHANGE
        live = PieceVersion.objects.get(language=change["language"], slug=change["slug"])
        if PendingChange.objects.filter(version=live).exists():  # loaded again: the pending change is made afresh
            services.discard_changes(version=live, by=None)
        editor = get_user_model().objects.get(username="editor")
        services.save_version(version=live, by=editor, changes={"standfirst": live.standfirst + change["standfirst_suffix"]})

    def load_translation(self, sources, data, *, status, published_at, by=None):
        source = sources[data["source"]]
        version = PieceVersion.objects.filter(piece_id=source.piece_id, language=data["language"]).first()
        version = version or services.create_translation(source=source, language=data["language"], by=by)
        usage = source.image_usages.select_related("image").first()
        changes = {"title": data["title"], "slug": slugify(data["title"], allow_unicode=True), "standfirst": data["standfirst"],
                   "body": data["body"], "status": status, "published_at": published_at}  # fmt: skip
        return services.save_version(
            version=version, by=by, changes=changes, tags=data["tags"], matches_source_revision=source.content_revision, go_live=True,
            images=[{"image": usage.image, "alt_text": data["alt"], "caption": data["caption"]}] if usage else None,
        )  # fmt: skip

    def load_publication_pages(self):
        for page, language, title, body in demo_content.PUBLICATION_PAGES:
            text = PublicationPage.objects.filter(page=page, language=language).first() or PublicationPage(page=page, language=language)
            text.title, text.body = title, body
            services.save_publication_page(page=text, by=None)

    @staticmethod
    def text_of(model, owner, language, **fields):
        """`owner`'s text in `language` (the one it has, or a new one), with `fields` set: saved by the services."""
        text = model.objects.filter(**{owner._meta.model_name: owner}, language=language).first() if owner.pk else None
        text = text or model(language=language)
        for name, value in fields.items():
            setattr(text, name, value)
        return text

    def load_sections(self):
        sections = {}
        for order, data in enumerate(demo_content.SECTIONS):
            section = Section.objects.filter(key=data["key"]).first() or Section(key=data["key"])
            section.order, section.show_on_home = order, True
            texts = [self.text_of(SectionText, section, language, name=name, slug=slugify(name, allow_unicode=True), intro=intro,
                                  body=data.get("body", {}).get(language, ""))
                     for language, (name, intro) in data["texts"].items()]  # fmt: skip
            sections[data["key"]] = services.save_taxonomy(instance=section, by=None, texts=texts)
        return sections

    def load_kinds(self):
        kinds = {}
        for order, (key, names) in enumerate(demo_content.KINDS):
            kind = Kind.objects.filter(key=key).first() or Kind(key=key)
            kind.order = order
            texts = [self.text_of(KindText, kind, language, name=name) for language, name in names.items()]
            kinds[key] = services.save_taxonomy(instance=kind, by=None, texts=texts)
        return kinds

    def load_authors(self):
        authors = {}
        for data in demo_content.AUTHORS:
            author = Author.objects.filter(slug=data["slug"]).first() or Author(slug=data["slug"])
            author.name = data["name"]
            texts = [self.text_of(AuthorBio, author, language, bio=bio) for language, bio in data["bio"].items()]
            authors[data["slug"]] = services.save_taxonomy(instance=author, by=None, texts=texts)
        return authors

    def load_image(self, title, dark, light):
        image = Image.objects.filter(title=title).first()
        if image and image.file and image.file.storage.exists(image.file.name):
            return image
        image = image or Image(title=title)
        image.credit = "Review demo (generated)"
        image.licence = "CC0"
        filename = f"{slugify(title)}.jpg"
        content = ContentFile(placeholder_jpeg(dark, light), name=filename)
        return services.save_generated_image(image=image, name=filename, content=content, by=None, renditions=not self.skip_renditions)

    def ensure_renditions(self, image):
        if not self.skip_renditions and not image.renditions:  # loaded before without them
            services.regenerate_renditions(image=image)

    def load_piece(self, piece, sections, kinds, authors):
        """Create or update one piece through the services, as an import would."""
        published_at = timezone.make_aware(datetime.combine(datetime.fromisoformat(piece["date"]).date(), time(9, 0)))
        image = self.load_image(*piece["image"])
        self.ensure_renditions(image)

        def changes(version):
            return {
                "title": version["title"],
                "slug": slugify(version["title"], allow_unicode=True),
                "standfirst": version["standfirst"],
                "body": version["body"],
                "status": Status.PUBLISHED,
                "published_at": published_at,
            }

        def extras(version):
            return {"tags": version["tags"], "images": [{"image": image, "alt_text": version["alt"], "caption": version["caption"]}]}

        first, *others = piece["versions"]
        shared = {"section": sections[piece["section"]], "kind": kinds[piece["kind"]],
                  "authors": [authors[slug] for slug in piece.get("authors", [])]}  # fmt: skip
        source = PieceVersion.objects.filter(language=first["language"], slug=changes(first)["slug"]).first()
        if source:
            source = services.save_version(version=source, by=None, changes=changes(first), go_live=True, **shared, **extras(first))
        else:
            source = services.create_piece(by=None, language=first["language"], changes=changes(first), **shared, **extras(first))
        for version in others:
            existing = PieceVersion.objects.filter(piece_id=source.piece_id, language=version["language"]).first()
            existing = existing or services.create_translation(source=source, language=version["language"], by=None)
            services.save_version(
                version=existing, by=None, changes=changes(version), matches_source_revision=source.content_revision, go_live=True,
                **extras(version),
            )  # fmt: skip
        return len(piece["versions"])

    def load_people(self):
        groups = dict(zip([EDITORS, TRANSLATORS], ensure_groups(), strict=True))
        services.save_staff_user(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, email="admin@example.org", superuser=True, by=None)
        for username, password, group, languages in DEMO_STAFF:
            services.save_staff_user(username=username, password=password, email=f"{username}@example.org", group=groups[group],
                                     languages=languages, by=None)  # fmt: skip
