"""Readable diffs that work on blocks: each paragraph, heading, list item, caption or alt text is compared as a unit.

Blocks are matched first; a changed block that still resembles its old self shows word-level
changes, one rewritten outright shows as deleted and inserted. One unchanged block on each side
of a change is kept for context. Everything is escaped; the result is safe HTML.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from articles.segments import body_blocks, image_label, image_segments, plain

SIMILAR = 0.5  # below this a block counts as rewritten, not edited
CONTEXT = 1


def words(text):
    return re.findall(r"\S+|\s+", text or "")


def word_diff(old, new):
    """HTML with <del> for words only in `old` and <ins> for words only in `new` (plain text in, escaped)."""
    old_words, new_words = words(old), words(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(f"<del>{escape(''.join(old_words[i1:i2]))}</del>")
        if tag in ("replace", "insert"):
            parts.append(f"<ins>{escape(''.join(new_words[j1:j2]))}</ins>")
        if tag == "equal":
            parts.append(escape("".join(old_words[i1:i2])))
    return "".join(parts)


def _block(state, html):
    return f'<div class="review-diff__block review-diff__block--{state}">{html}</div>'


def _changed_pair(old, new, similar):
    if difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio() >= similar:
        return [_block("changed", word_diff(old, new))]
    return [_block("deleted", f"<del>{escape(old)}</del>"), _block("inserted", f"<ins>{escape(new)}</ins>")]


def block_diff(old_blocks, new_blocks, similar=SIMILAR):
    """Safe HTML comparing two lists of plain-text blocks (`similar`=0: a changed block is always shown word by word)."""
    opcodes = difflib.SequenceMatcher(None, old_blocks, new_blocks, autojunk=False).get_opcodes()
    parts = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old_blocks[i1:i2]
            before = same[:CONTEXT] if index > 0 else []
            after = same[-CONTEXT:] if index < len(opcodes) - 1 else []
            if len(same) <= len(before) + len(after):
                parts += [_block("same", escape(text)) for text in same]
                continue
            parts += [_block("same", escape(text)) for text in before]
            parts.append(_block("skipped", "…"))
            parts += [_block("same", escape(text)) for text in after]
            continue
        old, new = old_blocks[i1:i2], new_blocks[j1:j2]
        for pair in range(min(len(old), len(new))):
            parts += _changed_pair(old[pair], new[pair], similar)
        parts += [_block("deleted", f"<del>{escape(text)}</del>") for text in old[len(new) :]]
        parts += [_block("inserted", f"<ins>{escape(text)}</ins>") for text in new[len(old) :]]
    return mark_safe("".join(parts))


def blocks_of(field, value):
    """A field's value as the blocks it is compared in."""
    if field == "body":
        return [block.text for block in body_blocks(value)]
    if field == "images":
        return [f"{image_label(segment)}: {segment.text}" for segment in image_segments(value or [])]
    text = plain(value)
    return [text] if text else []


def field_diffs(old, new, fields):
    """[(field, diff_html)] for each field whose blocks differ between two dicts of texts."""
    diffs = []
    for field in fields:
        old_blocks, new_blocks = blocks_of(field, old.get(field)), blocks_of(field, new.get(field))
        if old_blocks != new_blocks:
            single = field not in ("body", "images")  # a title is one block: its changes are always shown word by word
            diffs.append((field, block_diff(old_blocks, new_blocks, similar=0 if single else SIMILAR)))
    return diffs


def labelled(model, diffs):
    """field_diffs() with each field's human label instead of its name."""
    return [(_("Images: captions and alt text") if field == "images" else capfirst(model._meta.get_field(field).verbose_name), diff)
            for field, diff in diffs]  # fmt: skip
