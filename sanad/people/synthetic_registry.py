"""Synthetic persons straight into the registry, for tests and benchmarks (never in production).

Rows come from ``sanad.people.synthetic``; they are bulk-inserted (no audit, no jobs) because a
benchmark needs a hundred thousand persons in seconds, not an intake officer's day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction

from sanad.accounts.models import User
from sanad.crypto.blind_index import blind_index
from sanad.institutions.models import Unit
from sanad.people.models import DocumentKind, IdentityDocument, Person, Sex
from sanad.people.name_vocabulary import refresh_name_vocabulary
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


def copy_rows(
    rows: Sequence[dict[str, str]],
    scripts: Sequence[str],
    *,
    unit: Unit,
    user: User,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert every row as a person (with its national ID) through COPY: a million in minutes.

    Benchmark databases only. Values go through each field's own ``get_db_prep_save`` (so phones
    and numbers are encrypted as in production), ids are taken from the sequence up front so the
    documents can point at their persons, and history triggers are not fired (``session_replication_role``):
    a benchmark registry has no history to keep. Returns the number of persons inserted.
    """

    def fields_of(model: type[Person | IdentityDocument]) -> list[Any]:
        return [f for f in model._meta.concrete_fields if not f.primary_key]

    def copy_sql(model: type[Person | IdentityDocument]) -> str:
        names = ["id", *(f.column for f in fields_of(model))]
        quote = connection.ops.quote_name
        return f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in names)}) FROM STDIN"

    def values(obj: Person | IdentityDocument, fields: list[Any]) -> list[object]:
        return [obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)]

    person_fields, document_fields = fields_of(Person), fields_of(IdentityDocument)
    # Nothing may query the database while COPY holds the connection: load what rows need first.
    if unit.institution.country_id is None:
        raise ValueError("the unit's institution has no country")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Reserve the ids up front (documents must name their person) by moving each sequence on.
        reserved = []
        for table, count in ((Person._meta.db_table, len(rows)), (IdentityDocument._meta.db_table, len(rows))):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')), setval(pg_get_serial_sequence(%s, 'id'), "
                "currval(pg_get_serial_sequence(%s, 'id')) + %s)",
                [table, table, table, count],
            )
            reserved.append(int(cursor.fetchone()[0]))
        next_person, next_document = reserved
        documents: list[list[object]] = []
        with cursor.cursor.copy(copy_sql(Person)) as copy:  # the psycopg cursor underneath
            for n, (row, script) in enumerate(zip(rows, scripts, strict=True), start=1):
                person = person_from_row(row, latin=script == "latin", unit=unit, user=user)
                person.pk = next_person
                next_person += 1
                copy.write_row(values(person, person_fields))
                if row["national_id"]:
                    document = IdentityDocument(
                        pk=next_document,
                        person_id=person.pk,
                        kind=DocumentKind.NATIONAL_ID,
                        number=row["national_id"],
                        number_index=blind_index(row["national_id"], purpose=DocumentKind.NATIONAL_ID),
                    )
                    next_document += 1
                    documents.append(values(document, document_fields))
                if progress is not None and n % 100_000 == 0:
                    progress(n)
        with cursor.cursor.copy(copy_sql(IdentityDocument)) as copy:
            for document_values in documents:
                copy.write_row(document_values)
        refresh_name_vocabulary()  # the replica role kept its triggers from firing
    return len(rows)
