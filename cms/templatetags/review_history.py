from django import template

from articles import history

register = template.Library()


@register.filter
def history_comment(comment):
    """A revision's comment, stored in English, in the language the History is read in."""
    return history.shown(comment)
