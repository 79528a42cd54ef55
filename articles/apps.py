from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_roles(sender, **kwargs):
    from .roles import ensure_groups

    ensure_groups()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Publication")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import reversion

        from .models import Article, ArticleImage

        # Every save through the admin or a service keeps a revision with the version's images.
        if not reversion.is_registered(Article):
            reversion.register(Article, follow=["image_usages"])
            reversion.register(ArticleImage)
        # After migrate (when permissions exist), the Editors and Translators groups are brought up to date.
        post_migrate.connect(create_roles, sender=self)
