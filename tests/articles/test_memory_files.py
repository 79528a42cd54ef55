"""The translation memory and the glossary as files (issue 28): TMX 1.4 out and in, read and written by an independent
library (translate-toolkit) as well as ours; glossary CSV through the admin; hostile files refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from translate.storage import tmx as toolkit_tmx

from articles.errors import RuleBroken
from desk import memory, tmx
from desk.models import MemoryEntry, Term
from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")
MEMORY = "/admin/desk/memoryentry/"
GLOSSARY = "/admin/desk/term/"


@pytest.fixture
def entries():
    memory.record(source_language="en", target_language="fr", note="Nordic piece — fr", pairs=[
        ('Allies <strong>agree</strong> on <a href="https://www.nato.int/">defence</a>.',
         'Les Alliés <strong>s’accordent</strong> sur la <a href="https://www.nato.int/">défense</a>.'),
        ("Line one<br>line two", "Ligne un<br>ligne deux"),
    ])  # fmt: skip
    memory.record(source_language="en", target_language="de", pairs=[("Deterrence works.", "Abschreckung wirkt.")])
    return MemoryEntry.objects.order_by("pk")


def test_the_memory_goes_out_as_tmx_with_inline_codes_that_translate_toolkit_reads(entries):
    data = tmx.export(entries.filter(target_language="fr"), source_language="en")
    root = etree.fromstring(data)
    assert root.get("version") == "1.4" and root.find("header").get("srclang") == "en"
    seg = root.find("body/tu/tuv/seg")
    assert [child.tag for child in seg] == ["bpt", "ept", "bpt", "ept"] and seg.find("bpt").text == "<strong>"
    assert b"&lt;strong&gt;" in data and b"<strong>" not in data.replace(b"&lt;strong&gt;", b""), "markup only inside codes"
    store = toolkit_tmx.tmxfile.parsestring(data)
    assert len(store.units) == 2 and store.units[1].source == "Line one<br>line two".replace("<br>", "<br>")
    assert "Alliés" in store.units[0].target and "défense" in store.units[0].target


def test_a_tmx_made_by_another_tool_fills_the_memory_and_its_codes_become_markup():
    store = toolkit_tmx.tmxfile(sourcelanguage="en-GB", targetlanguage="fr-FR")
    store.addtranslation("Collective defence matters.", "en-GB", "La défense collective compte.", "fr-FR", comment="From memoQ")
    store.addtranslation("Hybrid threats.", "en-GB", "Menaces hybrides.", "fr-FR")
    coded = b'<bpt i="1">&lt;em&gt;</bpt>Collective<ept i="1">&lt;/em&gt;</ept> defence matters.<ph>&lt;script&gt;x&lt;/script&gt;</ph>'
    data = bytes(store).replace(b"Collective defence matters.", coded)
    assert tmx.import_tmx(data) == 2
    entry = MemoryEntry.objects.get(source_text="Collective defence matters.")
    assert entry.source == "<em>Collective</em> defence matters." and entry.target == "La défense collective compte."
    assert entry.origin == MemoryEntry.IMPORTED and entry.source_language == "en" and entry.target_language == "fr"
    assert memory.matches(source_language="en", target_language="fr", html="<em>Collective</em> defence matters.")[0].exact
    assert tmx.import_tmx(data) == 2 and MemoryEntry.objects.count() == 2, "a pair imported twice is one entry"


@pytest.mark.parametrize(
    "data, says",
    [
        (b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4"><header srclang="en"/><body>'
         b'<tu><tuv xml:lang="en"><seg>&a;</seg></tuv></tu></body></tmx>', "DTD or entities"),
        (b"<html><body>not a memory</body></html>", "not a TMX file"),
        (b"\x00\x01 binary", "not a valid TMX"),
        (b'<tmx version="1.4"><header srclang="tlh"/><body/></tmx>', "not one of the site"),
        (b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>A</seg></tuv></tu></body></tmx>', "no pairs"),
    ],
)  # fmt: skip
def test_hostile_or_empty_tmx_files_are_refused_with_a_message(data, says):
    with pytest.raises(RuleBroken, match=says):
        tmx.import_tmx(data)
    assert MemoryEntry.objects.count() == 0


def test_editors_import_and_export_the_memory_in_the_admin_and_translators_only_read_it(entries, translator):
    editor = AdminUser("editor", "review-editor")
    page = editor.get(MEMORY).content.decode()
    assert "Deterrence works." in page and f"{MEMORY}import/" in page
    response = editor.get(f"{MEMORY}export/?target_language__exact=fr")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-tmx+xml"
    assert b"Abschreckung" not in response.content and len(toolkit_tmx.tmxfile.parsestring(response.content).units) == 2

    MemoryEntry.objects.all().delete()
    upload = SimpleUploadedFile("memory.tmx", response.content)
    done = editor.post(f"{MEMORY}import/", {"file": upload}, follow=True)
    assert "2 entries imported" in done.content.decode() and MemoryEntry.objects.count() == 2
    bad = editor.post(f"{MEMORY}import/", {"file": SimpleUploadedFile("x.tmx", b"<tmx/>")})
    assert bad.status_code == 200 and "not a TMX file" in bad.content.decode()

    assert translator.get(MEMORY).status_code == 200
    assert f"{MEMORY}import/" not in translator.get(MEMORY).content.decode()
    assert translator.get(f"{MEMORY}import/").status_code == 403
    assert translator.get(f"{MEMORY}{MemoryEntry.objects.first().pk}/change/").status_code == 200  # read-only


def test_a_mixed_source_language_export_is_refused_with_a_message(entries):
    memory.record(source_language="fr", target_language="en", pairs=[("Bonjour tout le monde.", "Hello everyone.")])
    editor = AdminUser("editor", "review-editor")
    response = editor.get(f"{MEMORY}export/", follow=True)
    assert response.status_code == 200 and "Choose one source language" in response.content.decode()


def test_the_glossary_is_kept_in_the_admin_and_goes_out_and_back_as_csv(translator):
    editor = AdminUser("editor", "review-editor")
    csv = "source_language,target_language,source_term,target_term,status,note\nen,fr,deterrence,dissuasion,preferred,NATO usage\n"
    done = editor.post(f"{GLOSSARY}import/", {"file": SimpleUploadedFile("terms.csv", csv.encode())}, follow=True)
    assert "1 entry imported" in done.content.decode()
    assert Term.objects.get().target_term == "dissuasion"
    response = editor.get(f"{GLOSSARY}export/")
    assert response["Content-Type"] == "text/csv" and b"deterrence,dissuasion,preferred,NATO usage" in response.content
    bad = editor.post(f"{GLOSSARY}import/", {"file": SimpleUploadedFile("terms.csv", b"nothing,useful\n1,2\n")})
    assert "header row" in bad.content.decode()
    assert translator.get(GLOSSARY).status_code == 200 and translator.get(f"{GLOSSARY}import/").status_code == 403
