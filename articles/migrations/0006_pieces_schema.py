"""The second half of the move to pieces: drop the wave-1 columns, then create the listing index.

The index is derived data: it is filled by the live code once migrate has brought the schema up to date
(`rebuilds`, read by articles.apps.rebuild_derived_data), so this migration imports none of it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_pieces_data")]
    rebuilds = ("listing",)

    operations = [
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
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="articles.piece", verbose_name="piece"
            ),
        ),
        migrations.AlterField(
            model_name="featuredpiece",
            name="piece",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="featured_in", to="articles.piece", verbose_name="piece"
            ),
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
            index=models.Index(
                condition=models.Q(("live_announced", False), ("status", "published")), fields=["published_at"], name="article_due_idx"
            ),
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
                (
                    "piece",
                    models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.piece"),
                ),
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
    ]
