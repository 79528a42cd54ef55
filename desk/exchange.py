"""XLIFF 2 and PO exchange with translation agencies: XLIFF written and read here (desk.xliff, valid against the
OASIS core schema, inline markup as codes), PO by translate-toolkit.

A file holds one target language and one or more pieces. Each segment of a piece (title, standfirst, each body
block with its inline markup, each body figure's alt text, each image's caption and alt text) is one unit whose id
names the piece, the source revision the file was made from, the translation's own revision when it was made (0:
none yet) and the segment: ``p12-r5-t3-body.3``. Importing checks the whole file first (its size, that it declares
no DTD or entities, its structure, the language, every piece against the person's rights, the source's history and
the translation's revision (a file made before the translation last changed is refused), and every translated
segment against its source (desk.qa: tags, links, numbers)) and only then writes, through the services, one draft
per piece: created if missing, its body laid into the source's own structure (figures kept), marked current only
against the revision the file records, and only when every unit is translated.
"""

import codecs
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from articles import policies, services
from articles.errors import Conflict, NotAllowed, RuleBroken
from articles.languages import language_codes, language_info
from articles.models import PieceVersion
from articles.segments import segments
from desk import qa, workbench, xliff
from desk.states import segment_label

UNIT_ID = re.compile(
    r"^p(\d{1,12})-r(\d{1,9})(?:-t(\d{1,9}))?-(title|standfirst|body\.\d{1,5}|figure\.\d{1,4}\.alt|image\.\d{1,4}\.(?:caption|alt))$"
)
XLIFF, PO = "xliff", "po"
FORMATS = {XLIFF: ("xlf", "application/xliff+xml"), PO: ("po", "text/x-gettext-translation")}


def _limit():
    return getattr(settings, "REVIEW_EXCHANGE_MAX_BYTES", 5 * 2**20)


def unit_id(source, key, translation=None):
    """A unit's id: the piece, the source's revision, the translation's own revision (0: none yet) and the segment."""
    return f"p{source.piece_id}-r{source.content_revision}-t{translation.content_revision if translation else 0}-{key}"


# Export ---------------------------------------------------------------------------------------------


def export(*, sources, language, by, fmt):
    """(file name, bytes, content type) of an exchange file asking for `sources` in `language`.

    Every source must be readable by `by`, who must work in `language`; all must share one source language.
    """
    from translate.storage import po

    if fmt not in FORMATS:
        raise RuleBroken(_("Choose XLIFF 2 or PO."))
    if language not in language_codes():
        raise RuleBroken(_("“%(language)s” is not one of the site’s languages.") % {"language": language})
    if by is not None and not policies.may_edit_language(by, language):
        raise NotAllowed(_("You do not work in “%(language)s”.") % {"language": language})
    sources = [version.source_version() for version in sources]
    sources = list({source.pk: source for source in sources if source}.values())
    if not sources:
        raise RuleBroken(_("Choose at least one piece."))
    if by is not None and not all(policies.may_read_version(by, source) for source in sources):
        raise NotAllowed(_("One of these pieces is not published yet: an editor can export it."))
    source_languages = {source.language for source in sources}
    if len(source_languages) > 1:
        raise RuleBroken(_("These pieces have sources in different languages: export them one source language at a time."))
    (source_language,) = source_languages
    if source_language == language:
        raise RuleBroken(_("The pieces are written in that language: choose another language."))
    existing = {v.piece_id: v for v in PieceVersion.objects.filter(piece_id__in=[s.piece_id for s in sources], language=language)}

    extension, content_type = FORMATS[fmt]
    name = f"review-{source_language}-{language}-{len(sources)}-pieces.{extension}"
    units = {source.piece_id: _units(source, existing.get(source.piece_id)) for source in sources}
    if fmt == XLIFF:
        files = [(f"p{source.piece_id}", source.get_absolute_url(), units[source.piece_id]) for source in sources]
        return name, xliff.write(source_language=source_language, language=language, files=files), content_type
    store = po.pofile()
    store.updateheader(add=True, Language=language, X_Review_Source_Language=source_language,
                       Content_Type="text/plain; charset=UTF-8")  # fmt: skip
    for source in sources:
        for item in units[source.piece_id]:
            unit = store.UnitClass(item.source)
            unit.setcontext(item.id)
            unit.addnote(item.note, origin="developer")
            if item.target:
                unit.target = item.target
            store.addunit(unit)
    return name, bytes(store), content_type


def _units(source, translation):
    """A piece's units, whatever the format: each segment of the source with its id, its note and the translation's
    text there (if any)."""
    # What the translator would see in the segment editor: the pending changes of a published translation, if any.
    targets = {segment.key: segment.html for segment in segments(workbench.working_texts(translation))} if translation else {}
    return [
        xliff.Unit(unit_id(source, segment.key, translation), f"{source.title} — {segment_label(segment)}", segment.html,
                   targets.get(segment.key, ""))
        for segment in segments(services.texts_of(source))
    ]  # fmt: skip


# Import ---------------------------------------------------------------------------------------------


@dataclass
class Imported:
    version: PieceVersion
    created: bool
    complete: bool
    revision: int


def read_upload(upload):
    """The upload's bytes, refused when too large (read at most one byte past the limit)."""
    data = upload.read(_limit() + 1)
    if len(data) > _limit():
        raise RuleBroken(_("The file is larger than %(size)d MB.") % {"size": _limit() // 2**20})
    if not data.strip():
        raise RuleBroken(_("The file is empty."))
    return data


# A byte order mark, or the first character "<" in UTF-16 or UTF-32 without one: an XML file in any encoding.
XML_STARTS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
              b"<\x00\x00\x00", b"\x00\x00\x00<", b"<\x00", b"\x00<")  # fmt: skip


def looks_like_xml(data, name=""):
    """Whether an upload is XML (XLIFF), whatever its encoding; otherwise it is read as PO."""
    head = data[:64].lstrip(b" \t\r\n")
    return head.startswith((b"<", *XML_STARTS)) or name.lower().endswith((".xlf", ".xliff"))


def hardened_xml(data, *, what="XLIFF 2", external_doctype=False):
    """The document's root element, parsed by libxml2 with every door shut at parse time: no DTD loaded, no entity expanded
    (internal, external or a billion laughs), no network, no huge tree; a file that declares a DTD or entities is
    refused, in whatever encoding it came (a check of the raw bytes misses UTF-16 and UTF-32). `external_doctype`:
    a bare `<!DOCTYPE x SYSTEM "x.dtd">` is let through (TMX files name theirs; it is never loaded)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, dtd_validation=False)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except (etree.XMLSyntaxError, ValueError):
        raise RuleBroken(_("This is not a valid %(format)s file.") % {"format": what}) from None
    subset = tree.docinfo.internalDTD  # libxml2 makes one for any DOCTYPE; only declarations in it matter
    declares = subset is not None and (len(list(subset.iterentities())) > 0 or len(subset.elements()) > 0)
    if (
        (tree.docinfo.doctype and not external_doctype)
        or declares
        or any(isinstance(node, etree._Entity) for node in tree.getroot().iter())
    ):
        raise RuleBroken(_("The file declares a DTD or entities; exchange files never need them. It was not read."))
    return tree.getroot()


def parse(data, name=""):
    """(target language, [(unit id, source, target, [problem])]) from XLIFF 2 or PO bytes, or a RuleBroken saying what is
    wrong (a unit's problems: what its XLIFF codes broke)."""
    from translate.storage import po

    if looks_like_xml(data, name):
        root = hardened_xml(data)  # parsed once, no DTD, no entity: what desk.xliff reads
        try:
            language, units = xliff.read(root)
        except RuleBroken:
            raise
        except Exception:  # lxml raises many kinds; all mean the same to the person
            raise RuleBroken(_("This is not a valid XLIFF 2 file.")) from None
    else:
        try:
            store = po.pofile.parsestring(data)
        except Exception:
            raise RuleBroken(_("This is neither a valid PO file nor an XLIFF 2 file.")) from None
        language = store.parseheader().get("Language", "")
        units = [(unit.getcontext(), str(unit.source or ""), str(unit.target or ""), []) for unit in store.units if not unit.isheader()]
    if language not in language_codes():
        raise RuleBroken(_("The file does not name one of the site’s languages as its target (it says “%(language)s”).")
                         % {"language": (language or "")[:20]})  # fmt: skip
    if not units:
        raise RuleBroken(_("The file holds no units to import."))
    return language, units


def import_file(*, upload, by):
    """Import an exchange file: every piece's translation drafted or updated, or, if anything is wrong, nothing."""
    data = read_upload(upload)
    language, units = parse(data, getattr(upload, "name", ""))
    if by is not None and not policies.may_edit_language(by, language):
        raise NotAllowed(
            _("This file is for %(language)s, which you do not translate.") % {"language": language_info(language)["name_local"]}
        )
    with transaction.atomic():  # checked and written in one transaction: a second import of the piece waits, then is stale
        plan = _plan(units, language, by)
        return [_apply(item, language, by) for item in plan]


def _plan(units, language, by):
    """Check every unit against the pieces, their history and the translation's revision, and every translated
    segment against its source (desk.qa), before anything is written; every problem of the file is said at once."""
    pieces = {}
    for raw_id, _source, target, problems in units:
        match = UNIT_ID.match(raw_id or "")
        if not match:
            raise RuleBroken(
                _("The unit “%(id)s” is not one this site wrote; the file's structure was changed.") % {"id": (raw_id or "")[:60]}
            )
        piece_id, revision, made, key = int(match[1]), int(match[2]), match[3], match[4]
        entry = pieces.setdefault(piece_id, {"revision": revision, "made": made, "targets": {}, "problems": {}})
        if entry["revision"] != revision or entry["made"] != made:
            raise RuleBroken(_("The units of one piece name two source revisions; the file was mixed from two exports."))
        entry["targets"][key] = target
        if problems:
            entry["problems"][key] = problems
    sources = {a.piece_id: a for a in PieceVersion.objects.filter(piece_id__in=pieces, piece__source=F("pk")).select_related("piece")}
    translations = PieceVersion.objects.filter(piece_id__in=pieces, language=language).select_for_update().order_by("pk")
    existing = {v.piece_id: v for v in translations}
    plan, careless = [], []
    for piece_id, entry in pieces.items():
        source = sources.get(piece_id)
        if source is None:
            raise RuleBroken(_("The file names a piece that no longer exists (%(id)s).") % {"id": piece_id})
        if by is not None and not policies.may_read_version(by, source):
            raise NotAllowed(_("The file names a piece you may not translate yet."))
        if source.language == language:
            raise RuleBroken(_("The file would overwrite the source of “%(title)s”.") % {"title": source.title})
        translation = existing.get(piece_id)
        now = translation.content_revision if translation else 0
        if entry["made"] is not None and int(entry["made"]) != now:
            raise RuleBroken(
                _("“%(title)s” in this language changed after the file was made (revision %(then)s, now %(now)s): importing it "
                  "would overwrite the newer text. Export it again.") % {"title": source.title, "then": entry["made"], "now": now}
            )  # fmt: skip
        revision = entry["revision"]
        then = services.source_text_at(source, revision) if revision <= source.content_revision else None
        if then is None:
            raise RuleBroken(_("The file was made from a text of “%(title)s” this site does not know (revision %(revision)s).")
                             % {"title": source.title, "revision": revision})  # fmt: skip
        expected = {segment.key: segment for segment in segments(then)}
        unknown = set(entry["targets"]) - set(expected)
        if unknown:
            raise RuleBroken(
                _("The file has units that “%(title)s” never had: %(keys)s.") % {"title": source.title, "keys": ", ".join(sorted(unknown))}
            )
        for key, segment in expected.items():
            target = (entry["targets"].get(key) or "").strip()
            found = [*entry["problems"].get(key, []), *(qa.problems(segment.html, target) if target else [])]
            careless += [f"“{source.title}”, {segment_label(segment)}: {problem}" for problem in found]
        plan.append({"source": source, "revision": revision, "then": then, "expected": expected, "targets": entry["targets"],
                     "seen": translation.content_revision if translation else None})  # fmt: skip
    if careless:
        raise RuleBroken(_("Nothing was imported. Mend these segments and import the file again: %(list)s")
                         % {"list": " · ".join(careless[:40]) + (" …" if len(careless) > 40 else "")})  # fmt: skip
    return plan


def _apply(item, language, by):
    source, revision, expected, targets = item["source"], item["revision"], item["expected"], item["targets"]
    version = PieceVersion.objects.filter(piece_id=source.piece_id, language=language).first()
    if (version.content_revision if version else None) != item["seen"]:  # another import or save came between
        raise Conflict(_("“%(title)s” in this language changed while the file was being imported: nothing was imported. "
                         "Export it again.") % {"title": source.title})  # fmt: skip
    created = version is None
    if created:
        version = services.create_translation(source=source, language=language, by=by, made_from=revision)
    translated = {key: (targets.get(key) or "").strip() for key in expected}
    complete = all(translated.values())
    saved = workbench.write(version=version, by=by, source=source, revision=revision, then=item["then"], targets=translated,
                            complete=complete)  # fmt: skip
    if revision == source.content_revision:  # segment states hold against the source as it is now
        workbench.mark_translated(saved, {key: (expected[key].html, target) for key, target in translated.items()})
    return Imported(saved, created, complete, revision)
