"""Content-Security-Policy and Permissions-Policy on reader and admin pages."""

import pytest

from tests.admin_client import AdminUser

pytestmark = pytest.mark.usefixtures("demo")


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/en/", "/en/articles/", "/ar/articles/?page=abc", "/en/no-such-page/"])
def test_reader_pages_allow_nothing_inline(client, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_pages_run_scripts_only_from_the_site_or_with_the_page_nonce():
    editor = AdminUser("editor", "review-editor")
    response = editor.get("/admin/articles/pieceversion/add/")
    policy = directives(response)
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert policy["script-src"][0] == "'self'" and len(nonces) == 1 and "'unsafe-inline'" not in policy["script-src"]
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()  # the editor's import map may run
    assert "'unsafe-inline'" in policy["style-src"]  # Django's admin and the editor set inline styles
