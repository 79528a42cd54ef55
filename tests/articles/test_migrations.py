"""A database holding wave-1 data (versions grouped by translation_key) migrates to pieces with nothing lost."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("articles", "0003_image_renditions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


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
