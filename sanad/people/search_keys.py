"""The normalised keys a person is found by. The rules live in ``sanad.people.names``; the keys
are derived from the names only, never from phones, addresses or documents."""

from __future__ import annotations

from sanad.people.models import Person
from sanad.people.names import name_key as phonetic_key
from sanad.people.names import normalise_family_name, normalise_given_name


def name_key(person: Person) -> str:
    """Normalised chain (Arabic forms folded) and the cross-script keys, space separated, so a
    search in either script and any spelling variant finds the person by substring or key."""
    return name_key_of(
        person.first_name, person.father_name, person.grandfather_name, person.family_name, person.latin_name
    )


def name_key_of(first_name: str, father_name: str, grandfather_name: str, family_name: str, latin_name: str) -> str:
    """``name_key`` from the name fields alone (bulk loads build no model instance per row)."""
    chain = (first_name, father_name, grandfather_name)
    given = [normalise_given_name(p) for p in chain]
    family = normalise_family_name(family_name) if family_name else ""
    latin = [normalise_given_name(t) for t in latin_name.split()] if latin_name else []
    keys = [phonetic_key(p) for p in chain if p]
    keys += [phonetic_key(family_name, family=True)] if family_name else []
    keys += [phonetic_key(t, family=True) for t in latin_name.split()] if latin_name else []
    return " ".join(t for t in [*given, family, *latin, *keys] if t)
