"""Pieces: every wave-1 `translation_key` becomes a Piece; shared fields move there (the source's win).

Schema first (here), data in 0005, the old columns go in 0006: on PostgreSQL a table cannot be
altered in the transaction that changed its rows (pending trigger events).
"""

import django.db.models.deletion
from django.db import migrations, models


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
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="pieces",
                        to="articles.kind",
                        verbose_name="kind",
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="pieces",
                        to="articles.section",
                        verbose_name="section",
                    ),
                ),
                (
                    "source",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.RESTRICT,
                        related_name="source_of",
                        to="articles.article",
                        verbose_name="source version",
                    ),
                ),
            ],
            options={"verbose_name": "piece", "verbose_name_plural": "pieces", "ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="article",
            name="piece",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="articles.piece", verbose_name="piece"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="live_announced",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Its published event has been sent for this publication.",
                verbose_name="go-live announced",
            ),
        ),
        migrations.AddField(
            model_name="featuredpiece",
            name="piece",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="featured_in",
                to="articles.piece",
                verbose_name="piece",
            ),
        ),
    ]
