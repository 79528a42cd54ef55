"""The glossary: terms per language pair, shown beside the segments that contain them, checked in each translation.

A source term is found as a whole word or phrase, whatever its case ("Collective defence" finds "collective
defence"). A translated segment whose source holds a term with a preferred translation must use that translation
(or an allowed one); a forbidden translation must not appear. Both are QA warnings, which a translator may
acknowledge: language bends terms (plurals, cases), a person judges. CSV import and export: one term per row.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles.errors import RuleBroken
from articles.languages import language_codes
from desk.models import Term

CSV_COLUMNS = ["source_language", "target_language", "source_term", "target_term", "status", "note"]
MAX_CSV_BYTES = 2 * 2**20


@dataclass(frozen=True)
class Found:
    source_term: str
    preferred: tuple[str, ...]
    allowed: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str


def _pattern(term):
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in term.split()) + r"(?!\w)", re.IGNORECASE)


def _contains(text, term):
    return bool(_pattern(term).search(text))


def terms_for(source_language, target_language):
    """{source term (casefolded): Found} of one language pair: one query, for a whole form."""
    grouped = {}
    for term in Term.objects.filter(source_language=source_language, target_language=target_language):
        entry = grouped.setdefault(term.source_term.casefold(), {"term": term.source_term, "note": term.note, Term.PREFERRED: [],
                                                                  Term.ALLOWED: [], Term.FORBIDDEN: []})  # fmt: skip
        entry[term.status].append(term.target_term)
        entry["note"] = entry["note"] or term.note
    return {
        key: Found(entry["term"], tuple(entry[Term.PREFERRED]), tuple(entry[Term.ALLOWED]), tuple(entry[Term.FORBIDDEN]), entry["note"])
        for key, entry in grouped.items()
    }


def found_in(terms, source_html):
    """The glossary's terms that `source_html` holds, longest first."""
    text = strip_tags(source_html or "")
    return [found for found in sorted(terms.values(), key=lambda f: -len(f.source_term)) if _contains(text, found.source_term)]


def warnings(terms, source_html, target_html):
    """What the glossary says about a translated segment: a preferred term missing, a forbidden one used."""
    target = strip_tags(target_html or "")
    said = []
    for found in found_in(terms, source_html):
        if found.preferred and not any(_contains(target, term) for term in (*found.preferred, *found.allowed)):
            said.append(_("the glossary says “%(term)s” is “%(preferred)s” here")
                        % {"term": found.source_term, "preferred": " / ".join(found.preferred)})  # fmt: skip
        for term in found.forbidden:
            if _contains(target, term):
                said.append(_("“%(forbidden)s” is a forbidden translation of “%(term)s”") % {"forbidden": term, "term": found.source_term})
    return said


# CSV -------------------------------------------------------------------------------------------------


def export_csv(queryset=None):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for term in queryset if queryset is not None else Term.objects.all():
        writer.writerow([_cell(getattr(term, column)) for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def _cell(value):
    """A value a spreadsheet will not run as a formula (CSV injection)."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _uncell(value):
    value = " ".join((value or "").split())
    return value[1:] if value[:2] in ("'=", "'+", "'-", "'@") else value


def import_csv(data, *, languages=None):
    """Terms from CSV bytes (a header row naming CSV_COLUMNS; note optional), added or updated, all or nothing.
    `languages`: the target languages the importer works in (None: all). Returns how many rows were read."""
    if len(data) > MAX_CSV_BYTES:
        raise RuleBroken(_("The file is larger than %(size)d MB.") % {"size": MAX_CSV_BYTES // 2**20})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleBroken(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = [column for column in CSV_COLUMNS[:4] if rows and column not in rows[0]]
    if not rows or missing:
        raise RuleBroken(_("The file needs a header row with the columns %(columns)s.") % {"columns": ", ".join(CSV_COLUMNS)})
    statuses = {status for status, _label in Term.STATUSES}
    terms, problems = [], []
    for number, row in enumerate(rows, start=2):
        values = {column: _uncell(row.get(column)) for column in CSV_COLUMNS}
        values["status"] = values["status"] or Term.PREFERRED
        if values["source_language"] not in language_codes() or values["target_language"] not in language_codes():
            problems.append(_("row %(row)d: unknown language") % {"row": number})
        elif languages is not None and values["target_language"] not in languages:
            problems.append(_("row %(row)d: you do not work in “%(language)s”") % {"row": number, "language": values["target_language"]})
        elif not values["source_term"] or not values["target_term"]:
            problems.append(_("row %(row)d: a term and its translation are both needed") % {"row": number})
        elif values["status"] not in statuses:
            problems.append(_("row %(row)d: the status is preferred, allowed or forbidden") % {"row": number})
        elif len(values["source_term"]) > 200 or len(values["target_term"]) > 200 or len(values["note"]) > 500:
            problems.append(_("row %(row)d: a term has at most 200 characters, a note 500") % {"row": number})
        else:
            terms.append(Term(**values))
    if problems:
        raise RuleBroken(_("Nothing was imported: %(problems)s.") % {"problems": "; ".join(problems[:20])})
    with transaction.atomic():
        Term.objects.bulk_create(terms, update_conflicts=True, batch_size=500,
                                 unique_fields=["source_language", "target_language", "source_term", "target_term"],
                                 update_fields=["status", "note"])  # fmt: skip
    return len(terms)
