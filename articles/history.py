"""What a version's History says about each revision, in the language of whoever reads it.

A revision's comment is stored once, as its English message (the msgid), whoever wrote it in whatever
language the admin was in; the History translates it when it is shown. A French translator and an Arabic
editor read the same revision as "Publié" and "نُشر", and a message stored in English is never a mix.
"""

import re
from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

# Messages with parameters: shown translated by matching the stored English against each.
WITH_PARAMETERS = [
    gettext_noop("Made the %(language)s version the source"),
    gettext_noop("Translation started from the %(language)s source"),
    gettext_noop("Restored the revision of %(date)s"),
]


def stored(message: str | Promise, **params: str) -> str:
    """The comment to store: `message` (a msgid or a lazy translation) in English, with its parameters."""
    with translation.override(None):
        text = str(message)
    return text % params if params else text


@cache
def _pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", msgid)
    regex = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>.+?)" for n, part in enumerate(parts))
    return re.compile(regex)


def shown(comment: str | None) -> str:
    """A stored comment in the active language (a comment stored before this rule, or by hand, as it is)."""
    if not comment:
        return ""
    translated = gettext(comment)
    if translated != comment:
        return translated
    for msgid in WITH_PARAMETERS:
        match = _pattern(msgid).fullmatch(comment)
        if match:
            return gettext(msgid) % match.groupdict()
    return comment
