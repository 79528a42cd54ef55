from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.languages import current_language, validate_language


def language_field(**kwargs):
    # No `choices`: the language list lives in settings, so adding one needs no migration.
    return models.CharField(_("language"), max_length=12, validators=[validate_language], db_index=True, **kwargs)


def non_empty(field, name):
    return models.CheckConstraint(condition=~Q(**{field: ""}), name=name)


def pick_text(texts, language):
    """Of one thing's per-language texts, the one in `language`, else the default language's, else the first, or None."""
    by_language = {text.language: text for text in texts}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE) or (texts[0] if texts else None)


class PerLanguageTexts:
    """For language-neutral models whose words live in a `texts` relation, one row per language.

    Picks the current language's row, else the default language's, else any: readers always see a
    name. Reads `texts.all()`, so a `prefetch_related("…texts")` keeps listings at constant queries.
    """

    def text_for(self, language):
        return pick_text(list(self.texts.all()), language)

    @property
    def text(self):
        return self.text_for(current_language())


class KeyedWithTexts(PerLanguageTexts, models.Model):
    """A language-neutral, ordered row named by its per-language texts (sections, kinds)."""

    key = models.SlugField(_("key"), unique=True, help_text=_("Internal identifier, the same in every language."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        text = self.text
        return text.name if text else self.key
