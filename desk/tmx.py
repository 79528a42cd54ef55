"""TMX 1.4 (translation memory exchange): the memory out to a CAT tool and in from one.

One `<tu>` per memory entry, a `<tuv xml:lang>` for each side. Inline markup travels as TMX inline codes, never as
escaped text in the segment: a paired tag is `<bpt i="n">` … `<ept i="n">` and a lone one (`<br>`) a `<ph>`, each
holding the native HTML of the code, as the standard has it. Reading takes those codes back (and `<it>`, `<hi>`,
`<ut>` from other tools), keeps only the inline markup a body may hold (articles.sanitize) and adds the pairs to
the memory, all or nothing. Files are parsed hardened, as exchange files are (desk.exchange.hardened_xml).
"""

from html import escape

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.errors import RuleBroken
from articles.languages import language_codes
from desk.models import MemoryEntry
from desk.xliff import _Codes

MAX_BYTES = 50 * 2**20
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _fill(seg, html):
    """Inline HTML into a <seg>: text, and each tag a <bpt>/<ept> pair or a <ph> with its markup inside."""
    from lxml import etree

    parser = _Codes()
    parser.feed(html or "")
    parser.close()
    stack, counter = [], 0

    def text(value):
        if len(seg):
            seg[-1].tail = (seg[-1].tail or "") + value
        else:
            seg.text = (seg.text or "") + value

    for item in parser.items:
        if item[0] == "text":
            text(item[1])
        elif item[0] == "lone":
            etree.SubElement(seg, "ph").text = item[2]
        elif item[0] == "start":
            counter += 1
            stack.append(counter)
            etree.SubElement(seg, "bpt", i=str(counter)).text = item[2]
        elif item[0] == "end" and stack:
            etree.SubElement(seg, "ept", i=str(stack.pop())).text = f"</{item[1]}>"


def export(entries, *, source_language):
    """TMX 1.4 bytes of memory entries (a queryset or list) whose source language is `source_language`."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="Review", creationtoolversion="1", segtype="sentence", adminlang="en",
                     srclang=source_language, datatype="html", **{"o-tmf": "Review"})  # fmt: skip
    body = etree.SubElement(root, "body")
    for entry in entries:
        unit = etree.SubElement(body, "tu", changedate=entry.recorded_at.strftime("%Y%m%dT%H%M%SZ"))
        if entry.note:
            etree.SubElement(unit, "note").text = entry.note
        for language, html in ((entry.source_language, entry.source), (entry.target_language, entry.target)):
            variant = etree.SubElement(unit, "tuv", {XML_LANG: language})
            _fill(etree.SubElement(variant, "seg"), html)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')  # fmt: skip


def _html(seg):
    """A <seg> back to inline HTML: text escaped, each code's native markup as it is (sanitised by the caller)."""
    parts = [escape(seg.text or "", quote=False)]
    for child in seg:
        name = child.tag if isinstance(child.tag, str) else ""
        if name in ("bpt", "ept", "ph", "it"):
            parts.append("".join(child.itertext()))  # the native code, e.g. <strong>
        elif name in ("hi", "sub"):
            parts.append(_html(child))
        parts.append(escape(child.tail or "", quote=False))
    return "".join(parts)


def _language(value):
    """A TMX language (en-US, FR, pt-br) as one of the site's codes, or None."""
    value = (value or "").strip()
    codes = {code.lower(): code for code in language_codes()}
    return codes.get(value.lower()) or codes.get(value.split("-")[0].split("_")[0].lower())


def import_tmx(data, *, languages=None):
    """Add a TMX file's pairs to the memory: each unit's variant in the header's source language beside every other
    variant in one of the site's languages (`languages`: those the importer works in; None: all). All or nothing;
    returns how many pairs were read."""
    from articles.sanitize import sanitize_html
    from desk.exchange import hardened_xml
    from desk.memory import record

    if len(data) > MAX_BYTES:
        raise RuleBroken(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 2**20})
    root = hardened_xml(data, what="TMX", external_doctype=True)
    header = root.find("header")
    if root.tag != "tmx" or header is None:
        raise RuleBroken(_("This is not a TMX file."))
    source_language = _language(header.get("srclang"))
    if source_language is None:
        raise RuleBroken(_("The file's source language (“%(language)s”) is not one of the site's languages.")
                         % {"language": (header.get("srclang") or "")[:20]})  # fmt: skip
    pairs = {}
    for unit in root.iter("tu"):
        variants = {}
        for variant in unit.iterfind("tuv"):
            seg = variant.find("seg")
            language = _language(variant.get(XML_LANG) or variant.get("lang"))
            if seg is not None and language:
                variants[language] = sanitize_html(_html(seg))
        source = variants.pop(source_language, None)
        note = unit.findtext("note") or _("TMX import, %(date)s") % {"date": timezone.localdate().isoformat()}
        for language, target in variants.items():
            if source and target and (languages is None or language in languages):
                pairs.setdefault(language, []).append((source, target, note[:300]))
    if not pairs:
        raise RuleBroken(_("The file holds no pairs in languages you work in."))
    with transaction.atomic():
        return sum(record(source_language=source_language, target_language=language, pairs=found, origin=MemoryEntry.IMPORTED)
                   for language, found in pairs.items())  # fmt: skip
