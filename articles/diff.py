"""Readable word diffs of plain text (rich text is compared by its words, not its markup)."""

import difflib
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst


def words(text):
    return re.findall(r"\S+|\s+", strip_tags(text or ""))


def word_diff(old, new):
    """HTML with <del> for words only in `old` and <ins> for words only in `new`; everything escaped."""
    old_words, new_words = words(old), words(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(f"<del>{escape(''.join(old_words[i1:i2]))}</del>")
        if tag in ("replace", "insert"):
            parts.append(f"<ins>{escape(''.join(new_words[j1:j2]))}</ins>")
        if tag == "equal":
            parts.append(escape("".join(old_words[i1:i2])))
    return mark_safe("".join(parts))


def labelled(model, diffs):
    """field_diffs() with each field's human label instead of its name."""
    return [(capfirst(model._meta.get_field(field).verbose_name), diff) for field, diff in diffs]


def field_diffs(old, new, fields):
    """[(field, diff_html)] for each field whose text differs between two dicts."""
    return [(field, word_diff(old.get(field), new.get(field))) for field in fields if (old.get(field) or "") != (new.get(field) or "")]
