"""What a translator is told (issue 28, part 7): a sent-back version says so in the queue and shows the reviser's
comment at the top of its form; the queue filters and sorts; the desk counts sent-back versions."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles import services
from articles.models import Assignment, PieceVersion, Status
from desk import states as desk

pytestmark = pytest.mark.usefixtures("demo")
QUEUE = "/admin/articles/pieceversion/queue/"


def rows(html):
    found = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in found]


@pytest.fixture
def sent_back():
    source = PieceVersion.objects.get(language="en", slug="could-isil-go-nuclear")
    french = services.create_translation(source=source, language="fr", by=None)
    services.submit_for_review(version=french, by=None)
    services.send_back(version=PieceVersion.objects.get(pk=french.pk), by=None, comment="Le titre reste en anglais.")
    return PieceVersion.objects.get(pk=french.pk)


def test_a_sent_back_translation_is_its_own_state_and_its_comment_tops_the_form(translator, sent_back):
    assert sent_back.status == Status.DRAFT
    assert desk.with_state(PieceVersion.objects.filter(pk=sent_back.pk)).get().desk_state == desk.SENT_BACK
    assert desk.counts(["fr"])["fr"][desk.SENT_BACK] == 1
    html = translator.get(QUEUE).content.decode()
    assert any("Could ISIL go nuclear?" in row and "Sent back" in row for row in rows(html))
    form = translator.get(f"/admin/articles/pieceversion/{sent_back.pk}/change/").content.decode()
    assert form.index("Le titre reste en anglais.") < form.index("field-title"), "the comment comes before the fields"
    listed = translator.get("/admin/articles/pieceversion/?language__exact=fr&translation=sent_back").content.decode()
    assert "Could ISIL go nuclear?" in listed

    services.submit_for_review(version=sent_back, by=None, comment="Corrigé.")
    assert desk.with_state(PieceVersion.objects.filter(pk=sent_back.pk)).get().desk_state == desk.REVIEW


def test_the_queue_filters_by_language_state_and_assignment_and_sorts(sent_back, translator):
    editor_user = User.objects.get(username="editor")
    odessa = PieceVersion.objects.get(language="en", slug="odessa-ukraines-secret-weapon")
    Assignment.objects.create(piece=odessa.piece, language="fr", translator=User.objects.get(username="translator-fr"),
                              due_on=timezone.localdate() + timedelta(days=3), assigned_by=editor_user)  # fmt: skip
    everything = rows(translator.get(QUEUE).content.decode())
    assert "Odessa" in everything[0], "what was asked of this person first"

    only_sent_back = rows(translator.get(QUEUE, {"state": "sent_back"}).content.decode())
    assert len(only_sent_back) == 1 and "Could ISIL go nuclear?" in only_sent_back[0]
    mine = rows(translator.get(QUEUE, {"mine": "1"}).content.decode())
    assert len(mine) == 1 and "Odessa" in mine[0]
    newest = rows(translator.get(QUEUE, {"sort": "newest"}).content.decode())
    oldest = rows(translator.get(QUEUE, {"sort": "oldest"}).content.decode())
    assert newest == oldest[::-1] and len(newest) == len(everything)
    assert "Odessa" in rows(translator.get(QUEUE, {"sort": "due"}).content.decode())[0]
    words = rows(translator.get(QUEUE, {"sort": "words"}).content.decode())
    counts = [int(found[1]) for row in words if (found := re.search(r" (\d+)(?: changed of \d+)? (?:—|to you)", row))]
    assert counts == sorted(counts) and len(counts) == len(words)

    for hostile in ({"language": "de"}, {"state": "bogus"}, {"sort": "'; DROP"}, {"language": "x" * 500}, {"mine": "yes"}):
        response = translator.get(QUEUE, hostile)
        assert response.status_code == 200, hostile  # an unknown or forbidden value is ignored, never a 500
    assert "Nothing waits that matches" in translator.get(QUEUE, {"state": "review"}).content.decode()
