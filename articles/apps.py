from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_roles(sender, **kwargs):
    from articles.policies import ensure_groups

    ensure_groups()


def forget_taxonomy(sender, **kwargs):
    from articles.taxonomy import forget

    forget()


def rebuild_derived_data(sender, using="default", plan=None, **kwargs):
    """Migrations that change what the listing index or the search documents are made of say so (`rebuilds`), and
    the live code rebuilds them here, once, with the schema complete: a migration imports no live code (that code
    is written for the newest schema, not for the one a migration runs on). A flush sends no plan: nothing to do."""
    wanted = {name for migration, backwards in plan or () if not backwards for name in getattr(migration, "rebuilds", ())}
    if "listing" in wanted:
        from articles import listing

        listing.rebuild_all()
    if wanted:  # the search documents carry what the listing shows
        from articles import search

        search.rebuild_all(using=using)


def forget_search_orphans(sender, using=None, **kwargs):
    from articles.search import forget_orphans

    forget_orphans(using=using)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Publication")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import reversion
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from articles import selectors, taxonomy

        request_started.connect(taxonomy.request_memo, dispatch_uid="taxonomy-request-memo")
        request_finished.connect(taxonomy.end_request_memo, dispatch_uid="taxonomy-request-memo-end")
        request_started.connect(selectors.request_memo, dispatch_uid="listing-epoch-memo")
        request_finished.connect(selectors.end_request_memo, dispatch_uid="listing-epoch-memo-end")

        from articles import tasks  # noqa: F401  (its jobs are registered, for articles.jobs.enqueue() by name)
        from articles.models import ArticleImage, Kind, KindText, PendingChange, Piece, PieceVersion, PublicationPage, Section, SectionText

        # Every save through a service keeps a revision with the version's images and its piece's shared fields
        # (and a save of a published version's pending changes, those changes).
        # (The admin's VersionAdmin may have registered PieceVersion already, following only its inlines.)
        for model, follow in [(PieceVersion, ["image_usages", "piece"]), (ArticleImage, []), (Piece, []), (PendingChange, [])]:
            if reversion.is_registered(model):
                reversion.unregister(model)
            reversion.register(model, follow=follow)
        # Section and kind names (and which publication pages exist) are cached per language; any write to them,
        # from anywhere, forgets the cache.
        for model in (Section, SectionText, Kind, KindText, PublicationPage):
            post_save.connect(forget_taxonomy, sender=model, dispatch_uid=f"taxonomy-save-{model.__name__}")
            post_delete.connect(forget_taxonomy, sender=model, dispatch_uid=f"taxonomy-delete-{model.__name__}")
        # After migrate (when permissions exist), the Editors and Translators groups are brought up to date.
        post_migrate.connect(create_roles, sender=self)
        # (And on SQLite, search words of versions a flush removed are dropped: the FTS table is not Django's.)
        post_migrate.connect(forget_search_orphans, sender=self)
        # Derived data a migration asked for (the listing index, the search documents) is rebuilt by the live code.
        post_migrate.connect(rebuild_derived_data, sender=self)
