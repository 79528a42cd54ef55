"""The model `Article` is one language version of a piece: in Python it is now `PieceVersion`. No data moves.

The table keeps its name (`articles_article`, fixed in Meta first, so the rename alters no table and no foreign key).
What names the model by its old name is renamed with it, both ways:
- its content type (`migrate` inserts Django's RenameContentType after a RenameModel; a plan run without the
  `migrate` command's signals, such as a bare MigrationExecutor, does not, so it is done here when still needed);
- its default permissions' codenames (`change_article` → `change_pieceversion`), so that groups and people keep
  their rights instead of post_migrate creating new, unheld permissions (their names follow the verbose name,
  which is unchanged);
- the model label in django-reversion's stored revisions (`"model": "articles.article"`), without which no
  revision of a version could be read, compared or restored.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

ACTIONS = ("add", "change", "delete", "view")


def content_type_of(apps, db, old, new):
    """The model's content type, renamed to `new` if nothing renamed it yet; None on a database that has none."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    found = {ct.model: ct for ct in ContentType.objects.using(db).filter(app_label="articles", model__in=[old, new])}
    if old in found and new not in found:
        ContentType.objects.using(db).filter(pk=found[old].pk).update(model=new)
        ContentType.objects.clear_cache()
    # Both present: a stale one, left as Django's RenameContentType leaves it (remove_stale_contenttypes asks what to
    # do); the rows that name the model are on the old one, so those are the ones renamed.
    return found.get(old) or found.get(new)


def rename(apps, schema_editor, old, new):
    db = schema_editor.connection.alias
    content_type = content_type_of(apps, db, old, new)
    if content_type is None:
        return  # a new database: post_migrate creates the content type and its permissions under the new name
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.using(db).filter(content_type=content_type, codename=f"{action}_{old}").update(codename=f"{action}_{new}")
    # Django's JSON serializer writes `"model": "<label>"` once per object; inside a string value quotes are escaped,
    # so the pattern (closing quote included: not "articles.articleimage") matches that key and nothing else.
    before, after = f'"model": "articles.{old}"', f'"model": "articles.{new}"'
    Version = apps.get_model("reversion", "Version")
    Version.objects.using(db).filter(content_type=content_type, format="json", serialized_data__contains=before).update(
        serialized_data=Replace("serialized_data", Value(before), Value(after))
    )


def forwards(apps, schema_editor):
    rename(apps, schema_editor, "article", "pieceversion")


def backwards(apps, schema_editor):
    rename(apps, schema_editor, "pieceversion", "article")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_search_fts_follows_deletes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        # The table's name first, explicitly (the same name: nothing happens), so the rename moves no table.
        migrations.AlterModelTable(name="article", table="articles_article"),
        migrations.RenameModel(old_name="Article", new_name="PieceVersion"),
        migrations.RunPython(forwards, backwards),
    ]
