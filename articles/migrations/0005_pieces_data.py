"""Every wave-1 translation_key becomes a Piece (see 0004); data only, so PostgreSQL commits it before 0006 alters the tables."""

from django.db import migrations
from django.utils import timezone


def make_pieces(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Piece = apps.get_model("articles", "Piece")
    FeaturedPiece = apps.get_model("articles", "FeaturedPiece")
    keys = {}
    for article in Article.objects.order_by("translation_key", "-is_source", "created_at", "id"):
        keys.setdefault(article.translation_key, []).append(article)
    for versions in keys.values():
        # Ordered source first; a key without a source (never allowed, but be safe) takes its oldest version.
        source = versions[0]
        piece = Piece.objects.create(section_id=source.section_id, kind_id=source.kind_id, source=source)
        Piece.objects.filter(pk=piece.pk).update(created_at=min(v.created_at for v in versions))
        piece.authors.set(source.authors.all())
        Article.objects.filter(pk__in=[v.pk for v in versions]).update(piece=piece)
    for featured in FeaturedPiece.objects.select_related("article"):
        featured.piece_id = featured.article.piece_id
        featured.save(update_fields=["piece"])
    now = timezone.now()
    Article.objects.filter(status="published", published_at__lte=now).update(live_announced=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_pieces")]

    operations = [migrations.RunPython(make_pieces, migrations.RunPython.noop)]
