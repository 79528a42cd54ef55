"""The segment editor (issue 28): placeholders, segment states, checks on save and submit, memory and glossary beside
each segment, figures kept; driven through the admin as a translator does."""

import re

import pytest
from django.contrib.auth.models import User

from articles import services
from articles.errors import NotAllowed
from articles.models import PieceVersion, Status, Tag
from desk import glossary, memory, workbench
from desk.models import MemoryEntry, SegmentState, Term
from tests.admin_client import AdminUser, read_form

pytestmark = pytest.mark.usefixtures("demo")
BODY = ('<p>Acquiring a weapon is <strong>hard</strong>, says <a href="https://example.org/iaea">the agency</a>.</p>'
        '<figure class="figure"><img src="/x.jpg" alt="A map of the region" data-file="{image}">'
        "<figcaption>The region <em>today</em></figcaption></figure>"
        "<p>Collective defence costs 300 000 euros.</p>")  # fmt: skip


def segments_url(version):
    return f"/admin/articles/pieceversion/{version.pk}/segments/"


@pytest.fixture
def isil(make_image):
    image = make_image(title="Region map")
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=source, by=None, changes={"body": BODY.format(image=image.pk)}, go_live=True)
    source.refresh_from_db()
    return source


@pytest.fixture
def french(isil):
    FRENCH["standfirst"] = "En français : " + isil.standfirst  # as long as the source's, so no length warning
    return services.create_translation(source=isil, language="fr", by=None)


FRENCH = {
    "title": "L’EI peut-il se doter de l’arme nucléaire ?",
    "standfirst": "",
    "body.1": "Se procurer une arme est {1}difficile{/1}, selon {2}l’agence{/2}.",
    "body.2": "La région {1}aujourd’hui{/1}",
    "body.3": "La défense collective coûte 300 000 euros.",
    "figure.1.alt": "Une carte de la région",
}


def everything(version):
    """FRENCH and the image's caption and alt text: every segment translated."""
    sources = {row.key: row.source.text for row in workbench.rows(version, with_help=False)}
    tags = {key: "FR " + text for key, text in sources.items() if key.startswith("tag.")}
    return {**FRENCH, **{key: "En français : " + text for key, text in sources.items() if key.startswith("image.")}, **tags}


def post(user, version, targets, *, done=(), ack=(), action="save"):
    response, data = user.open_form(segments_url(version), "workbench-form")
    for key in list(data):
        if key.startswith(("done:", "ack:")):
            del data[key]
    for key, text in targets.items():
        data[f"target:{key}"] = [text]
    for key in done:
        data[f"done:{key}"] = ["1"]
    for key in ack:
        data[f"ack:{key}"] = ["1"]
    data["action"] = [action]
    return user.client.post(segments_url(version), data, follow=True)


# Placeholders ---------------------------------------------------------------------------------------


def test_inline_markup_travels_as_placeholders_that_cannot_be_broken_or_invented():
    source = 'A <strong>bold</strong> claim<br>by <a href="https://example.org/">them</a>.'
    codes = workbench.codes_of(source)
    assert workbench.to_tokens(source, codes) == "A {1}bold{/1} claim{2/}by {3}them{/3}."
    assert workbench.from_tokens("{3}Eux{/3}{2/}disent {1}gras{/1} & <b>", codes) == (
        '<a href="https://example.org/">Eux</a><br>disent <strong>gras</strong> &amp; &lt;b&gt;',
        [],
    )
    html, errors = workbench.from_tokens("{1}gras et {3}eux{/1}{/3}", codes)
    assert html.count("<strong>") == html.count("</strong>") == 1 and html.count("<a ") == html.count("</a>") == 1  # balanced
    assert any("still open" in error for error in errors)
    html, errors = workbench.from_tokens("{1}jamais fermé {9}x{/9} {2}", codes)
    assert html.endswith("</strong>") and len(errors) == 4  # {9} unknown twice, {2} needs {2/}, {1} never closed


# The editor ------------------------------------------------------------------------------------------


def test_a_translator_translates_segment_by_segment_and_the_body_keeps_the_sources_figures(translator, isil, french):
    response, data = translator.open_form(segments_url(french), "workbench-form")
    html = response.content.decode()
    keys = [name.removeprefix("target:") for name in data if name.startswith("target:")]
    segment_keys = [key for key in keys if not key.startswith("tag.")]
    assert segment_keys == ["title", "standfirst", "body.1", "body.2", "body.3", "figure.1.alt", "image.1.caption", "image.1.alt"]
    assert keys[len(segment_keys) :] == [f"tag.{tag.pk}" for tag in french.tags.order_by("pk")] and len(keys) > len(segment_keys)
    assert all(data[f"target:{key}"] == [""] for key in keys), "the draft's copied English is nothing translated"
    assert 'title="&lt;a&gt; https://example.org/iaea"' in html and "0 of" in html and 'dir="ltr"' in html
    assert "Figure caption 2" in html and "Figure 1 in the body: alt text" in html

    response = post(translator, french, everything(french), action="submit")
    assert response.status_code == 200 and "Submitted for review" in response.content.decode()
    french.refresh_from_db()
    assert french.status == Status.REVIEW and not french.is_outdated()
    assert french.title == FRENCH["title"]
    body = french.body
    assert re.search(r'<figure class="figure"><img [^>]*alt="Une carte de la région"[^>]*data-file="\d+"', body)
    assert "<figcaption>La région <em>aujourd’hui</em></figcaption>" in body
    assert re.search(r'<strong>difficile</strong>, selon <a href="https://example.org/iaea"[^>]*>l’agence</a>', body)
    states = dict(SegmentState.objects.filter(version=french).values_list("key", "state"))
    assert set(states) == set(keys) and set(states.values()) == {SegmentState.TRANSLATED}


def test_a_broken_placeholder_saves_nothing_and_keeps_what_was_typed(translator, isil, french):
    before = PieceVersion.objects.get(pk=french.pk).body
    broken = "Se procurer une arme est {1}difficile, selon {2}l’agence{/2}."
    response = post(translator, french, {**FRENCH, "body.1": broken}, done=FRENCH)
    html = response.content.decode()
    assert "Nothing was saved" in html and "{1} is opened and never closed" in html
    assert read_form(response, "workbench-form")["target:body.1"] == [broken]
    assert PieceVersion.objects.get(pk=french.pk).body == before

    response = post(translator, french, FRENCH, done=FRENCH)
    assert "Saved" in response.content.decode()
    assert "<strong>difficile</strong>" in PieceVersion.objects.get(pk=french.pk).body


def test_a_qa_error_keeps_its_segment_a_draft_and_refuses_submission(translator, isil, french):
    wrong = {**FRENCH, "body.3": "La défense collective coûte 30 000 euros."}
    response = post(translator, french, wrong, done=FRENCH)
    html = response.content.decode()
    assert "numbers differ from the source (missing: 300000; not in the source: 30000)" in html
    states = dict(SegmentState.objects.filter(version=french).values_list("key", "state"))
    assert states["body.3"] == SegmentState.DRAFT and states["body.1"] == SegmentState.TRANSLATED

    response = post(translator, french, wrong, action="submit")
    assert "Not submitted" in response.content.decode()
    assert PieceVersion.objects.get(pk=french.pk).status == Status.DRAFT


def test_glossary_terms_show_beside_their_segment_and_a_missing_preferred_term_needs_acknowledging(translator, isil, french):
    Term.objects.create(source_language="en", target_language="fr", source_term="collective defence", target_term="défense collective")
    Term.objects.create(source_language="en", target_language="fr", source_term="collective defence", target_term="défense commune",
                        status=Term.FORBIDDEN)  # fmt: skip
    html = translator.get(segments_url(french)).content.decode()
    row = html.split('id="segment-body.3"')[1].split("</li>\n    \n      <li")[0]
    assert 'data-insert="défense collective"' in row and "défense commune" in row

    loose = {**FRENCH, "body.3": "La défense commune coûte 300 000 euros."}
    html = post(translator, french, loose, done=["body.3"]).content.decode()
    assert "forbidden translation" in html and "the glossary says" in html
    assert SegmentState.objects.get(version=french, key="body.3").state == SegmentState.DRAFT
    post(translator, french, loose, done=["body.3"], ack=["body.3"])
    assert SegmentState.objects.get(version=french, key="body.3").state == SegmentState.TRANSLATED


def test_the_memory_offers_exact_and_fuzzy_matches_with_their_differences_and_prefills_exact_ones(translator, isil, french):
    first = next(row for row in workbench.rows(french, with_help=False) if row.key == "body.1")
    memory.record(source_language="en", target_language="fr", note="Earlier piece — fr", pairs=[
        ("Collective defence costs 300 000 euros.", "La défense collective coûte 300 000 euros."),
        ("Collective defence costs 200 000 dollars.", "La défense collective coûte 200 000 dollars."),
        (first.source.html, workbench.from_tokens(FRENCH["body.1"], first.codes)[0]),
    ])  # fmt: skip
    found = memory.matches(source_language="en", target_language="fr", html="<p>Collective defence costs 300 000 euros.</p>"[3:-4])
    assert [match.score for match in found][0] == 100 and 60 <= found[1].score < 100
    assert "<del>200</del>" in found[1].differences and "<ins>300</ins>" in found[1].differences
    assert memory.matches(source_language="en", target_language="de", html="Collective defence costs 300 000 euros.") == []

    response, data = translator.open_form(segments_url(french), "workbench-form")
    assert data["target:body.1"] == ["Se procurer une arme est {1}difficile{/1}, selon {2}l’agence{/2}."]  # prefilled, placeholders
    assert data["target:body.3"] == ["La défense collective coûte 300 000 euros."]
    assert "Filled from the translation memory" in response.content.decode()
    assert 'data-fill="La défense collective coûte 200 000 dollars."' in response.content.decode()
    assert SegmentState.objects.filter(version=french).count() == 0, "a prefill is a suggestion until saved"


def test_a_published_translation_enters_the_memory_and_its_segments_count_as_reviewed(translator, editor, isil, french, committed):
    post(translator, french, everything(french), action="submit")
    french.refresh_from_db()
    assert french.status == Status.REVIEW and MemoryEntry.objects.count() == 0, "nothing before review"
    committed(services.approve, version=french, by=None)
    entry = MemoryEntry.objects.get(target_language="fr", source_text="Collective defence costs 300 000 euros.")
    assert entry.target == "La défense collective coûte 300 000 euros." and entry.piece_id == isil.piece_id
    assert "<strong>" in MemoryEntry.objects.get(target_language="fr", source_text__startswith="Acquiring").target
    assert set(SegmentState.objects.filter(version=french).values_list("state", flat=True)) == {SegmentState.REVIEWED}
    assert memory.remember(isil) == 0, "a source records nothing"

    german = services.create_translation(source=isil, language="de", by=None)
    assert memory.remember(german) == 0, "a draft records nothing"


def test_the_editor_refuses_other_languages_and_sends_sources_to_their_form(translator, isil, french):
    german = services.create_translation(source=isil, language="de", by=None)
    assert translator.get(segments_url(german)).status_code == 403
    response = translator.get(segments_url(isil))
    assert response.status_code in (302, 403)
    assert translator.get("/admin/articles/pieceversion/999999/segments/").status_code == 404
    assert translator.get("/admin/articles/pieceversion/x/segments/").status_code == 404


def test_the_editor_reads_a_bounded_number_of_queries(translator, isil, french, django_assert_max_num_queries):
    memory.record(source_language="en", target_language="fr", pairs=[("Collective defence costs 300 000 euros.", "X 300 000.")])
    with django_assert_max_num_queries(45):
        assert translator.get(segments_url(french)).status_code == 200


def test_an_arabic_target_is_written_right_to_left(isil):
    arabic = services.create_translation(source=isil, language="ar", by=None)
    html = AdminUser("editor", "review-editor").get(segments_url(arabic)).content.decode()
    assert re.search(r'<textarea[^>]*name="target:title"[^>]*lang="ar" dir="rtl"', html)


def test_a_sent_back_translation_shows_the_comment_first(translator, isil, french):
    post(translator, french, everything(french), action="submit")
    services.send_back(version=PieceVersion.objects.get(pk=french.pk), by=None, comment="Le titre est trop long.")
    html = translator.get(segments_url(french)).content.decode()
    assert html.index("Le titre est trop long.") < html.index('id="workbench-form"')


# Glossary files ----------------------------------------------------------------------------------------


def test_the_glossary_goes_out_and_back_as_csv_and_bad_rows_are_refused_as_a_whole():
    Term.objects.create(source_language="en", target_language="fr", source_term="=HYPERLINK()", target_term="-formule", note="x")
    Term.objects.create(source_language="en", target_language="fr", source_term="deterrence", target_term="dissuasion")
    data = glossary.export_csv()
    assert b"'=HYPERLINK()" in data and b"'-formule" in data, "no cell a spreadsheet would run"
    Term.objects.all().delete()
    assert glossary.import_csv(data) == 2
    assert set(Term.objects.values_list("source_term", "target_term")) == {("=HYPERLINK()", "-formule"), ("deterrence", "dissuasion")}
    bad = data + b"en,xx,a,b,preferred,\nen,fr,,b,preferred,\nen,fr,a,b,loved,\n"
    with pytest.raises(Exception, match="row 4: unknown language.*row 5.*row 6"):
        glossary.import_csv(bad)
    with pytest.raises(Exception, match="you do not work"):
        glossary.import_csv(data, languages={"de"})
    with pytest.raises(Exception, match="UTF-8"):
        glossary.import_csv("source_language\n\xe9".encode("latin-1"))
    assert Term.objects.count() == 2


def test_an_outdated_translation_lines_up_with_its_source_after_a_paragraph_is_inserted(translator, isil, french):
    post(translator, french, everything(french), action="submit")
    services.approve(version=PieceVersion.objects.get(pk=french.pk), by=None)
    body = isil.body.replace("<p>Collective defence", "<p>A new first thought.</p><p>Collective defence", 1)
    body = "<p>An opening paragraph, new.</p>" + body.replace("says", "said", 1)
    services.save_version(version=PieceVersion.objects.get(pk=isil.pk), by=None, changes={"body": body}, go_live=True)
    french = PieceVersion.objects.get(pk=french.pk)
    assert french.is_outdated()

    found = {row.key: row for row in workbench.rows(french, with_help=False)}
    assert found["body.1"].target == "" and found["body.1"].changed and found["body.1"].state == workbench.NEW
    assert found["body.2"].target == FRENCH["body.1"] and found["body.2"].changed  # edited in place: its old translation
    assert "<del>says</del>" in found["body.2"].change and "<ins>said</ins>" in found["body.2"].change
    assert found["body.3"].target == FRENCH["body.2"] and not found["body.3"].changed  # moved down, unchanged
    assert found["body.4"].target == "" and found["body.4"].changed  # inserted
    assert found["body.5"].target == FRENCH["body.3"] and not found["body.5"].changed

    html = translator.get(segments_url(french)).content.decode()
    assert "The source changed since this translation was made" in html


def test_the_tags_a_translation_carries_are_named_in_its_language(translator, isil, french):
    carried = list(french.tags.order_by("pk"))
    first, second = carried[0], carried[1]
    Tag.objects.create(language="fr", name="Prolifération")
    names = {f"tag.{first.pk}": "Terrorisme nucléaire", f"tag.{second.pk}": "prolifération"}
    html = translator.get(segments_url(french)).content.decode()
    assert f'name="target:tag.{first.pk}"' in html and first.origin.name in html
    response = post(translator, french, names, done=list(names))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.name == "Terrorisme nucléaire" and first.language == "fr", (
        "the counterpart is renamed: a translator names their language's tags"
    )
    tags = set(PieceVersion.objects.get(pk=french.pk).tags.names())
    assert "Prolifération" in tags and second.name not in tags, "a name another tag has: the version moves to that tag"
    rows = {row.key: row for row in workbench.rows(PieceVersion.objects.get(pk=french.pk), with_help=False)}
    assert rows[f"tag.{first.pk}"].target == "Terrorisme nucléaire" and rows[f"tag.{first.pk}"].state == SegmentState.TRANSLATED

    german = services.create_translation(source=isil, language="de", by=None)
    foreign = german.tags.order_by("pk").first()
    foreign.name = "Umbenannt"
    with pytest.raises(NotAllowed):
        services.save_taxonomy(instance=foreign, by=User.objects.get(username="translator-fr"))


def test_an_ampersand_in_a_plain_segment_is_stored_once_not_escaped_twice(translator, isil, french):
    post(translator, french, {"title": "Défense & dissuasion", "figure.1.alt": "Carte < région"})
    french.refresh_from_db()
    assert french.title == "Défense & dissuasion"
    assert 'alt="Carte &lt; région"' in french.body
    found = {row.key: row for row in workbench.rows(french, with_help=False)}
    assert found["title"].target == "Défense & dissuasion", "the editor shows what was typed"
