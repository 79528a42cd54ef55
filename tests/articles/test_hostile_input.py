"""Odd query strings, unknown languages, absurd slugs: a 4xx with a message, never a 500."""

import pytest

pytestmark = pytest.mark.usefixtures("demo")

LONG = "a" * 5000

HOSTILE_URLS = [
    "/en/articles/?page=abc",
    "/en/articles/?page=-1",
    "/en/articles/?page=0",
    "/en/articles/?page=99999999999999999999",
    "/en/articles/?page=1e309",
    "/en/articles/?page=%00",
    "/en/articles/?kind=no-such-kind",
    "/en/articles/?section=no-such-section",
    "/en/articles/?year=1066",
    "/en/articles/?year=99999999999999999999",
    "/en/articles/?year=abc",
    "/en/articles/?kind=%00",
    "/en/articles/?section=%00",
    "/en/articles/?year=%00",
    "/en/articles/?kind=analysis%00",
    "/en/sections/deterrence-and-defence/?page=%00",
    "/en/sections/deterrence-and-defence/?page=99999999999999999999",
    "/en/tags/ukraine/?page=abc",
    "/en/authors/wolfgang-rudischhauser/?page=-1",
    "/en/articles/2016/?page=abc",
    "/zz/",
    "/zz/articles/",
    "/xx-yy/",
    "/en/articles/0000/",
    "/en/articles/9999/",
    "/en/articles/99999999999999999999/",
    "/en/articles/2016/13/45/securing-the-nordic-baltic-region/",
    "/en/articles/2016/00/00/securing-the-nordic-baltic-region/",
    f"/en/articles/2016/03/17/{LONG}/",
    f"/en/sections/{LONG}/",
    f"/en/tags/{LONG}/",
    f"/en/authors/{LONG}/",
    "/en/articles/2016/03/17/securing%00/",
    "/en/tags/%00/",
    "/en/sections/%00/",
    "/en/authors/a%00b/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=lambda url: url[:60])
def test_hostile_requests_get_a_4xx(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)


def test_nul_bytes_in_any_parameter_of_any_page_are_4xx_or_ignored(client):
    pages = [
        "/en/",
        "/en/articles/",
        "/en/articles/2016/",
        "/en/sections/collective-defence/",
        "/en/tags/ukraine/",
        "/en/authors/wolfgang-rudischhauser/",
        "/en/articles/2016/03/17/securing-the-nordic-baltic-region/",
    ]
    for page in pages:
        for query in ["?q=%00", "?%00=1", "?page=1%00", "?kind=%00&section=%00&year=%00"]:
            status = client.get(page + query).status_code
            assert status == 200 or 400 <= status < 500, (page + query, status)


def test_an_unknown_filter_value_says_what_was_wrong(client):
    response = client.get("/en/articles/?kind=no-such-kind")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_unknown_language_prefix_is_404_not_a_redirect(client):
    assert client.get("/zz/").status_code == 404
    assert client.get("/zz/articles/2016/").status_code == 404


def test_404_page_is_a_real_page_in_the_readers_language(client):
    response = client.get("/fr/articles/9999/")
    assert response.status_code == 404
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_every_inline_refuses_a_claimed_form_count_beyond_its_bound_at_once(admin_client):
    """A management form claiming 10**30 forms: Django alone would build, validate and render 1,000 of them
    (seconds of one request); every inline here stops at its own bound, with a form error, and saves nothing."""
    from django.contrib import admin

    from articles.models import PieceVersion
    from tests.admin_client import read_form

    checked = []
    for model, model_admin in admin.site._registry.items():
        first = model.objects.order_by("pk").first()
        if not model_admin.inlines or first is None:
            continue
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/{first.pk}/change/"
        fields = read_form(admin_client.get(url))
        totals = [name for name in fields if name.endswith("-TOTAL_FORMS")]
        for name in totals:
            before = PieceVersion.objects.order_by("pk").values_list("pk", "edit_version")[:50]
            before = list(before)
            response = admin_client.post(url, {**fields, name: ["9" * 30]})
            assert response.status_code == 200, (url, name, response.status_code)
            formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == name[: -len("-TOTAL_FORMS")])
            bound = formset.formset.absolute_max
            assert bound <= 100 and len(formset.formset.forms) <= bound, (url, name, bound)
            assert "Please submit at most" in response.content.decode(), (url, name)  # (Django names max_num in it)
            assert list(PieceVersion.objects.order_by("pk").values_list("pk", "edit_version")[:50]) == before
            checked.append(name)
    assert len(checked) >= 4, checked  # sections, kinds, authors, versions, pieces, users
