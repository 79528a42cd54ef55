"""A version's text as translation segments: its title, standfirst, each block of the body, each image's texts.

Translators, diffs, word counts and the exchange files (XLIFF, PO) all work on these units, so a
changed paragraph is one changed segment, never a run of words glued across paragraphs. The body
was sanitised on save (articles.sanitize): its inline markup is kept in `html`, safe to show.
"""

import re
from collections import namedtuple
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.translation import gettext as _

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "dt", "dd", "td", "th"}
CONTAINERS = {"ul", "ol", "dl", "div", "section", "article", "figure", "table", "thead", "tbody", "tr", "hr"}
VOID = {"br", "img", "hr", "wbr"}


Block = namedtuple("Block", "tag html text parent")  # parent: the list (ul, ol) or quote a block sits in, or ""


@dataclass(frozen=True)
class Segment:
    key: str  # stable within one text: "title", "standfirst", "body.3", "image.1.caption"
    kind: str  # "title", "standfirst", the block's tag ("p", "h2", "li"), "caption", "alt"
    html: str  # the segment's inner markup (inline tags kept, text escaped)
    text: str  # its plain text, whitespace collapsed
    parent: str = ""  # for a body block: the list or quote it sits in

    @property
    def words(self):
        return len(self.text.split())

    @property
    def number(self):
        """The block's or image's place, from 1 (None for title and standfirst)."""
        parts = self.key.split(".")
        return int(parts[1]) if len(parts) > 1 else None


class _BlockParser(HTMLParser):
    """The blocks of rich text, and the text itself as it came, token by token (`out`), with where each block's inner
    markup lies in it (`ranges`) and where each <img> is (`images`: token index, alt text), so that a translation can
    be laid into the source's own structure (`rebuild_body`): figures, attributes and all."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.open, self.html, self.text, self.containers = [], [], [], [], []
        self.out, self.run, self.ranges, self.images = [], 0, [], []

    def _flush(self):
        text = " ".join("".join(self.text).split())
        if text:
            tag = self.open[-1] if self.open else "p"
            parents = [t for t in (*self.containers, *self.open[:-1]) if t in ("ul", "ol", "blockquote")]
            self.blocks.append(Block(tag, "".join(self.html).strip(), text, parents[-1] if parents else ""))
            self.ranges.append((self.run, len(self.out)))
        self.html, self.text = [], []

    def _structure(self, token):
        """A block's or a container's own tag: it ends the run of inline markup before it and starts the next."""
        self._flush()
        self.out.append(token)
        self.run = len(self.out)

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in BLOCKS or tag in CONTAINERS:
            self._structure(raw)
            if tag in BLOCKS:
                self.open.append(tag)
            elif tag not in VOID:
                self.containers.append(tag)
            return
        self.out.append(raw)
        if tag == "br":
            self.html.append("<br>")
            self.text.append(" ")
        elif tag == "img":
            self.images.append((len(self.out) - 1, dict(attrs).get("alt") or ""))
        elif tag not in VOID:
            rendered = "".join(f' {name}="{escape(value or "")}"' for name, value in attrs)
            self.html.append(f"<{tag}{rendered}>")

    def handle_endtag(self, tag):
        if tag in BLOCKS or tag in CONTAINERS:
            self._structure(f"</{tag}>")
            if tag in self.open:
                while self.open.pop() != tag:
                    pass
            elif tag in self.containers:
                while self.containers.pop() != tag:
                    pass
        elif tag not in VOID:
            self.html.append(f"</{tag}>")
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.html.append(escape(data, quote=False))
        self.text.append(data)
        self.out.append(escape(data, quote=False))

    def close(self):
        super().close()
        self._flush()


def fed(parser, html):
    """An HTMLParser that has read `html` (None: nothing) to its end."""
    parser.feed(html or "")
    parser.close()
    return parser


def _parsed(html):
    return fed(_BlockParser(), html)


def body_blocks(html):
    """[Block(tag, inner_html, text, parent)] for each paragraph, heading, list item, quote ... of rich text, in order."""
    return _parsed(html).blocks


def figure_alts(html):
    """The alt text of each picture in rich text (a body's figures), in order, numbered from 1 by `figure.N.alt`."""
    return [alt for _index, alt in _parsed(html).images]


def rebuild_body(source_html, blocks, alts=None):
    """The source's rich text with the inner markup of block N replaced by `blocks[N]` and the alt text of picture N
    by `alts[N]` (numbered from 1, as `segments` numbers them); everything else (figures, lists, attributes) is
    the source's own. A picture inside a replaced block is kept, before the block's new text."""
    parser = _parsed(source_html)
    out = list(parser.out)
    images = dict(parser.images)
    for number, (start, end) in enumerate(parser.ranges, start=1):
        if number in blocks:
            kept = [out[index] for index in range(start, end) if index in images]
            out[start:end] = ["".join([*kept, blocks[number]]), *[""] * (end - start - 1)]
    for number, (index, _alt) in enumerate(parser.images, start=1):
        if alts and number in alts and out[index]:
            out[index] = _with_alt(out[index], alts[number])
    return "".join(out)


def plain(value):
    return " ".join(str(value or "").split())


def plain_text(html):
    """Inline HTML as the plain text a reader sees: tags dropped, entities read, whitespace collapsed."""
    from html import unescape

    from django.utils.html import strip_tags

    return plain(unescape(strip_tags(html or "")))


def image_segments(usages):
    """Each image's caption and alt text, numbered from 1 in the order the images appear."""
    segments = []
    for number, usage in enumerate(sorted(usages, key=lambda u: u.get("order") or 0), start=1):
        for part in ("caption", "alt_text"):
            text = plain(usage.get(part))
            if text and not (part == "alt_text" and usage.get("decorative")):
                kind = "caption" if part == "caption" else "alt"
                segments.append(Segment(f"image.{number}.{kind}", kind, escape(text, quote=False), text))
    return segments


def _with_alt(img_tag, alt):
    """An <img ...> start tag with its alt attribute set to `alt` (escaped)."""
    attribute = f'alt="{escape(alt)}"'
    if re.search(r'\balt="[^"]*"', img_tag):
        return re.sub(r'\balt="[^"]*"', lambda _match: attribute, img_tag)
    return img_tag[:4] + f" {attribute}" + img_tag[4:]


def segments(texts):
    """The segments of `texts`: a dict with title, standfirst, body (rich text) and images (usage dicts)."""
    result = []
    for field in ("title", "standfirst"):
        text = plain(texts.get(field))
        if text:
            result.append(Segment(field, field, escape(text, quote=False), text))
    parsed = _parsed(texts.get("body"))
    for number, block in enumerate(parsed.blocks, start=1):
        result.append(Segment(f"body.{number}", block.tag, block.html, block.text, block.parent))
    for number, (_index, alt) in enumerate(parsed.images, start=1):
        if plain(alt):
            result.append(Segment(f"figure.{number}.alt", "alt", escape(plain(alt), quote=False), plain(alt)))
    return result + image_segments(texts.get("images") or [])


def image_label(segment):
    number = segment.number
    if segment.key.startswith("figure."):
        return _("Figure %(number)s in the body: alt text") % {"number": number}
    if segment.kind == "caption":
        return _("Image %(number)s: caption") % {"number": number}
    return _("Image %(number)s: alt text") % {"number": number}


def word_count(texts):
    return sum(segment.words for segment in segments(texts))


def build_body(blocks):
    """Rich text from [(tag, parent, inner_html)]: each block in its element, list items in their list, quotes quoted.

    The inverse of `body_blocks` for what the editor writes (paragraphs, headings, lists, quotes)."""
    out, open_list = [], None
    for tag, parent, inner in blocks:
        if tag == "li":
            kind = parent if parent in ("ul", "ol") else "ul"
            if open_list != kind:
                out.append(f"</{open_list}>" if open_list else "")
                out.append(f"<{kind}>")
                open_list = kind
            out.append(f"<li>{inner}</li>")
            continue
        if open_list:
            out.append(f"</{open_list}>")
            open_list = None
        element = tag if tag in ("p", "h2", "h3", "h4", "pre") else "p"
        html = f"<{element}>{inner}</{element}>"
        out.append(f"<blockquote>{html}</blockquote>" if tag == "blockquote" or parent == "blockquote" else html)
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)
