"""Quality checks of one translated segment against its source: what a careless file must not get past.

`problems(source_html, target_html)` says, in words a translator understands, what is wrong with a target: inline
tags that are not closed, or not the same as the source's (a dropped link, a bold that swallowed the next
paragraph), links that point elsewhere, numbers that changed (32 → 23, 300 000 → 30 000; "300 000", "300,000" and
"300.000" are one number, whatever the locale's separators, and Arabic-Indic digits are read as digits).
"""

import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from articles.segments import fed

VOID = {"br", "img", "wbr", "hr"}
# Digits in groups of three after one separator (300 000, 300,000, 300.000, 300'000), with decimals, or plain.
NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.opened, self.unclosed, self.stray, self.links, self.text = Counter(), [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.opened[tag] += 1
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag not in VOID:
            self.unclosed.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in self.unclosed:
            while self.unclosed.pop() != tag:
                pass
        else:
            self.stray.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _read(html):
    return fed(_Tags(), html)


def numbers(text):
    """The numbers in a text, separators dropped, digits of any script read as 0–9, in order."""
    found = []
    for match in NUMBER.finditer(text):
        digits = "".join(str(unicodedata.decimal(char)) for char in match.group(0) if unicodedata.decimal(char, None) is not None)
        found.append(digits.lstrip("0") or "0")
    return found


def problems(source_html, target_html):
    """What is wrong with a translated segment (an empty list when nothing is)."""
    source, target = _read(source_html), _read(target_html)
    found = []
    for tag in dict.fromkeys(target.unclosed):
        found.append(_("the <%(tag)s> tag is opened and never closed") % {"tag": tag})
    for tag in dict.fromkeys(target.stray):
        found.append(_("a </%(tag)s> closes a tag that was never opened") % {"tag": tag})
    missing, extra = source.opened - target.opened, target.opened - source.opened
    for tag, count in missing.items():
        if tag == "a":
            found.append(_("a link of the source is missing (%(count)d)") % {"count": count})
        else:
            found.append(_("the source's <%(tag)s> is missing (%(count)d)") % {"count": count, "tag": tag})
    for tag, count in extra.items():
        found.append(_("<%(tag)s> is not in the source (%(count)d more)") % {"count": count, "tag": tag})
    if not missing.get("a") and not extra.get("a") and sorted(source.links) != sorted(target.links):
        found.append(_("a link points somewhere else than in the source"))
    source_numbers, target_numbers = numbers("".join(source.text)), numbers("".join(target.text))
    if Counter(source_numbers) != Counter(target_numbers):
        lost = list((Counter(source_numbers) - Counter(target_numbers)).elements())
        new = list((Counter(target_numbers) - Counter(source_numbers)).elements())
        found.append(
            _("numbers differ from the source (missing: %(lost)s; not in the source: %(new)s)")
            % {"lost": ", ".join(lost) or "—", "new": ", ".join(new) or "—"}
        )
    return found
