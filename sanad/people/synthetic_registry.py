"""Synthetic persons straight into the registry, for tests and benchmarks (never in production).

Rows come from ``sanad.people.synthetic``; they are bulk-inserted (no audit, no jobs) because a
benchmark needs a hundred thousand persons in seconds, not an intake officer's day.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from sanad.accounts.models import User
from sanad.crypto.blind_index import blind_index
from sanad.institutions.models import Unit
from sanad.people.models import DocumentKind, IdentityDocument, Person, Sex
from sanad.people.names import parse_name_chain
from sanad.people.person_file import parse_dob
from sanad.people.search_keys import name_key

_SEX = {"m": Sex.MALE, "f": Sex.FEMALE}


def person_from_row(row: dict[str, str], *, latin: bool, unit: Unit, user: User) -> Person:
    """A Person for one generated row: Arabic rows fill the name chain, Latin rows the Latin name."""
    first, father, grandfather, family = (
        row["first_name"],
        row["father_name"],
        row["grandfather_name"],
        row["family_name"],
    )
    if row["full_name"] and not latin:
        chain = parse_name_chain(row["full_name"])
        first, father, grandfather, family = chain.first, chain.father, chain.grandfather, chain.family
    dob, estimated, _malformed = parse_dob(row["dob"])
    person = Person(
        owner_unit=unit,
        created_by=user,
        country_id=unit.institution.country_id,
        sex=_SEX.get(row["sex"], Sex.UNKNOWN),
        date_of_birth=dob,
        dob_is_estimated=estimated,
        phones=row["phone"] or None,
    )
    if latin:
        person.latin_name = row["full_name"] or " ".join(p for p in (first, father, grandfather, family) if p)
    else:
        person.first_name, person.father_name, person.grandfather_name, person.family_name = (
            first,
            father,
            grandfather,
            family,
        )
    person.name_key = name_key(person)
    return person


def load_rows(
    rows: Sequence[dict[str, str]], scripts: Sequence[str], *, unit: Unit, user: User, batch: int = 2000
) -> dict[str, int]:
    """Insert every row as a person (with its national ID); record_id → person id."""
    ids: dict[str, int] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [
                    person_from_row(row, latin=script == "latin", unit=unit, user=user)
                    for row, script in zip(chunk, scripts[start : start + batch], strict=True)
                ]
            )
            documents = [
                IdentityDocument(
                    person=person,
                    kind=DocumentKind.NATIONAL_ID,
                    number=row["national_id"],
                    number_index=blind_index(row["national_id"], purpose=DocumentKind.NATIONAL_ID),
                )
                for row, person in zip(chunk, persons, strict=True)
                if row["national_id"]
            ]
            IdentityDocument.objects.bulk_create(documents)
        ids.update({row["record_id"]: person.pk for row, person in zip(chunk, persons, strict=True)})
    return ids
