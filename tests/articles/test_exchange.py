"""XLIFF 2 and PO exchange with agencies (issue 12): export, translate outside, import through the admin."""

import codecs
import copy
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from translate.storage import po, xliff2

from articles import services
from articles.models import PieceVersion
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
LIST = "/admin/articles/pieceversion/"
EXPORT = f"{LIST}exchange/export/"
IMPORT = f"{LIST}exchange/import/"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"  # ../shared/schemas beside the repository
BODY = "<p>Acquiring a weapon is <strong>hard</strong>.</p><ul><li>Material is <em>easier</em>.</li><li>Bluff matters.</li></ul>"


@pytest.fixture
def pieces():
    isil = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    odessa = PieceVersion.objects.get(language="en", slug="odessa-ukraines-secret-weapon")
    services.save_version(version=isil, by=None, changes={"body": BODY}, go_live=True)
    return [PieceVersion.objects.get(pk=isil.pk), odessa]


def download(user, versions, language="fr", fmt="xliff"):
    ids = ",".join(str(v.pk) for v in versions)
    response = user.post(EXPORT, {"ids": ids, "language": language, "format": fmt})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"], response.content[:500]
    return response.content


def translated(data, fmt, prefix="FR "):
    """What an agency sends back: every unit's target is “FR ” and the source, markup kept. XLIFF as a CAT tool
    does it, with plain lxml: the source copied into the target, its inline codes (<pc>, <ph>) as they are; PO with
    translate-toolkit."""
    if fmt == "xliff":
        root = etree.fromstring(data)
        for segment in root.iter(f"{{{XLIFF_NS}}}segment"):
            for old in segment.findall(f"{{{XLIFF_NS}}}target"):
                segment.remove(old)
            target = copy.deepcopy(segment.find(f"{{{XLIFF_NS}}}source"))
            target.tag = f"{{{XLIFF_NS}}}target"
            target.text = prefix + (target.text or "")
            segment.append(target)
            segment.set("state", "translated")
        return etree.tostring(root, encoding="utf-8", xml_declaration=True)
    store = po.pofile.parsestring(data)
    for unit in store.units:
        if not unit.isheader():
            unit.target = f"{prefix}{unit.source}"
    return bytes(store)


def upload(user, data, name):
    return user.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.mark.parametrize("fmt, name", [("xliff", "agency.xlf"), ("po", "agency.po")])
def test_round_trip_drafts_both_pieces_with_markup_intact_and_current_against_the_files_revision(translator, pieces, fmt, name):
    isil, odessa = pieces
    data = download(translator, pieces, fmt=fmt)
    assert f"p{isil.piece_id}-r{isil.content_revision}-t0-body.1".encode() in data
    response = upload(translator, translated(data, fmt), name)
    assert response.status_code == 200 and "draft created" in response.content.decode()

    french = PieceVersion.objects.get(piece=isil.piece, language="fr")
    assert french.title == f"FR {isil.title}" and french.status == "draft"
    assert french.body == (
        "<p>FR Acquiring a weapon is <strong>hard</strong>.</p><ul><li>FR Material is <em>easier</em>.</li><li>FR Bluff matters.</li></ul>"
    )
    assert french.image_usages.get().caption == f"FR {isil.image_usages.get().caption}"
    assert french.translated_from_revision == isil.content_revision and not french.is_outdated()
    assert PieceVersion.objects.get(piece=odessa.piece, language="fr").title == f"FR {odessa.title}"

    # The agency's second delivery, of a new export, updates the drafts, it does not duplicate them; the first file
    # again is refused: the French changed after it was made.
    again = translated(download(translator, pieces, fmt=fmt), fmt, prefix="FRB ")
    answer = upload(translator, again, name).content.decode()
    assert "imported, up to date" in answer and "Nothing was imported" not in answer
    assert PieceVersion.objects.get(piece=isil.piece, language="fr").title == f"FRB {isil.title}"
    stale = upload(translator, translated(data, fmt), name).content.decode()
    assert "changed after the file was made" in stale and "Export it again" in stale
    assert PieceVersion.objects.get(piece=isil.piece, language="fr").title == f"FRB {isil.title}"


@pytest.mark.parametrize("fmt, name", [("xliff", "agency.xlf"), ("po", "agency.po")])
def test_a_file_made_from_an_older_source_leaves_the_translation_outdated(translator, pieces, fmt, name):
    isil = pieces[0]
    data = download(translator, [isil], fmt=fmt)
    services.save_version(version=isil, by=None, changes={"standfirst": "A new standfirst after the export."}, go_live=True)
    upload(translator, translated(data, fmt), name)
    french = PieceVersion.objects.get(piece=isil.piece, language="fr")
    isil.refresh_from_db()
    assert french.translated_from_revision == isil.content_revision - 1 and french.is_outdated()


@pytest.mark.parametrize("fmt, name", [("xliff", "agency.xlf"), ("po", "agency.po")])
def test_a_german_file_imported_by_the_french_translator_is_refused(translator, pieces, fmt, name):
    editor = AdminUser("editor", "review-editor")
    data = translated(download(editor, pieces, language="de", fmt=fmt), fmt)
    assert translator.post(IMPORT, {"file": SimpleUploadedFile(name, data)}).status_code == 403
    assert not PieceVersion.objects.filter(language="de", piece__in=[p.piece for p in pieces]).exists()
    assert translator.post(EXPORT, {"ids": str(pieces[0].pk), "language": "de", "format": fmt}).status_code == 200  # not offered
    assert not PieceVersion.objects.filter(language="de").exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr"><file id="f"><unit id="x">
<segment><source>&lol3;</source></segment></unit></file></xliff>"""


HOSTILE = {  # name: (the file's bytes, made only when its test runs: 50 MB must not live all session; the message)
    "bad.xlf": (lambda: b"<?xml version='1.0'?><xliff version='2.0'><file>", "not a valid XLIFF 2 file"),
    "lolz.xlf": (lambda: BILLION_LAUGHS, "declares a DTD or entities"),
    "huge.xlf": (lambda: b"<?xml version='1.0'?>" + b" " * (50 * 2**20), "larger than 5 MB"),
    "old.xlf": (lambda: b'<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file/></xliff>',
                "not an XLIFF 2.0 file"),
    "bad.po": (lambda: b'msgid "a"\nmsgstr "b\n\x00', "neither a valid PO file"),
    "huge.po": (lambda: b'msgid ""\nmsgstr "Language: fr\\n"\n' + b"# padding\n" * (5 * 2**20), "larger than 5 MB"),
    "empty.po": (lambda: b"", "file is empty"),
    "nolang.po": (lambda: b'msgid ""\nmsgstr "Language: zz\\n"\n\nmsgctxt "p1-r1-title"\nmsgid "a"\nmsgstr "b"\n', "does not name one"),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_malformed_and_hostile_files_are_refused_with_a_message(translator, pieces, name):
    make, message = HOSTILE[name]
    before = list(PieceVersion.objects.values_list("pk", "title", "body"))
    response = upload(translator, make(), name)
    assert response.status_code == 200 and message in response.content.decode()
    assert list(PieceVersion.objects.values_list("pk", "title", "body")) == before


def test_a_file_whose_structure_was_changed_is_refused_as_a_whole(translator, pieces):
    data = translated(download(translator, pieces), "xliff")
    isil = pieces[0]
    prefix = f"p{isil.piece_id}-r{isil.content_revision}-t0"
    assert isil.content_revision > 1
    forged = data.replace(f"{prefix}-body.2".encode(), f"{prefix}-body.99".encode())
    response = upload(translator, forged, "agency.xlf")
    assert "never had: body.99" in response.content.decode()
    assert not PieceVersion.objects.filter(language="fr", piece__in=[p.piece for p in pieces]).exists()  # not even the other piece
    mixed = data.replace(f"{prefix}-title".encode(), f"p{isil.piece_id}-r1-t0-title".encode())
    assert "two source revisions" in upload(translator, mixed, "agency.xlf").content.decode()


ENCODINGS = {  # name: (declared, how the text becomes bytes)
    "UTF-8": ("UTF-8", lambda text: text.encode("utf-8")),
    "UTF-16 LE": ("UTF-16", lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
    "UTF-16 BE": ("UTF-16", lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
    "UTF-32": ("UTF-32", lambda text: codecs.BOM_UTF32_LE + text.encode("utf-32-le")),
}
DECLARATIONS = {  # name: what goes between the XML declaration and <xliff>, and what a unit's source says
    "internal entity": ('<!DOCTYPE xliff [<!ENTITY secret "EXPANDED-INTERNAL">]>', "&secret;"),
    "external entity": ('<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/hostname">]>', "&secret;"),
    "billion laughs": (BILLION_LAUGHS.decode().split("\n", 1)[1].split("<xliff", 1)[0], "&lol3;"),
    "parameter entity": ('<!DOCTYPE xliff [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>', "x"),
}


def encoded(text, encoding):
    declared, encode = ENCODINGS[encoding]
    return encode(re.sub(r"""encoding=(['"])[^'"]+\1""", f'encoding="{declared}"', text, count=1))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_xliff_in_any_encoding_is_read(translator, pieces, encoding):
    text = translated(download(translator, pieces), "xliff").decode("utf-8")
    response = upload(translator, encoded(text, encoding), "agency.data")  # recognised as XML by its content alone
    assert "draft created" in response.content.decode(), response.content.decode()[-2000:]
    assert PieceVersion.objects.get(piece=pieces[0].piece, language="fr").title == f"FR {pieces[0].title}"


@pytest.mark.parametrize("declaration", DECLARATIONS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_dtds_and_entities_are_refused_in_every_encoding(translator, pieces, encoding, declaration):
    text = translated(download(translator, pieces), "xliff").decode("utf-8")
    doctype, reference = DECLARATIONS[declaration]
    text = text.replace("<xliff", f"{doctype}\n<xliff", 1)
    text = re.sub(r"(<target[^>]*>)", rf"\1{reference}", text, count=1)
    before = list(PieceVersion.objects.values_list("pk", "title", "body"))
    response = upload(translator, encoded(text, encoding), "agency.xlf")
    page = response.content.decode()
    assert response.status_code == 200 and "declares a DTD or entities" in page, page[-1500:]
    assert list(PieceVersion.objects.values_list("pk", "title", "body")) == before
    assert "EXPANDED-INTERNAL" not in page


# XLIFF 2 as the standard has it (issue 28) -------------------------------------------------------------------------

CARELESS_BODY = (
    '<p>In 2014, <strong>32</strong> ships and 300,000 sailors sailed, as <a href="https://www.nato.int/">NATO</a> '
    "reported.</p><p>Nothing else.</p>"
)


def test_the_xliff_export_is_valid_xliff_2_with_inline_codes_states_and_notes(translator, pieces):
    isil = pieces[0]
    data = download(translator, pieces)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    document = etree.fromstring(data)
    assert schema.validate(document), schema.error_log
    unit = document.find(f".//{{{XLIFF_NS}}}unit[@id='p{isil.piece_id}-r{isil.content_revision}-t0-body.1']")
    source = unit.find(f"{{{XLIFF_NS}}}segment/{{{XLIFF_NS}}}source")
    (code,) = source.findall(f"{{{XLIFF_NS}}}pc")  # <strong> as a paired code, its markup in the unit's original data
    data_of = {element.get("id"): element.text for element in unit.iter(f"{{{XLIFF_NS}}}data")}
    assert (data_of[code.get("dataRefStart")], data_of[code.get("dataRefEnd")], code.text) == ("<strong>", "</strong>", "hard")
    assert "&lt;" not in etree.tostring(source).decode()  # no markup as escaped text
    assert unit.find(f"{{{XLIFF_NS}}}segment").get("state") == "initial"
    assert unit.findtext(f"{{{XLIFF_NS}}}notes/{{{XLIFF_NS}}}note") == f"{isil.title} — Paragraph 1"
    # Translated, it is still valid, says so, and an independent reader (translate-toolkit) finds every unit by its id.
    back = translated(data, "xliff")
    assert schema.validate(etree.fromstring(back)), schema.error_log
    ids = {unit.getid() for unit in xliff2.Xliff2File.parsestring(back).units}
    assert f"p{isil.piece_id}-r{isil.content_revision}-t0-title" in ids and len(ids) == len(document.findall(f".//{{{XLIFF_NS}}}unit"))


def test_body_figures_survive_the_round_trip_with_their_alt_text_and_caption_translated(translator, pieces, make_image):
    isil = pieces[0]
    image = make_image(title="Baltic map")
    body = (f'<p>Before.</p><figure class="figure"><img src="/x.jpg" alt="A map of the Baltic" data-file="{image.pk}">'
            "<figcaption>The Baltic Sea <em>today</em></figcaption></figure><p>After.</p>")  # fmt: skip
    services.save_version(version=isil, by=None, changes={"body": body}, go_live=True)
    isil.refresh_from_db()
    data = download(translator, [isil])
    assert b"-t0-figure.1.alt" in data and b"Figure caption 2" in data
    assert "draft created" in upload(translator, translated(data, "xliff"), "agency.xlf").content.decode()
    french = PieceVersion.objects.get(piece=isil.piece, language="fr")
    assert f'data-file="{image.pk}"' in french.body and 'alt="FR A map of the Baltic"' in french.body
    assert "<figcaption>FR The Baltic Sea <em>today</em></figcaption>" in french.body
    assert french.body.startswith("<p>FR Before.</p><figure") and french.body.endswith("<p>FR After.</p>")


@pytest.mark.parametrize("fmt, name", [("xliff", "agency.xlf"), ("po", "agency.po")])
def test_a_careless_file_is_refused_with_a_message_per_segment(translator, pieces, fmt, name):
    isil = pieces[0]
    services.save_version(version=isil, by=None, changes={"body": CARELESS_BODY}, go_live=True)
    isil.refresh_from_db()
    good = translated(download(translator, [isil], fmt=fmt), fmt)
    # A dropped link, a bold left open and changed figures (32 → 23, 300,000 → 30,000).
    if fmt == "xliff":
        root = etree.fromstring(good)
        target = root.find(f".//{{{XLIFF_NS}}}unit[@id='p{isil.piece_id}-r{isil.content_revision}-t0-body.1']//{{{XLIFF_NS}}}target")
        link = next(code for code in target.iter(f"{{{XLIFF_NS}}}pc") if code.get("type") == "link")
        link.getparent().remove(link)  # the link and its text gone
        strong = next(target.iter(f"{{{XLIFF_NS}}}pc"))
        strong.text = "23"
        target.text = target.text.replace("300,000", "30,000")
        strong.tail = (strong.tail or "").replace("300,000", "30,000")
        careless = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    else:
        store = po.pofile.parsestring(good)
        (unit,) = [unit for unit in store.units if unit.getcontext().endswith("-body.1")]
        unit.target = "FR In 2014, <strong>23 ships and 30,000 sailors sailed, as NATO reported."
        careless = bytes(store)
    answer = re.sub(r"\s+", " ", upload(translator, careless, name).content.decode())
    assert "Nothing was imported" in answer
    assert "Paragraph 1: a link of the source is missing" in answer
    assert "numbers differ from the source (missing: 32, 300000; not in the source: 23, 30000)" in answer
    if fmt == "po":
        assert "Paragraph 1: the &lt;strong&gt; tag is opened and never closed" in answer
    assert not PieceVersion.objects.filter(piece=isil.piece, language="fr").exists()
    assert "draft created" in upload(translator, good, name).content.decode()  # the careful file goes in


def test_a_file_translated_with_translate_toolkit_keeps_its_inline_codes_and_figures(translator, pieces, make_image):
    """The agency's side done by an independent library: translate-toolkit's XLIFF 2 reader and writer, its rich
    targets (text, <pc>, <ph>) made from each unit's rich source, then imported here."""
    from translate.storage.placeables import StringElem

    isil = pieces[0]
    image = make_image(title="Baltic map")
    body = (f'<p>Acquiring is <strong>hard</strong>,<br>see <a href="https://example.org/">this</a>.</p><figure class="figure">'
            f'<img src="/x.jpg" alt="A map of the Baltic" data-file="{image.pk}"><figcaption>The Baltic <em>today</em></figcaption>'
            "</figure>")  # fmt: skip
    services.save_version(version=isil, by=None, changes={"body": body}, go_live=True)
    isil.refresh_from_db()
    store = xliff2.Xliff2File.parsestring(download(translator, [isil]))
    for unit in store.units:
        unit.rich_target = [StringElem([StringElem(["TK "]), *unit.rich_source[0].sub])]
    assert "draft created" in upload(translator, bytes(store), "agency.xlf").content.decode()
    french = PieceVersion.objects.get(piece=isil.piece, language="fr")
    assert re.search(r'<p>TK Acquiring is <strong>hard</strong>,<br>see <a href="https://example.org/"[^>]*>this</a>\.</p>', french.body)
    assert f'data-file="{image.pk}"' in french.body and 'alt="TK A map of the Baltic"' in french.body
    assert "<figcaption>TK The Baltic <em>today</em></figcaption>" in french.body
