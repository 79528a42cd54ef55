"""Two people at once on the translation desk (issue 28): the same agency file imported twice at the same moment, the
same translation saved from two segment editors. One wins; the other gets a message; never a 500, never two
translations, never a mix."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from articles.models import PieceVersion
from tests.admin_client import AdminUser
from tests.articles.test_exchange import EXPORT, IMPORT, translated


def at_once(calls):
    """Run each call in its own thread, all released together; their results in order of the calls."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_imports_and_two_editor_saves_at_once_give_one_result_and_one_message():
    call_command("load_demo", skip_renditions=True, verbosity=0)
    sources = PieceVersion.objects.filter(language="en", piece__source=F("pk")).exclude(piece__versions__language="fr")
    source = sources.order_by("pk").first()  # a piece with no French version yet: both imports are its first
    people = [AdminUser("translator-fr", "review-translator") for _ in range(2)]
    data = people[0].post(EXPORT, {"ids": str(source.pk), "language": "fr", "format": "xliff"}).content
    agency = translated(data, "xliff")
    tokens = [person.csrf(person.client.get("/admin/")) for person in people]

    def importing(person, token):
        return lambda: person.client.post(IMPORT, {"file": SimpleUploadedFile("agency.xlf", agency), "csrfmiddlewaretoken": token})

    responses = at_once([importing(person, token) for person, token in zip(people, tokens, strict=True)])
    assert sorted(response.status_code for response in responses) == [200, 302], "one imported, one told why not"
    refused = next(response for response in responses if response.status_code == 200).content.decode()
    assert "already has" in refused or "changed after the file was made" in refused
    french = PieceVersion.objects.get(piece=source.piece, language="fr")
    assert french.title == f"FR {source.title}"

    url = f"/admin/articles/pieceversion/{french.pk}/segments/"
    forms = [person.open_form(url, "workbench-form")[1] for person in people]

    def saving(person, form, words):
        return lambda: person.client.post(url, {**form, "target:title": [words], "action": ["save"]})

    responses = at_once(
        [
            saving(person, form, f"Titre numéro {word}")
            for word, (person, form) in zip(("un", "deux"), zip(people, forms, strict=True), strict=True)
        ]
    )
    said = [" ".join(str(message) for message in response.wsgi_request._messages) for response in responses]
    assert sorted("Saved" in words for words in said) == [False, True], said
    kept = responses[["Saved" in words for words in said].index(False)]
    assert kept.status_code == 200 and "Titre numéro" in kept.content.decode(), "the refused one keeps what was typed"
    assert PieceVersion.objects.get(pk=french.pk).title in ("Titre numéro un", "Titre numéro deux")
