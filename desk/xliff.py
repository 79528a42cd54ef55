"""XLIFF 2.0 (OASIS core) written and read here with lxml, valid against the core schema.

A unit per segment; its inline markup (`<strong>`, `<a href>`, `<br>` ...) as inline codes a CAT tool shows as tags
the translator moves but cannot break: a paired tag is a `<pc>` and a lone one (`<br>`) a `<ph>`, each pointing into
the unit's `<originalData>`, which holds the HTML of the code itself. Each unit says what it is in a note (the
piece's title and "Paragraph 3", "Figure 1 in the body: alt text" ...) and its segment's `state` (`initial` when
nothing is translated yet, `translated` when the language has a text there). Reading turns a target back into
HTML from the same original data; a code the unit does not have, or an element we never write, is refused.
"""

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from articles.errors import RuleBroken
from articles.segments import fed

NS = "urn:oasis:names:tc:xliff:document:2.0"
PAIRED_TYPES = {"a": "link", "strong": "fmt", "b": "fmt", "em": "fmt", "i": "fmt", "sub": "fmt", "sup": "fmt", "code": "fmt"}


def q(name):
    return f"{{{NS}}}{name}"


@dataclass
class Unit:
    id: str
    note: str
    source: str  # inner HTML
    target: str  # inner HTML, "" when not translated


class _Codes(HTMLParser):
    """Inline HTML as a flat list of ("text", str) / ("start", tag, raw) / ("end", tag) / ("lone", tag, raw)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        self.items.append(("lone", tag, raw) if tag in ("br", "img", "wbr") else ("start", tag, raw))

    def handle_startendtag(self, tag, attrs):
        self.items.append(("lone", tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        self.items.append(("text", data))


def _fill(parent, html, data):
    """Inline HTML into `parent` (a <source> or <target>) as text, <pc> and <ph>; `data`: {original markup: data id},
    filled as codes are met (the same markup in source and target shares one id)."""
    from lxml import etree

    parser = fed(_Codes(), html)
    stack = [parent]

    def data_id(markup):
        if markup not in data:
            data[markup] = f"d{len(data) + 1}"
        return data[markup]

    def append_text(text):
        node = stack[-1]
        if len(node):
            node[-1].tail = (node[-1].tail or "") + text
        else:
            node.text = (node.text or "") + text

    code = 0
    for item in parser.items:
        if item[0] == "text":
            append_text(item[1])
        elif item[0] == "lone":
            code += 1
            etree.SubElement(stack[-1], q("ph"), id=str(code), dataRef=data_id(item[2]), type="fmt")
        elif item[0] == "start":
            code += 1
            element = etree.SubElement(stack[-1], q("pc"), id=str(code), dataRefStart=data_id(item[2]),
                                       dataRefEnd=data_id(f"</{item[1]}>"), type=PAIRED_TYPES.get(item[1], "fmt"))  # fmt: skip
            stack.append(element)
        elif item[0] == "end" and len(stack) > 1:
            stack.pop()


def write(*, source_language, language, files):
    """XLIFF 2 bytes. `files`: [(file id, original, [Unit])] — one <file> per piece."""
    from lxml import etree

    root = etree.Element(q("xliff"), nsmap={None: NS}, version="2.0", srcLang=source_language, trgLang=language)
    for file_id, original, units in files:
        file = etree.SubElement(root, q("file"), id=file_id, original=original)
        for unit in units:
            element = etree.SubElement(file, q("unit"), id=unit.id)
            notes = etree.SubElement(element, q("notes"))
            etree.SubElement(notes, q("note"), category="location").text = unit.note
            data = {}
            original_data = etree.SubElement(element, q("originalData"))
            segment = etree.SubElement(element, q("segment"), state="translated" if unit.target else "initial")
            _fill(etree.SubElement(segment, q("source")), unit.source, data)
            if unit.target:
                _fill(etree.SubElement(segment, q("target")), unit.target, data)
            for markup, data_id in data.items():
                etree.SubElement(original_data, q("data"), id=data_id).text = markup
            if not data:
                element.remove(original_data)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def read(root):
    """(target language, [(unit id, source HTML, target HTML, [problem, ...])]) from a hardened XLIFF 2 document's root
    (desk.exchange.hardened_xml); XLIFF 1.2, or anything else, is refused."""
    if root.tag != q("xliff") or root.get("version") != "2.0":
        raise RuleBroken(_("This is not an XLIFF 2.0 file (XLIFF 1.2 is not read)."))
    units = []
    for unit in root.iter(q("unit")):
        original = {element.get("id"): element.text or "" for element in unit.iterfind(f"{q('originalData')}/{q('data')}")}
        sources, targets, problems = [], [], []
        for segment in unit.iter(q("segment"), q("ignorable")):
            source, target = segment.find(q("source")), segment.find(q("target"))
            sources.append(_html(source, original, problems) if source is not None else "")
            targets.append(_html(target, original, problems) if target is not None else "")
        units.append((unit.get("id") or "", "".join(sources), "".join(targets), problems))
    return root.get("trgLang") or "", units


def _html(element, original, problems):
    """A <source> or <target> back to inline HTML: text escaped, each code its original markup."""
    parts = [escape(element.text or "", quote=False)]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name == "ph":
            parts.append(_code(original, child.get("dataRef"), problems))
        elif name == "pc":
            parts.append(_code(original, child.get("dataRefStart"), problems))
            parts.append(_html(child, original, problems))
            parts.append(_code(original, child.get("dataRefEnd"), problems))
        elif name == "mrk":  # an annotation a tool may add: its text counts, the mark does not
            parts.append(_html(child, original, problems))
        elif name == "cp":
            problems.append(_("a control character (<cp>), which a text here cannot hold"))
        elif name:
            problems.append(_("an inline element this site never writes (<%(name)s>)") % {"name": name})
        parts.append(escape(child.tail or "", quote=False))
    return "".join(parts)


def _code(original, data_id, problems):
    if data_id is None:
        return ""
    if data_id not in original:
        problems.append(_("a tag that is not in the source (%(id)s)") % {"id": data_id})
        return ""
    return original[data_id]
