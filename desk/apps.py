from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The translation desk: states, queue and word counts (states.py), the XLIFF/PO exchange (exchange.py), the segment
    editor (workbench.py) with its translation memory (memory.py), glossary (glossary.py) and checks (qa.py)."""

    name = "desk"
    verbose_name = _("Translation desk")

    def ready(self):
        from django.db.models.signals import post_migrate

        from articles.apps import create_roles
        from articles.events import change_event
        from desk import tasks  # noqa: F401  (its jobs are registered, for enqueue() by name)

        change_event.connect(on_change, dispatch_uid="desk.memory")
        # The roles again once the desk's permissions exist (they are made after the articles app's, which set roles first).
        post_migrate.connect(create_roles, sender=self, dispatch_uid="desk.roles")


def on_change(sender, event, **kwargs):
    """A public change of a translation (it names public URLs; a draft's save names none) starts the memory's job,
    which records the version's segments if it is published and up to date."""
    from articles import events
    from articles.jobs import enqueue

    # A version readers now see (published, its pending changes made live, moved): its text may enter the memory.
    remembered_on = (events.VERSION_PUBLISHED, events.VERSION_CHANGED, events.VERSION_MOVED)
    if event.kind in remembered_on and event.version_id and event.urls and event.extra.get("translation"):
        enqueue("desk.remember_translation", event.version_id)
