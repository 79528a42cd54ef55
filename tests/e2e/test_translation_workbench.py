"""The segment editor in a real browser (issue 28's acceptance): a translator translates a piece with a figure segment
by segment, takes a fuzzy memory match and a glossary term, meets a QA error for a broken placeholder, mends it and
submits; once approved, the published page keeps the figure with its translated alt text and caption."""

import re

from articles import services
from articles.models import Image, PieceVersion
from desk import memory
from desk.models import Term
from tests.e2e.conftest import save_screenshot
from tests.e2e.test_editorial_journeys import log_in

BODY = ('<p>Acquiring a weapon is <strong>hard</strong> for a group of 300 fighters.</p>'
        '<figure class="figure"><img src="/x.jpg" alt="A map of the region" data-file="{image}">'
        "<figcaption>The region <em>today</em></figcaption></figure>"
        "<p>Collective defence deters such groups.</p>")  # fmt: skip


def target(page, key):
    return page.locator(f'textarea[name="target:{key}"]')


def row(page, key):
    return page.locator(f'li[data-key="{key}"]')


def test_a_translator_translates_a_piece_with_a_figure_segment_by_segment(open_page, live_demo):
    image = Image.objects.order_by("pk").first()
    isil = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    services.save_version(version=isil, by=None, changes={"body": BODY.format(image=image.pk)}, go_live=True)
    memory.record(source_language="en", target_language="fr", note="An earlier piece — fr", pairs=[
        ("Acquiring a weapon is <strong>hard</strong> for a group of 200 fighters.",
         "Se procurer une arme est <strong>difficile</strong> pour un groupe de 200 combattants."),
    ])  # fmt: skip
    Term.objects.create(source_language="en", target_language="fr", source_term="collective defence", target_term="défense collective")

    page = log_in(open_page, "translator-fr", "review-translator")
    page.goto(live_demo.url + "/admin/articles/pieceversion/queue/")
    page.locator("tr", has_text="Could ISIL go nuclear?").get_by_role("link", name="Translate into français").click()
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    page.get_by_role("link", name="Translate segment by segment").click()
    page.wait_for_url(re.compile(r"/segments/$"))
    assert page.locator("#workbench-progress").inner_text().startswith("0 of")

    target(page, "title").fill("L’EI peut-il se doter de l’arme nucléaire ?")
    target(page, "title").press("Alt+ArrowDown")  # the keyboard moves to the next segment
    assert page.evaluate("document.activeElement.name") == "target:standfirst"
    standfirst = isil.standfirst
    page.keyboard.type("En bref : " + standfirst)

    # A fuzzy match (200 → 300 fighters): taken, then mended where the memory's source differs.
    first = row(page, "body.1")
    assert "<del>200</del>" in first.locator(".workbench__match-source").inner_html()
    first.get_by_role("button", name="Use this match").click()
    assert target(page, "body.1").input_value() == "Se procurer une arme est {1}difficile{/1} pour un groupe de 200 combattants."
    target(page, "body.1").fill(target(page, "body.1").input_value().replace("200", "300"))

    # The caption with a placeholder left open: a QA error, nothing saved.
    target(page, "body.2").fill("La région {1}aujourd’hui")
    target(page, "figure.1.alt").fill("Une carte de la région")

    # A glossary term put in at the cursor.
    glossary_row = row(page, "body.3")
    target(page, "body.3").fill("La ")
    glossary_row.get_by_role("button", name="défense collective").click()
    page.keyboard.type(" dissuade de tels groupes.")
    assert target(page, "body.3").input_value() == "La défense collective dissuade de tels groupes."
    for key in ("image.1.caption", "image.1.alt"):
        if target(page, key).count():
            source_text = row(page, key).locator(".workbench__source").inner_text().strip()
            target(page, key).fill("En français : " + source_text)
    tags = page.locator('li[data-key^="tag."]')  # the tags the translation carries, named in French
    assert tags.count() > 0
    for index in range(tags.count()):
        tag_row = tags.nth(index)
        tag_row.locator("textarea").fill("Étiquette " + tag_row.locator(".workbench__source").inner_text().strip())
    save_screenshot(page, "translator-segment-editor")

    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_text("Nothing was saved: mend the placeholders marked below.").is_visible()
    error = row(page, "body.2").locator(".errorlist")
    assert "{1} is opened and never closed" in error.inner_text()
    assert target(page, "body.2").get_attribute("aria-invalid") == "true"
    assert target(page, "body.3").input_value() == "La défense collective dissuade de tels groupes.", "nothing typed is lost"
    save_screenshot(page, "translator-segment-editor-error")

    target(page, "body.2").fill("La région {1}aujourd’hui{/1}")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review").wait_for()

    french = PieceVersion.objects.get(language="fr", piece_id=isil.piece_id)
    assert french.status == "review" and not french.is_outdated()
    services.approve(version=french, by=None)

    reader = open_page(PieceVersion.objects.get(pk=french.pk).get_absolute_url())
    figure = reader.locator("article figure", has=reader.locator("figcaption", has_text="La région aujourd’hui"))
    assert figure.count() == 1 and figure.locator("figcaption em").inner_text() == "aujourd’hui"
    assert figure.locator("img").get_attribute("alt") == "Une carte de la région"
    assert reader.locator("article strong", has_text="difficile").count() == 1
    assert all(name.startswith("Étiquette ") for name in PieceVersion.objects.get(pk=french.pk).tags.names())


def test_the_segment_editor_writes_arabic_right_to_left(open_page, live_demo):
    isil = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    arabic = PieceVersion.objects.filter(piece_id=isil.piece_id, language="ar").first() or services.create_translation(
        source=isil, language="ar", by=None
    )
    page = log_in(open_page, "editor", "review-editor", accept_language="ar")
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{arabic.pk}/segments/")
    title = target(page, "title")
    assert title.evaluate("element => getComputedStyle(element).direction") == "rtl" and title.get_attribute("lang") == "ar"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator(".workbench__state").first.inner_text() != "New", "the states are in the page's language"
    save_screenshot(page, "editor-segment-editor-arabic")
