"""Editors and translators in a real browser: the rich text editor, publishing, translating side by side."""

import re

from articles import services
from articles.models import Article, Status

from .conftest import save_screenshot


def log_in(open_page, username, password):
    page = open_page("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_editor_writes_and_publishes_with_the_rich_text_editor_then_the_translator_translates(open_page, live_demo):
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + "/admin/articles/article/add/")
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
    page.locator("#id_new_tags").fill("Arctic, Cyber")
    save_screenshot(page, "editor-writes")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/articles/article/$"))

    article = Article.objects.get(slug="cyber-defence-in-the-high-north")
    assert article.status == Status.PUBLISHED
    assert article.body == "<p>Undersea cables carry <strong>almost all</strong> of the region's data.</p>"

    reader = open_page("/en/")
    reader.get_by_role("link", name="Cyber defence in the High North").click()
    assert reader.locator(".article__body strong").inner_text() == "almost all"

    page = log_in(open_page, "translator-fr", "review-translator")
    assert page.goto(live_demo.url + f"/admin/articles/article/{article.pk}/change/").status == 200  # the source: read-only
    assert page.locator("input[name=title]").count() == 0
    page.goto(live_demo.url + f"/admin/articles/article/{article.pk}/translate/")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
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
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))

    french = Article.objects.get(language="fr", slug="cyberdefense-grand-nord")
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
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    assert page.locator("input[name=mark_up_to_date]").count() == 0  # a new translation has nothing to catch up with

    page.get_by_label("Title:").fill("L’EIIL pourrait-il se doter de l’arme nucléaire ?")
    page.get_by_label("Standfirst:").fill("Ce qui relève du bluff, et ce qu’il faut prendre au sérieux.")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Se procurer une arme nucléaire est difficile.")
    page.locator("#id_image_usages-0-alt_text").fill("Un conteneur de matière radioactive")
    page.locator("#id_image_usages-0-caption").fill("Une matière plus facile à obtenir qu’une arme.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    page.get_by_role("textbox", name=re.compile("^Comment")).fill("Prêt pour relecture.")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review.").wait_for()  # the same address, reloaded after the POST

    french = Article.objects.get(language="fr", piece__source__slug="could-isil-go-nuclear")
    assert french.status == Status.REVIEW and french.slug == "leiil-pourrait-il-se-doter-de-larme-nucléaire"
    assert french.comments.get().text == "Prêt pour relecture."
    save_screenshot(page, "translator-submitted")


def test_an_arabic_version_is_edited_right_to_left(open_page, live_demo):
    arabic = Article.objects.filter(language="ar").first()
    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + f"/admin/articles/article/{arabic.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for()
    assert editor.get_attribute("dir") == "rtl" and editor.get_attribute("lang") == "ar"
    assert page.locator("#id_title").evaluate("element => getComputedStyle(element).direction") == "rtl"
    save_screenshot(page, "editor-arabic-rtl")


def test_an_edit_of_a_live_piece_waits_as_pending_changes_until_it_is_published(open_page, live_demo):
    odessa = Article.objects.get(language="en", slug="odessa-ukraines-secret-weapon")
    reader = open_page(odessa.get_absolute_url())
    live_title = reader.locator("h1").inner_text()

    page = log_in(open_page, "editor", "review-editor")
    page.goto(live_demo.url + f"/admin/articles/article/{odessa.pk}/change/")
    assert page.locator(".review-staged-note").is_visible()  # the editor is told before saving
    page.get_by_label("Title:").fill("Odessa: Ukraine’s secret weapon, revisited")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    banner = page.locator(".review-panel--pending")
    assert banner.is_visible() and "revisited" in banner.locator("ins").first.inner_text()
    assert page.get_by_label("Title:").input_value() == "Odessa: Ukraine’s secret weapon, revisited"  # the form edits the pending text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # 1440 px: nothing clipped
    save_screenshot(page, "editor-pending-changes")

    reader.reload()
    assert reader.locator("h1").inner_text() == live_title  # readers keep the live text

    page.get_by_role("button", name="Publish the pending changes").click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    assert page.locator(".review-panel--pending").count() == 0
    reader.reload()
    assert "revisited" in reader.locator("h1").inner_text()


def test_pending_changes_of_an_arabic_version_in_the_arabic_admin(open_page, live_demo):
    arabic = Article.objects.filter(language="ar", status=Status.PUBLISHED).first()
    services.save_version(version=arabic, by=None, changes={"standfirst": arabic.standfirst + " تحديث قيد المراجعة."})
    page = open_page("/admin/login/?next=/admin/", accept_language="ar")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("review-editor")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(live_demo.url + f"/admin/articles/article/{arabic.pk}/change/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    banner = page.locator(".review-panel--pending")
    assert banner.is_visible() and banner.locator(".review-diff").first.get_attribute("dir") == "rtl"
    assert "تحديث قيد المراجعة" in banner.locator("ins").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "editor-pending-changes-ar")
    page.goto(live_demo.url + "/admin/articles/article/?review=pending")
    assert page.locator(".review-pending-badge").count() == 1
    save_screenshot(page, "editor-pending-list-ar")


def test_the_article_list_fits_1440_px_in_english_and_arabic(open_page, live_demo):
    for language in ("en", "ar"):
        page = open_page("/admin/login/?next=/admin/", accept_language=language)
        page.locator("#id_username").fill("editor")
        page.locator("#id_password").fill("review-editor")
        page.locator("input[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto(live_demo.url + "/admin/articles/article/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), language
        results = page.locator("#changelist .results")
        assert results.evaluate("box => box.scrollWidth <= box.clientWidth + 1"), f"{language}: the table is cut off"
        lines = page.locator("#result_list .field-title a").evaluate_all("links => links.map(link => link.getClientRects().length)")
        assert lines and max(lines) <= 3, (language, lines)  # no title wraps to four lines
        assert page.locator("#result_list .review-badge").count() > 0
        save_screenshot(page, f"editor-article-list-{language}")


def test_history_compares_two_chosen_revisions_in_english_and_arabic(open_page, live_demo):
    for language, slug in (("en", "could-isil-go-nuclear"), ("ar", None)):
        version = Article.objects.filter(language=language, status=Status.PUBLISHED).order_by("pk").first()
        if slug:
            version = Article.objects.get(language=language, slug=slug)
        for n in (1, 2):
            services.save_version(version=version, by=None, changes={"standfirst": f"{version.standfirst} ({n})"}, go_live=True)
        page = open_page("/admin/login/?next=/admin/", accept_language=language)
        page.locator("#id_username").fill("editor")
        page.locator("#id_password").fill("review-editor")
        page.locator("input[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto(live_demo.url + f"/admin/articles/article/{version.pk}/history/")
        page.locator("input[name=old]").last.check()  # the oldest revision against the newest
        save_screenshot(page, f"editor-history-{language}")
        page.locator("button[form=review-compare]").click()
        page.wait_for_url(re.compile(r"/compare/\d+/\d+/$"))
        assert page.locator(".review-diff ins").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        save_screenshot(page, f"editor-compare-{language}")
