"""Migrations keep what a database holds: wave-1 data (versions grouped by translation_key) becomes pieces, and the
version model's rename (Article → PieceVersion) keeps people's rights and the revisions readable, both ways."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import PieceVersion, Status

BEFORE = [("articles", "0003_image_renditions")]
BEFORE_RENAME = [("articles", "0019_search_fts_follows_deletes")]
RENAMED = [("articles", "0020_rename_article_pieceversion")]
DEFAULT_PERMISSIONS = ("add", "change", "delete", "view")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def back_to_the_newest():
    """The newest schema, and what `manage.py migrate` would rebuild after it (a bare executor sends no post_migrate):
    the names' search words of the tags and authors, which going back past 0024 dropped."""
    from articles import search

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    search.build_name_words()


def migrate_all_but(targets):
    """Migrate the apps in `targets` to them and return the models as they are then, every other app's at its newest
    migration still applied (a target's own state holds only the migrations it depends on: contenttypes before 0002,
    for one; an app that depends on a target's later migrations, as desk does on articles', was taken back with it)."""
    migrate(targets)
    loader = MigrationExecutor(connection).loader
    apps_named = {app for app, _name in targets}
    latest = {}
    for node in loader.applied_migrations:
        if node[0] not in apps_named and node in loader.graph.nodes:
            depth = len(loader.graph.forwards_plan(node))
            if depth > latest.get(node[0], (None, -1))[1]:
                latest[node[0]] = (node, depth)
    return loader.project_state([*targets, *(node for node, _depth in latest.values())]).apps


@pytest.mark.django_db(transaction=True)
def test_wave_one_data_migrates_to_pieces_with_nothing_lost():
    old = migrate(BEFORE)
    Article, Section, Kind, Author = (old.get_model("articles", name) for name in ("Article", "Section", "Kind", "Author"))
    Featured = old.get_model("articles", "FeaturedPiece")
    collective, partnerships = Section.objects.create(key="collective"), Section.objects.create(key="partnerships")
    analysis, opinion = Kind.objects.create(key="analysis"), Kind.objects.create(key="opinion")
    ada = Author.objects.create(name="Ada", slug="ada")
    yesterday = timezone.now() - timedelta(days=1)
    nordic, lonely = uuid.uuid4(), uuid.uuid4()
    common = {"status": "published", "published_at": yesterday, "body": "<p>Text.</p>"}
    source = Article.objects.create(translation_key=nordic, language="en", is_source=True, title="Nordic", slug="nordic",
                                    section=collective, kind=analysis, content_revision=3, **common)  # fmt: skip
    source.authors.set([ada])
    # The French version disagrees on section and kind: the source's win.
    french = Article.objects.create(translation_key=nordic, language="fr", is_source=False, title="Nordique", slug="nordique",
                                    section=partnerships, kind=opinion, translated_from_revision=2, **common)  # fmt: skip
    draft = Article.objects.create(translation_key=nordic, language="de", is_source=False, title="Nordisch", slug="nordisch",
                                   status="draft", section=collective)  # fmt: skip
    russian = Article.objects.create(translation_key=lonely, language="ru", is_source=True, title="Одесса", slug="одесса",
                                     status="published", published_at=yesterday)  # fmt: skip
    Featured.objects.create(language="fr", article=french, order=1)

    call_command("migrate", verbosity=0)  # as `make` does: the migrations, then the derived data they ask for
    new = MigrationExecutor(connection).loader.project_state(MigrationExecutor(connection).loader.graph.leaf_nodes()).apps
    Piece, Article = new.get_model("articles", "Piece"), new.get_model("articles", "PieceVersion")
    assert Piece.objects.count() == 2
    piece = Piece.objects.get(versions__pk=source.pk)
    assert (
        piece.source_id == source.pk
        and piece.source_language == "en"
        and piece.section_id == collective.pk
        and piece.kind_id == analysis.pk
    )
    assert list(piece.authors.values_list("slug", flat=True)) == ["ada"]
    assert set(Article.objects.filter(piece=piece).values_list("pk", flat=True)) == {source.pk, french.pk, draft.pk}
    assert Article.objects.get(pk=french.pk).translated_from_revision == 2  # "outdated" survives
    assert Article.objects.get(pk=source.pk).content_revision == 3
    assert Piece.objects.get(versions__pk=russian.pk).source_id == russian.pk
    assert new.get_model("articles", "FeaturedPiece").objects.get().piece_id == piece.pk
    assert Article.objects.get(pk=source.pk).live_announced and not Article.objects.get(pk=draft.pk).live_announced
    Listing = new.get_model("articles", "ListingEntry")
    assert Listing.objects.filter(language="fr", facet="all").get(piece=piece).version_id == french.pk
    assert Listing.objects.filter(language="de", facet="all").get(piece=piece).version_id == source.pk  # the draft does not show
    assert Listing.objects.filter(language="en", facet="all").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("forward", ["executor", "migrate command"])
def test_renaming_the_version_model_keeps_rights_and_revisions_both_ways(make_article, forward, request):
    """Issue 25: the model `Article` is a version, so in Python it is `PieceVersion`; its table stays. Its content type,
    default permissions and the label in stored revisions follow the name, forwards and backwards. Forwards runs both
    as a bare MigrationExecutor (no RenameContentType is inserted) and as `migrate` does (Django inserts one)."""
    version = make_article(title="Nordic security", status=Status.DRAFT)
    request.addfinalizer(back_to_the_newest)
    written_now = Version.objects.get_for_object(version).get().serialized_data
    assert '"model": "articles.pieceversion"' in written_now
    content_type = ContentType.objects.get_for_model(PieceVersion)

    old = migrate_all_but(BEFORE_RENAME)
    ContentType.objects.clear_cache()
    OldType, OldPermission = old.get_model("contenttypes", "ContentType"), old.get_model("auth", "Permission")
    assert OldType.objects.get(pk=content_type.pk).model == "article"
    old_codenames = set(OldPermission.objects.filter(content_type_id=content_type.pk).values_list("codename", flat=True))
    assert old_codenames == {f"{action}_article" for action in DEFAULT_PERMISSIONS}
    OldVersion = old.get_model("reversion", "Version")
    assert OldVersion.objects.get(content_type_id=content_type.pk, object_id=str(version.pk)).serialized_data == written_now.replace(
        '"model": "articles.pieceversion"', '"model": "articles.article"'
    )
    # What the old code wrote and granted: a revision saved under the old label, and a group holding change_article.
    Article = old.get_model("articles", "Article")
    then = Article.objects.get(pk=version.pk)
    then.title = "Nordic security, as first written"
    revision = old.get_model("reversion", "Revision").objects.create(date_created=timezone.now(), comment="Saved")
    saved_then = OldVersion.objects.create(
        revision=revision, object_id=str(then.pk), content_type_id=content_type.pk, db="default", format="json",
        serialized_data=serializers.serialize("json", [then]), object_repr=then.title,
    )  # fmt: skip
    assert '"model": "articles.article"' in saved_then.serialized_data
    chiefs = old.get_model("auth", "Group").objects.create(name="Chiefs")
    chiefs.permissions.set(OldPermission.objects.filter(content_type_id=content_type.pk, codename__in=["change_article", "view_article"]))
    chief = old.get_model("auth", "User").objects.create(username="chief", is_staff=True)
    chief.groups.add(chiefs)

    if forward == "executor":
        migrate(RENAMED)
    else:
        call_command("migrate", *RENAMED[0], verbosity=0)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(PieceVersion).pk == content_type.pk
    chief = User.objects.get(username="chief")
    assert chief.has_perm("articles.change_pieceversion") and chief.has_perm("articles.view_pieceversion")
    assert not chief.has_perm("articles.delete_pieceversion")
    assert not Permission.objects.filter(codename__in=[f"{action}_article" for action in DEFAULT_PERMISSIONS]).exists()
    revisions = Version.objects.get_for_object(PieceVersion.objects.get(pk=version.pk))
    assert sorted(v.field_dict["title"] for v in revisions) == ["Nordic security", "Nordic security, as first written"]
    first = revisions.get(pk=saved_then.pk)
    services.restore_revision(version=PieceVersion.objects.get(pk=version.pk), revision_version=first, by=None)
    assert PieceVersion.objects.get(pk=version.pk).title == "Nordic security, as first written"


def test_no_migration_runs_live_code():
    """A migration's own code (RunPython) uses the historical models it is given, never the project's modules:
    those are written for the newest schema. Derived data (listing index, search documents) is rebuilt by the live
    code after migrate (a migration's `rebuilds`). What Django itself serialised into field definitions (a
    validator, a default, an upload_to, a model base) stays importable by its path, as Django requires."""
    import ast
    from pathlib import Path

    import articles.migrations

    offenders = []
    for path in sorted(Path(articles.migrations.__file__).parent.glob("0*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    names = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else [a.name for a in getattr(inner, "names", [])]
                    if isinstance(inner, ast.Import | ast.ImportFrom) and any(name.split(".")[0] in PROJECT for name in names):
                        offenders.append(f"{path.name}:{inner.lineno} {names}")
    assert offenders == []


PROJECT = {"articles", "reader", "desk", "library", "cms", "demo", "delivery", "review"}
