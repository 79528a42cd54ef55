"""The version state machine as a table: from which states each transition may be taken, by whom, and what a save is.

The journeys drive it through the services; this pins each rule on its own, so that a rule changed by mistake is
named by the test that fails (mutation testing found rules no other test held: `make mutate`).
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.utils import timezone

from articles import lifecycle
from articles.errors import Conflict, NotAllowed
from articles.lifecycle import Pending, Phase, State, Transition
from articles.models import Status
from articles.policies import EDITORS, TRANSLATORS, ensure_groups

T = Transition
STATES = {
    "draft": State(Phase.DRAFT),
    "in review": State(Phase.IN_REVIEW),
    "scheduled": State(Phase.SCHEDULED),
    "scheduled, pending": State(Phase.SCHEDULED, Pending.EDITING),
    "scheduled, pending in review": State(Phase.SCHEDULED, Pending.IN_REVIEW),
    "live": State(Phase.LIVE),
    "live, pending": State(Phase.LIVE, Pending.EDITING),
    "live, pending in review": State(Phase.LIVE, Pending.IN_REVIEW),
}
ALWAYS = {T.CREATE, T.SAVE, T.PUBLISH, T.RESTORE, T.DELETE, T.MAKE_SOURCE, T.COMMENT}
# From each state, the transitions the state allows (whoever asks).
ALLOWED_FROM = {
    "draft": ALWAYS | {T.SUBMIT, T.SCHEDULE, T.RESCHEDULE},
    "in review": ALWAYS | {T.SEND_BACK, T.APPROVE, T.SCHEDULE, T.RESCHEDULE},
    "scheduled": ALWAYS | {T.RESCHEDULE, T.UNPUBLISH},
    "scheduled, pending": ALWAYS | {T.SUBMIT, T.PUBLISH_PENDING, T.DISCARD_PENDING, T.RESCHEDULE, T.UNPUBLISH},
    "scheduled, pending in review": ALWAYS | {T.SEND_BACK, T.APPROVE, T.PUBLISH_PENDING, T.DISCARD_PENDING, T.RESCHEDULE, T.UNPUBLISH},
    "live": ALWAYS | {T.UNPUBLISH, T.GO_LIVE},
    "live, pending": ALWAYS | {T.SUBMIT, T.PUBLISH_PENDING, T.DISCARD_PENDING, T.UNPUBLISH, T.GO_LIVE},
    "live, pending in review": ALWAYS | {T.SEND_BACK, T.APPROVE, T.PUBLISH_PENDING, T.DISCARD_PENDING, T.UNPUBLISH, T.GO_LIVE},
}
EDITING = {T.CREATE, T.SAVE, T.SUBMIT, T.DISCARD_PENDING, T.RESCHEDULE, T.RESTORE, T.COMMENT}
PUBLISHING = {T.SEND_BACK, T.APPROVE, T.SCHEDULE, T.PUBLISH, T.PUBLISH_PENDING, T.UNPUBLISH}


def test_each_state_allows_exactly_its_transitions():
    allowed = {name: {t for t, rule in lifecycle.RULES.items() if rule.when(state)} for name, state in STATES.items()}
    assert allowed == ALLOWED_FROM


def test_what_a_state_says_of_itself():
    facts = {
        name: (state.published, state.live, state.has_pending, state.in_review, str(state.label), state.pending_label)
        for name, state in STATES.items()
    }
    assert facts == {
        "draft": (False, False, False, False, "Draft", None),
        "in review": (False, False, False, True, "In review", None),
        "scheduled": (True, False, False, False, "Scheduled", None),
        "scheduled, pending": (True, False, True, False, "Scheduled", "pending changes"),
        "scheduled, pending in review": (True, False, True, True, "Scheduled", "pending changes, in review"),
        "live": (True, True, False, False, "Published", None),
        "live, pending": (True, True, True, False, "Published", "pending changes"),
        "live, pending in review": (True, True, True, True, "Published", "pending changes, in review"),
    }


def test_a_version_is_live_from_its_minute_on_and_scheduled_before():
    now = timezone.now()
    assert lifecycle.phase_of(Status.PUBLISHED, now, now) == Phase.LIVE
    assert lifecycle.phase_of(Status.PUBLISHED, now - timedelta(seconds=1), now) == Phase.LIVE
    assert lifecycle.phase_of(Status.PUBLISHED, now + timedelta(seconds=1), now) == Phase.SCHEDULED
    assert lifecycle.phase_of(Status.PUBLISHED, None, now) == Phase.SCHEDULED  # passed, but not dated yet
    assert lifecycle.phase_of(Status.REVIEW, now - timedelta(days=1), now) == Phase.IN_REVIEW
    assert lifecycle.phase_of(Status.DRAFT, now - timedelta(days=1), now) == Phase.DRAFT


def person(name, *, languages=(), revises=()):
    ensure_groups()
    user = User.objects.create_user(name, is_staff=True)
    if name == "editor":
        user.groups.add(Group.objects.get(name=EDITORS))
    elif languages:
        user.groups.add(Group.objects.get(name=TRANSLATORS))
        for language in languages:
            user.translator_languages.create(language=language, may_publish=language in revises)
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_who_may_take_each_transition_in_each_language():
    people = {
        "editor": person("editor"),
        "translator": person("translator", languages=["fr"]),
        "reviser": person("reviser", languages=["fr", "de"], revises=["fr"]),
        "staff": person("staff"),
        "anonymous": AnonymousUser(),
    }
    may = {
        (name, language): {t for t in Transition if lifecycle.may(t, user, language)}
        for name, user in people.items()
        for language in ("fr", "de")
    }
    everything_but_the_clock = set(Transition) - {T.GO_LIVE}
    assert may == {
        ("editor", "fr"): everything_but_the_clock,
        ("editor", "de"): everything_but_the_clock,
        ("translator", "fr"): EDITING,
        ("translator", "de"): {T.COMMENT},
        ("reviser", "fr"): EDITING | PUBLISHING,
        ("reviser", "de"): EDITING,
        ("staff", "fr"): {T.COMMENT},
        ("staff", "de"): {T.COMMENT},
        ("anonymous", "fr"): {T.COMMENT},
        ("anonymous", "de"): {T.COMMENT},
    }
    assert all(lifecycle.may(t, None, "fr") for t in Transition)  # the system: the clock, jobs, imports


@pytest.mark.django_db
def test_require_refuses_the_person_first_then_the_state_and_offered_is_both():
    translator, editor = person("translator", languages=["fr"]), person("editor")
    draft = SimpleNamespace(language="fr")
    with pytest.raises(NotAllowed):
        lifecycle.require(T.PUBLISH, by=translator, version=draft, state=STATES["draft"])
    with pytest.raises(Conflict):
        lifecycle.require(T.SEND_BACK, by=editor, version=draft, state=STATES["draft"])
    assert lifecycle.require(T.SUBMIT, by=translator, version=draft, state=STATES["draft"]) == STATES["draft"]
    offered = lifecycle.offered(translator, draft, STATES["live, pending"])
    assert {t for t, yes in offered.items() if yes} == (EDITING & ALLOWED_FROM["live, pending"])
    assert {t for t, yes in lifecycle.offered(editor, draft, STATES["in review"]).items() if yes} == ALLOWED_FROM["in review"] - {T.GO_LIVE}


def test_what_a_save_is():
    now = timezone.now()
    past, future = now - timedelta(days=1), now + timedelta(days=1)
    cases = {
        ("draft", Status.DRAFT, None, False): T.SAVE,
        ("draft", Status.REVIEW, None, False): T.SUBMIT,
        ("draft", Status.PUBLISHED, past, False): T.PUBLISH,
        ("draft", Status.PUBLISHED, future, False): T.SCHEDULE,
        ("in review", Status.REVIEW, None, False): T.SAVE,
        ("in review", Status.DRAFT, None, False): T.SAVE,  # taken back from review by someone working on it
        ("in review", Status.PUBLISHED, past, False): T.PUBLISH,
        ("live", Status.DRAFT, past, False): T.UNPUBLISH,
        ("live", Status.REVIEW, past, False): T.UNPUBLISH,
        ("scheduled", Status.DRAFT, future, False): T.UNPUBLISH,
        ("live", Status.PUBLISHED, future, False): T.UNPUBLISH,  # moved into the future: it leaves readers until then
        ("scheduled", Status.PUBLISHED, future, False): T.SAVE,
        ("live", Status.PUBLISHED, past, False): T.SAVE,  # an edit: pending changes
        ("live", Status.PUBLISHED, past, True): T.PUBLISH,
        ("live, pending", Status.PUBLISHED, past, True): T.PUBLISH_PENDING,
        ("scheduled, pending", Status.PUBLISHED, future, True): T.PUBLISH_PENDING,
        ("live, pending", Status.PUBLISHED, past, False): T.SAVE,
    }
    found = {case: lifecycle.save_transition(STATES[case[0]], case[1], case[2], go_live=case[3]) for case in cases}
    assert found == cases
