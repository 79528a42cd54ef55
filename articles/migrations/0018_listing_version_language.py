import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A listing row is found by its version and language together (a page of search results reads a dozen versions'
    rows in one language): one index on (version, language, facet) instead of one on the version alone, which
    visited every language's rows of each version."""

    dependencies = [
        ("articles", "0017_piece_source_language"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="listingentry",
            index=models.Index(fields=["version", "language", "facet"], name="listing_version_idx"),
        ),
        migrations.AlterField(
            model_name="listingentry",
            name="version",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.article"),
        ),
    ]
