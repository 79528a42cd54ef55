"""Pieces: every wave-1 `translation_key` becomes a Piece; shared fields move there (the source's win).

Then the listing index is created and filled from the migrated data.
"""

import django.db.models.deletion
from django.db import migrations, models
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


def fill_listing(apps, schema_editor):
    from articles.listing import collect_facts, write_entries

    Piece = apps.get_model("articles", "Piece")
    write_entries(
        apps.get_model("articles", "ListingEntry"),
        collect_facts(
            pieces=Piece.objects.all(),
            versions=apps.get_model("articles", "Article").objects.all(),
            through_authors=Piece.authors.through.objects.all(),
            taggings=apps.get_model("articles", "TaggedArticle").objects.all(),
        ),
        timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_image_renditions")]

    operations = [
        migrations.CreateModel(
            name="Piece",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("authors", models.ManyToManyField(blank=True, related_name="pieces", to="articles.author", verbose_name="authors")),
                (
                    "kind",
                    models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="pieces",
                                      to="articles.kind", verbose_name="kind"),
                ),
                (
                    "section",
                    models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="pieces",
                                      to="articles.section", verbose_name="section"),
                ),
                (
                    "source",
                    models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name="source_of",
                                         to="articles.article", verbose_name="source version"),
                ),
            ],
            options={"verbose_name": "piece", "verbose_name_plural": "pieces", "ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="article",
            name="piece",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="versions",
                                    to="articles.piece", verbose_name="piece"),
        ),
        migrations.AddField(
            model_name="article",
            name="live_announced",
            field=models.BooleanField(default=False, editable=False, help_text="Its published event has been sent for this publication.",
                                      verbose_name="go-live announced"),
        ),
        migrations.AddField(
            model_name="featuredpiece",
            name="piece",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="featured_in",
                                    to="articles.piece", verbose_name="piece"),
        ),
        migrations.RunPython(make_pieces, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="article", name="article_one_version_per_language"),
        migrations.RemoveConstraint(model_name="article", name="article_one_source_per_piece"),
        migrations.RemoveConstraint(model_name="featuredpiece", name="featured_once_per_language"),
        migrations.RemoveField(model_name="article", name="translation_key"),
        migrations.RemoveField(model_name="article", name="is_source"),
        migrations.RemoveField(model_name="article", name="section"),
        migrations.RemoveField(model_name="article", name="kind"),
        migrations.RemoveField(model_name="article", name="authors"),
        migrations.RemoveField(model_name="featuredpiece", name="article"),
        migrations.AlterField(
            model_name="article",
            name="piece",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="articles.piece",
                                    verbose_name="piece"),
        ),
        migrations.AlterField(
            model_name="featuredpiece",
            name="piece",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="featured_in", to="articles.piece",
                                    verbose_name="piece"),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(fields=("piece", "language"), name="article_one_version_per_language"),
        ),
        migrations.AddConstraint(
            model_name="featuredpiece",
            constraint=models.UniqueConstraint(fields=("language", "piece"), name="featured_piece_once_per_language"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(condition=models.Q(("live_announced", False), ("status", "published")), fields=["published_at"],
                               name="article_due_idx"),
        ),
        migrations.CreateModel(
            name="ListingEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=12)),
                ("facet", models.CharField(max_length=24)),
                ("published_at", models.DateTimeField()),
                ("visible_until", models.DateTimeField(blank=True, null=True)),
                ("section_id", models.BigIntegerField(blank=True, null=True)),
                ("kind_id", models.BigIntegerField(blank=True, null=True)),
                ("piece", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.piece")),
                ("version", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.article")),
            ],
            options={
                "ordering": ["-published_at", "-version_id"],
                "indexes": [
                    models.Index(fields=["language", "facet", "-published_at", "-version"], name="listing_range_idx"),
                    models.Index(fields=["piece"], name="listing_piece_idx"),
                ],
            },
        ),
        migrations.RunPython(fill_listing, migrations.RunPython.noop),
    ]
