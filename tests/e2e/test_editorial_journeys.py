"""Editors and translators in a real browser: the rich text editor, publishing, translating side by side."""

import re
import time

from playwright.sync_api import Error as PlaywrightError

from articles import services
from articles.models import PieceVersion, Status
from tests.e2e.conftest import save_screenshot, wait_until


def log_in(open_page, username, password, **options):
    """A new browser page logged in to the admin (options: open_page's accept_language, width)."""
    page = open_page("/admin/login/?next=/admin/", **options)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_editor_writes_and_publishes_with_the_rich_text_editor_then_the_translator_translates(open_page, live_demo):
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + "/admin/articles/pieceversion/add/")
    page.get_by_label("Title:").press_sequentially("Cyber defence in the High North")
    assert page.get_by_label("Slug:").input_value() == "cyber-defence-in-the-high-north"  # prepopulated as typed
    page.get_by_label("Standfirst:").fill("Why the Arctic is now a cyber front.")

    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("Undersea cables carry ")
    page.keyboard.press("Control+b")
    page.keyboard.type("almost all")
    page.keyboard.press("Control+b")
    page.keyboard.type(" of the region's data.")
    page.locator("#id_status").select_option("published")
    page.locator(".datetimeshortcuts").first.get_by_role("link", name="Today").click()
    page.locator(".datetimeshortcuts").nth(1).get_by_role("link", name="Now").click()
    tags = page.locator(".field-tags .select2-search__field")
    tags.click()
    tags.type("Arctic,")  # one tag field: a new name ends with a comma
    tags.type("Cyber,")
    page.keyboard.press("Escape")
    save_screenshot(page, "editor-writes")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/$"))

    article = PieceVersion.objects.get(slug="cyber-defence-in-the-high-north")
    assert article.status == Status.PUBLISHED and sorted(article.tags.names()) == ["Arctic", "Cyber"]
    assert article.body == "<p>Undersea cables carry <strong>almost all</strong> of the region's data.</p>"

    reader = open_page("/en/")
    reader.get_by_role("link", name="Cyber defence in the High North").click()
    assert reader.locator(".article__body strong").inner_text() == "almost all"

    page = log_in(open_page, "translator-fr", "review-translator")
    assert page.goto(live_demo.url + f"/admin/articles/pieceversion/{article.pk}/change/").status == 200  # the source: read-only
    assert page.locator("input[name=title]").count() == 0
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{article.pk}/translate/")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    assert page.locator(".review-source").get_by_text("Cyber defence in the High North").is_visible()  # side by side

    page.get_by_label("Title:").fill("La cyberdéfense dans le Grand Nord")
    page.get_by_label("Slug:").fill("cyberdefense-grand-nord")
    page.get_by_label("Standfirst:").fill("Pourquoi l’Arctique est devenu un front cyber.")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Les câbles sous-marins transportent presque toutes les données de la région.")
    save_screenshot(page, "translator-side-by-side")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))

    french = PieceVersion.objects.get(language="fr", slug="cyberdefense-grand-nord")
    assert french.status == Status.DRAFT and french.translated_from_revision == article.content_revision
    assert french.body == "<p>Les câbles sous-marins transportent presque toutes les données de la région.</p>"
    with page.expect_popup() as popup:
        page.locator(".object-tools").get_by_role("link", name="Preview").click()
    preview = popup.value
    preview.wait_for_load_state()
    assert preview.locator(".preview-banner").is_visible()
    assert preview.locator("h1").inner_text() == "La cyberdéfense dans le Grand Nord"


def test_a_translator_goes_from_their_queue_to_a_translation_in_review_without_typing_a_url(open_page, live_demo):
    page = log_in(open_page, "translator-fr", "review-translator")
    page.get_by_role("link", name="Articles", exact=True).first.click()
    page.get_by_role("link", name="My translation queue").click()
    save_screenshot(page, "translator-queue")
    page.locator("tr", has_text="Could ISIL go nuclear?").get_by_role("link", name="Translate into français").click()
    assert page.locator("#id_language").input_value() == "fr"
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    assert page.locator("input[name=mark_up_to_date]").count() == 0  # a new translation has nothing to catch up with

    page.get_by_label("Title:").fill("L’EIIL pourrait-il se doter de l’arme nucléaire ?")
    page.get_by_label("Standfirst:").fill("Ce qui relève du bluff, et ce qu’il faut prendre au sérieux.")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Se procurer une arme nucléaire est difficile.")
    page.locator("#id_image_usages-0-alt_text").fill("Un conteneur de matière radioactive")
    page.locator("#id_image_usages-0-caption").fill("Une matière plus facile à obtenir qu’une arme.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    page.get_by_role("textbox", name=re.compile("^Comment")).fill("Prêt pour relecture.")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review.").wait_for()  # the same address, reloaded after the POST

    french = PieceVersion.objects.get(language="fr", piece__source__slug="could-isil-go-nuclear")
    assert french.status == Status.REVIEW and french.slug == "leiil-pourrait-il-se-doter-de-larme-nucléaire"
    assert french.comments.get().text == "Prêt pour relecture."
    save_screenshot(page, "translator-submitted")


def test_an_arabic_version_is_edited_right_to_left(open_page, live_demo):
    arabic = PieceVersion.objects.filter(language="ar").first()
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{arabic.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for()
    assert editor.get_attribute("dir") == "rtl" and editor.get_attribute("lang") == "ar"
    assert page.locator("#id_title").evaluate("element => getComputedStyle(element).direction") == "rtl"
    save_screenshot(page, "editor-arabic-rtl")


def test_an_edit_of_a_live_piece_waits_as_pending_changes_until_it_is_published(open_page, live_demo):
    odessa = PieceVersion.objects.get(language="en", slug="odessa-ukraines-secret-weapon")
    reader = open_page(odessa.get_absolute_url())
    live_title = reader.locator("h1").inner_text()

    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{odessa.pk}/change/")
    assert page.locator(".review-staged-note").is_visible()  # the editor is told before saving
    page.get_by_label("Title:").fill("Odessa: Ukraine’s secret weapon, revisited")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    banner = page.locator(".review-panel--pending")
    assert banner.is_visible() and "revisited" in banner.locator("ins").first.inner_text()
    assert page.get_by_label("Title:").input_value() == "Odessa: Ukraine’s secret weapon, revisited"  # the form edits the pending text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # 1440 px: nothing clipped
    save_screenshot(page, "editor-pending-changes")

    reader.reload()
    assert reader.locator("h1").inner_text() == live_title  # readers keep the live text

    page.get_by_role("button", name="Publish the pending changes").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/\d+/change/$"))
    assert page.locator(".review-panel--pending").count() == 0
    reader.reload()
    assert "revisited" in reader.locator("h1").inner_text()


def test_pending_changes_of_an_arabic_version_in_the_arabic_admin(open_page, live_demo):
    arabic = PieceVersion.objects.filter(language="ar", status=Status.PUBLISHED).first()
    services.save_version(version=arabic, by=None, changes={"standfirst": arabic.standfirst + " تحديث قيد المراجعة."})
    page = log_in(open_page, "editor", "review-editor", accept_language="ar")
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{arabic.pk}/change/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    banner = page.locator(".review-panel--pending")
    assert banner.is_visible() and banner.locator(".review-diff").first.get_attribute("dir") == "rtl"
    assert "تحديث قيد المراجعة" in banner.locator("ins").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "editor-pending-changes-ar")
    page.goto(live_demo.url + "/admin/articles/pieceversion/?review=pending")
    assert page.locator(".review-pending-badge").count() == 1
    save_screenshot(page, "editor-pending-list-ar")


def test_the_article_list_fits_1440_px_in_english_and_arabic(open_page, live_demo):
    for language in ("en", "ar"):
        page = log_in(open_page, "editor", "review-editor", accept_language=language)
        page.goto(live_demo.url + "/admin/articles/pieceversion/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        results = page.locator("#changelist .results")
        assert results.evaluate("box => box.scrollWidth <= box.clientWidth + 1"), f"{language}: the table is cut off"
        lines = page.locator("#result_list .field-title a").evaluate_all("links => links.map(link => link.getClientRects().length)")
        assert lines and max(lines) <= 3, (language, lines)  # no title wraps to four lines
        assert page.locator("#result_list .review-badge").count() > 0
        save_screenshot(page, f"editor-article-list-{language}")


def test_history_compares_two_chosen_revisions_in_english_and_arabic(open_page, live_demo):
    for language, slug in (("en", "could-isil-go-nuclear"), ("ar", None)):
        version = PieceVersion.objects.filter(language=language, status=Status.PUBLISHED).order_by("pk").first()
        if slug:
            version = PieceVersion.objects.get(language=language, slug=slug)
        for n in (1, 2):
            services.save_version(version=version, by=None, changes={"standfirst": f"{version.standfirst} ({n})"}, go_live=True)
        page = log_in(open_page, "editor", "review-editor", accept_language=language)
        page.goto(live_demo.url + f"/admin/articles/pieceversion/{version.pk}/history/")
        page.locator("input[name=old]").last.check()  # the oldest revision against the newest
        save_screenshot(page, f"editor-history-{language}")
        page.locator("button[form=review-compare]").click()
        page.wait_for_url(re.compile(r"/compare/\d+/\d+/$"))
        assert page.locator(".review-diff ins").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        save_screenshot(page, f"editor-compare-{language}")


def test_the_editorial_calendar_reschedules_through_its_form_in_english_and_arabic(open_page, live_demo):
    from datetime import datetime, timedelta

    from django.utils import timezone

    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    soon = timezone.make_aware(datetime(2031, 5, 14, 9, 0))
    scheduled = services.create_piece(by=None, language="en", changes={
        "title": "Sea lanes of the High North", "standfirst": "What the Arctic thaw means for the Alliance.", "body": "<p>Text.</p>",
        "status": Status.PUBLISHED, "published_at": soon.replace(hour=9, minute=0, second=0, microsecond=0)})  # fmt: skip
    services.create_piece(by=None, language="ar", changes={
        "title": "أمن البحر الأسود", "standfirst": "ملخص.", "body": "<p>نص.</p>", "status": Status.DRAFT,
        "published_at": soon.replace(hour=14, minute=0, second=0, microsecond=0)})  # fmt: skip
    assert source.status == Status.PUBLISHED
    for language in ("en", "ar"):
        page = log_in(open_page, "editor", "review-editor", accept_language=language)
        page.locator("a[href$='/admin/articles/pieceversion/calendar/']").first.click()
        page.wait_for_url(re.compile(r"/calendar/$"))
        page.goto(live_demo.url + f"/admin/articles/pieceversion/calendar/?date={soon.date().isoformat()}")
        cell = page.locator(f"td[data-day='{soon.date().isoformat()}']")
        assert "Sea lanes of the High North" in cell.inner_text() and "أمن البحر الأسود" in cell.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        save_screenshot(page, f"editor-calendar-month-{language}")
        page.locator(".review-calendar__views a").nth(1).click()  # the week
        page.wait_for_url(re.compile(r"view=week"))
        save_screenshot(page, f"editor-calendar-week-{language}")
    page.locator(f"a[href*='/{scheduled.pk}/reschedule/']").click()
    later = soon + timedelta(days=1)
    page.locator("#id_published_at_0").fill(later.date().isoformat())
    page.locator("#id_published_at_1").fill("11:30")
    save_screenshot(page, "editor-reschedule-ar")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/calendar/"))
    assert "Sea lanes of the High North" in page.locator(f"td[data-day='{later.date().isoformat()}']").inner_text()
    scheduled.refresh_from_db()
    assert timezone.localtime(scheduled.published_at).strftime("%Y-%m-%d %H:%M") == f"{later.date().isoformat()} 11:30"
    phone = log_in(open_page, "editor", "review-editor", width=375)
    phone.goto(live_demo.url + f"/admin/articles/pieceversion/calendar/?date={later.date().isoformat()}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert phone.locator(f"td[data-day='{later.date().isoformat()}']").is_visible()
    save_screenshot(phone, "editor-calendar-phone")
    phone.goto(live_demo.url + f"/admin/articles/pieceversion/{scheduled.pk}/reschedule/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(phone, "editor-reschedule-en")


def preview_titles(page):
    frame = page.frame(name="home-preview")
    try:
        return frame.locator(".card__title a").all_inner_texts() if frame else []
    except PlaywrightError:  # the preview is being replaced by a newer one: nothing to read yet
        return []


def wait_for_preview(page, expected, timeout=10.0):
    """The preview follows each change by a request of its own: wait for it to show `expected` first, however slow."""
    deadline = time.monotonic() + timeout
    while (shown := preview_titles(page)[: len(expected)]) != expected:
        assert time.monotonic() < deadline, f"the preview shows {shown}, not {expected}"
        page.wait_for_timeout(100)


def test_featured_pieces_are_ordered_by_drag_and_by_keyboard_and_the_home_page_follows(open_page, live_demo):
    nordic, isil = (
        PieceVersion.objects.get(language="en", slug=slug).piece_id
        for slug in ("securing-the-nordic-baltic-region", "could-isil-go-nuclear")
    )
    services.arrange_home(language="en", pieces=[nordic, isil], sections=[], by=None)  # as `make run`'s demo arranges it
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + "/admin/articles/featuredpiece/arrange/?language=en")
    labels = page.locator("#featured-list .review-arrange__label")
    assert labels.all_inner_texts() == ["Securing the Nordic-Baltic region", "Could ISIL go nuclear?"]  # as the demo arranged it
    page.locator("#featured-list li", has_text="Nordic").locator(".review-arrange__remove").click()
    page.locator(".review-arrange__add .select2-selection").click()
    page.locator(".select2-search__field").fill("Odessa")
    page.locator(".select2-results__option", has_text="Odessa: Ukraine’s secret weapon?").click()
    page.locator("#featured-list li", has_text="Odessa").wait_for()
    assert labels.all_inner_texts() == ["Could ISIL go nuclear?", "Odessa: Ukraine’s secret weapon?"]
    wait_until(page, "document.querySelector('#home-preview').contentDocument.querySelectorAll('.card__title').length > 2")
    page.locator("#featured-list li").nth(1).drag_to(page.locator("#featured-list li").nth(0), target_position={"x": 20, "y": 5})
    assert labels.all_inner_texts() == ["Odessa: Ukraine’s secret weapon?", "Could ISIL go nuclear?"]
    wait_for_preview(page, ["Odessa: Ukraine’s secret weapon?", "Could ISIL go nuclear?"])  # it follows each change
    down = page.locator("#featured-list li").nth(0).locator(".review-arrange__move[data-step='1']")
    down.focus()
    page.keyboard.press("Enter")  # by keyboard: the focus stays on the button, which moved with its item
    assert labels.all_inner_texts() == ["Could ISIL go nuclear?", "Odessa: Ukraine’s secret weapon?"]
    page.keyboard.press("Shift+Tab")  # to the same item's "up" button
    page.keyboard.press("Enter")
    assert labels.all_inner_texts() == ["Odessa: Ukraine’s secret weapon?", "Could ISIL go nuclear?"]
    wait_until(page, "document.getElementById('arrange-status').textContent === 'Moved to position 1 of 2.'")  # said aloud
    first_section = page.locator("#section-list .review-arrange__label").first.inner_text()
    page.locator("#section-list li").nth(0).locator(".review-arrange__move[data-step='1']").click()
    assert page.locator("#section-list .review-arrange__label").nth(1).inner_text() == first_section
    page.wait_for_timeout(600)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "editor-home-arrangement-en")
    page.locator("#arrange-form input[type=submit]").click()
    page.wait_for_url(re.compile(r"/arrange/\?language=en$"))
    home = open_page("/en/")
    titles = home.locator(".card__title a").all_inner_texts()
    assert titles[:2] == ["Odessa: Ukraine’s secret weapon?", "Could ISIL go nuclear?"]
    blocks = home.locator(".block__title a").all_inner_texts()
    assert blocks[1] == first_section


def test_the_arabic_home_arrangement_is_laid_out_right_to_left(open_page, live_demo):
    page = log_in(open_page, "editor", "review-editor", accept_language="ar")
    page.goto(live_demo.url + "/admin/articles/featuredpiece/arrange/?language=ar")
    page.locator(".review-arrange__add .select2-selection").click()
    page.locator(".select2-search__field").fill("Nordic")
    page.locator(".select2-results__option").first.click()
    page.locator("#featured-list li").first.wait_for()
    wait_until(page, "document.querySelector('#home-preview').contentDocument.querySelectorAll('.card__title').length > 2")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "editor-home-arrangement-ar")


def test_the_live_preview_follows_typing_at_phone_and_desktop_width(open_page, live_demo):
    english = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    arabic = PieceVersion.objects.filter(language="ar").first()
    for language, version, typed in (("en", english, "Could ISIL go nuclear? Typed live"), ("ar", arabic, "عنوان جديد يكتب الآن")):
        page = log_in(open_page, "editor", "review-editor", accept_language=language)
        page.goto(live_demo.url + f"/admin/articles/pieceversion/{version.pk}/change/")
        page.locator("#live-preview-toggle").click()
        frame = page.frame(name="live-preview-frame")
        heading = "document.getElementById('live-preview-frame').contentDocument.querySelector('h1')"
        wait_until(page, f"{heading} !== null")
        page.locator("#id_title").fill(typed)
        wait_until(page, f"({heading}?.textContent || '').includes({typed!r})")  # null while the frame reloads
        assert typed in frame.locator("h1").inner_text()
        page.locator(".review-live__widths button").first.click()  # phone
        assert page.locator("#live-preview-frame").evaluate("frame => frame.clientWidth") == 375  # inside its border
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        save_screenshot(page, f"editor-live-preview-{language}")
        page.keyboard.press("Escape")
        assert page.locator("#live-preview").is_hidden()
    version = PieceVersion.objects.get(pk=english.pk)
    assert version.title == "Could ISIL go nuclear?"  # typing saved nothing


def test_the_image_chooser_puts_a_figure_in_the_body_that_readers_get_as_a_picture(open_page, live_demo):
    from articles.models import Image
    from library.images import make_renditions

    picture = Image.objects.get(title="Abstract of a radiation warning")
    picture.renditions = make_renditions(picture)  # the test demo skips them
    picture.save(update_fields=["renditions"])
    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + f"/admin/articles/pieceversion/{version.pk}/change/")
    page.locator(".ProseMirror p").last.click()
    page.keyboard.press("End")
    page.locator(".prose-menubar button[title='figure']").click()
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name=re.compile("Browse")).click()
    chooser = popup_info.value
    chooser.wait_for_load_state()
    chooser.locator("#chooser-q").fill("radiation")
    chooser.locator("#chooser-q").press("Enter")
    chooser.wait_for_url(re.compile(r"q=radiation"))
    assert chooser.locator(".review-chooser__no-opener").is_hidden()
    save_screenshot(chooser, "editor-image-chooser-en")
    with chooser.expect_event("close"):
        chooser.locator("[data-choose]").first.click(no_wait_after=True)  # the popup closes itself
    assert "/media/" in dialog.locator("input[name=imageUrl]").input_value()
    dialog.locator("input[name=altText]").fill("A warning sign on a container")
    dialog.locator("input[name=caption]").fill("Material, not weapons, is the nearer danger.")
    dialog.get_by_role("button", name="Insert").click()
    assert page.locator(".ProseMirror figure img").count() == 1
    page.locator("input[name=_publish_changes]").click()
    page.wait_for_url(re.compile(r"/admin/articles/pieceversion/"))
    reader = open_page(version.get_absolute_url())
    figure = reader.locator(".article__body figure")
    assert figure.locator("picture source[type='image/avif']").count() == 1
    assert figure.locator("img").get_attribute("alt") == "A warning sign on a container"
    assert "nearer danger" in figure.locator("figcaption").inner_text()


def test_the_image_chooser_and_the_focal_point_in_arabic(open_page, live_demo):
    from articles.models import Image

    page = log_in(open_page, "editor", "review-editor", accept_language="ar")
    page.evaluate("window.CKEDITOR = {tools: {callFunction: (n, url, data) => { window.chosen = [n, url, data.id]; }}}")
    with page.expect_popup() as popup_info:
        page.evaluate("window.open('/admin/articles/image/choose/?CKEditorFuncNum=-7', '_blank', 'width=800,height=600')")
    chooser = popup_info.value
    chooser.wait_for_load_state()
    assert chooser.locator("html").get_attribute("dir") == "rtl" and chooser.locator(".review-chooser__no-opener").is_hidden()
    save_screenshot(chooser, "editor-image-chooser-ar")
    chosen_id = chooser.locator("[data-choose]").first.get_attribute("data-id")
    with chooser.expect_event("close"):
        chooser.locator("[data-choose]").first.click(no_wait_after=True)  # the popup closes itself
    assert page.evaluate("window.chosen")[0] == -7 and page.evaluate("window.chosen")[2] == chosen_id
    image = Image.objects.get(pk=chosen_id)
    page.goto(live_demo.url + f"/admin/articles/image/{image.pk}/change/")
    picture = page.locator("[data-focal] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})  # scrolled into view first
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.25) < 0.02
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.75) < 0.02
    assert page.locator(".review-focal__marker").is_visible()
    save_screenshot(page, "editor-focal-point-ar")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/articles/image/$"))
    image.refresh_from_db()
    assert abs(image.focal_x - 0.25) < 0.02 and abs(image.focal_y - 0.75) < 0.02


def test_the_version_form_fits_1440_and_375_px_with_a_full_width_title(open_page, live_demo):
    from articles.models import Image

    version = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    for width in (1440, 375):
        page = log_in(open_page, "editor", "review-editor", width=width)
        page.goto(live_demo.url + f"/admin/articles/pieceversion/{version.pk}/change/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        title, row = page.locator("#id_title").bounding_box(), page.locator(".form-row.field-title").bounding_box()
        assert title["width"] >= row["width"] * (0.75 if width == 1440 else 0.9), (width, title, row)  # the title spans the form
        assert page.locator(".field-tags .select2").count() == 1 and page.locator("#id_new_tags").count() == 0  # one tag field
        save_screenshot(page, f"editor-change-form-{width}")
    image = Image.objects.get(title="Abstract of a radiation warning")
    page.goto(live_demo.url + f"/admin/articles/image/{image.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "editor-focal-point-en")
