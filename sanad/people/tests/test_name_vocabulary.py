"""The name vocabulary that completes a half-typed last word: kept by triggers, completed by prefix,
refilled after a bulk load, and used by search while typing."""

from __future__ import annotations

import pytest
from django.db import connection

from sanad.access.actor import Actor
from sanad.institutions.roles import Role
from sanad.people.matching import find_candidates
from sanad.people.models import NameWord, Person
from sanad.people.name_vocabulary import completions, refresh_name_vocabulary
from sanad.people.services import PersonInput, person_register, person_update
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db


def test_registering_and_renaming_a_person_adds_the_words_of_its_name_key() -> None:
    officer = member(Role.INTAKE_OFFICER)
    actor = Actor(user=officer.user, membership=officer)
    person = person_register(actor=actor, data=PersonInput(first_name="منيرة", family_name="الكوهجي"))
    words = set(NameWord.objects.values_list("word", flat=True))
    assert set(person.name_key.split()) <= words
    assert "منيره" in words
    person_update(actor=actor, person=person, data=PersonInput(first_name="شيخة", family_name="الكوهجي"))
    assert NameWord.objects.filter(word="شيخه").exists()


def test_completions_are_the_shortest_words_with_the_prefix_and_treat_like_wildcards_literally() -> None:
    NameWord.objects.bulk_create(NameWord(word=w) for w in ["محمد", "محمدين", "محمود", "محسن", "a_b", "axb", "a%c"])
    assert completions("محم") == {"محمد", "محمدين", "محمود"}
    assert completions("محم", limit=2) == {"محمد", "محمود"}
    assert completions("محم", "محس") == {"محمد", "محمدين", "محمود", "محسن"}
    assert completions("a_") == {"a_b"}  # not "axb": the underscore is a letter here, not a wildcard
    assert completions("a%") == {"a%c"}
    assert completions("م") == set()  # one letter completes to nothing: too many names begin with it


def test_a_bulk_load_that_bypassed_the_triggers_is_refilled() -> None:
    officer = member(Role.INTAKE_OFFICER)
    actor = Actor(user=officer.user, membership=officer)
    person = person_register(actor=actor, data=PersonInput(first_name="دانة", family_name="بوعلاي"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        Person.objects.filter(pk=person.pk).update(name_key="دانه زهرائي DN ZHR")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert not NameWord.objects.filter(word="زهرائي").exists()
    refresh_name_vocabulary()
    assert NameWord.objects.filter(word="زهرائي").exists()


@pytest.mark.parametrize("typed", ["نوف عبدالر", "نوف عبدالرحم", "Nouf Abdulrah", "نوف الدوس"])
def test_a_half_typed_last_word_finds_the_person(typed: str) -> None:
    officer = member(Role.INTAKE_OFFICER)
    actor = Actor(user=officer.user, membership=officer)
    nouf = person_register(
        actor=actor, data=PersonInput(first_name="نوف", father_name="عبدالرحمن", family_name="الدوسري")
    ).pk
    other = person_register(
        actor=actor, data=PersonInput(first_name="نوف", father_name="خالد", family_name="المناعي")
    ).pk
    inside, _ = find_candidates(actor=actor, name=typed)
    found = [m.person.pk for m in inside]
    assert nouf in found and other not in found
