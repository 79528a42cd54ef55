from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Article, Piece = apps.get_model("articles", "Article"), apps.get_model("articles", "Piece")
    alias = schema_editor.connection.alias
    language = Article.objects.using(alias).filter(pk=OuterRef("source_id")).values("language")[:1]
    Piece.objects.using(alias).filter(source__isnull=False).update(source_language=Subquery(language))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_home_sections"),
    ]

    operations = [
        migrations.AddField(
            model_name="piece",
            name="source_language",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=12, verbose_name="source language"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
