"""Search while typing at intake: likely existing persons, ranked, with why they match.

Candidates come from the blind index of identity numbers and from the words of the normalised
name keys (a GIN index over them; the half-typed last word is completed from the name vocabulary).
Persons outside the officer's reach are reported only as "a probable match exists; contact this
institution" — never a name or any content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sanad.access.actor import Actor
from sanad.access.policy import dangerously_unscoped, scope
from sanad.audit.services import audit_record
from sanad.crypto.blind_index import blind_index
from sanad.people.models import DocumentKind, IdentityDocument, Person, name_words
from sanad.people.name_vocabulary import completions
from sanad.people.names import name_key as phonetic_key
from sanad.people.names import name_tokens, normalise_family_name

MAX_CANDIDATES = 200
MAX_RESULTS = 10


@dataclass
class Match:
    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    within_reach: bool = True


def name_filter(tokens: tuple[str, ...], *, field: str = "words") -> Q:
    """Each typed word must be a word of the person's keys (the array ``field``), in any of its
    forms: as typed (normalised), without a family name's article (الحداد is kept as حداد), or as a
    given or a family name's cross-script key. The last word may still be half typed, so it may also
    be any word it is the beginning of (from the vocabulary). Every condition is then an exact-word
    lookup: one scan of the word index intersects them all, and only rows matching every word are
    fetched. Used for persons (``words``) and for cases (their survivor's words)."""
    condition = Q()
    for n, token in enumerate(tokens):
        plain = token.replace("-", "")
        given, family = phonetic_key(plain), phonetic_key(plain, family=True)
        forms = {plain, normalise_family_name(plain), given, family} - {""}
        if n == len(tokens) - 1:
            # A family name is stored without its article: "الدوس" must complete as "دوس" too,
            # and "المو", still too short to be a family name, as "مو" (→ مويد).
            bare = plain[2:] if plain.startswith("ال") and len(plain) > 3 else ""
            forms |= completions(plain, normalise_family_name(plain), bare, given, family)
        condition &= Q(**{f"{field}__overlap": sorted(forms)})
    return condition


@dataclass(frozen=True, slots=True)
class _Row:
    """What ranking needs of a candidate: full persons are loaded only for the few that are shown."""

    pk: int
    name_key: str
    date_of_birth: dt.date | None
    dob_is_estimated: bool
    institution_id: int


@dataclass
class _Ranked:
    row: _Row
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _score(person: _Row, tokens: tuple[str, ...], dob: dt.date | None, id_person_ids: set[int]) -> _Ranked:
    match = _Ranked(row=person)
    if person.pk in id_person_ids:
        match.score += 100
        match.reasons.append(str(_("same identity number")))
    words = set(person.name_key.split())
    exact = sum(1 for t in tokens if t.replace("-", "") in words)
    if tokens and exact == len(tokens):
        match.score += 20 + 5 * exact
        match.reasons.append(str(_("same name chain")))
    elif tokens:
        match.score += 10 + 3 * exact
        match.reasons.append(str(_("similar name")))
    if dob and person.date_of_birth:
        gap = abs((person.date_of_birth - dob).days)
        if gap == 0:
            match.score += 15
            match.reasons.append(str(_("same date of birth")))
        elif gap <= 400 or person.dob_is_estimated:
            match.score += 5
            match.reasons.append(str(_("close date of birth")))
    return match


def find_candidates(
    *, actor: Actor, name: str = "", dob: dt.date | None = None, id_number: str = ""
) -> tuple[list[Match], list[Match]]:
    """(matches within reach, probable matches outside it). Both ranked, best first."""
    tokens = name_tokens(name)[:6] if name else ()
    id_person_ids: set[int] = set()
    if id_number.strip():
        indexes = [blind_index(id_number, purpose=kind) for kind in DocumentKind.values]
        id_person_ids = set(
            IdentityDocument.objects.filter(number_index__in=indexes).values_list("person_id", flat=True)
        )
    if not tokens and not id_person_ids:
        return [], []
    condition = Q(pk__in=id_person_ids)
    if tokens:
        condition |= name_filter(tokens)
    # No ORDER BY (the scoring below ranks) and plain columns only: sorting every candidate, or
    # building and decrypting full persons for them, is what made this slow on a large registry.
    base: QuerySet[Person] = (
        Person.objects.filter(merged_into__isnull=True).alias(words=name_words()).filter(condition).order_by()
    )
    unscoped = dangerously_unscoped(
        base, reason="intake must learn that a probable match exists elsewhere, without seeing it"
    )
    columns = ("pk", "name_key", "date_of_birth", "dob_is_estimated", "owner_unit__institution_id")
    everyone = [_Row(*row) for row in _first_rows(unscoped.values_list(*columns), MAX_CANDIDATES)]
    reachable_ids = set(
        scope(actor, "person.list", Person.objects.filter(pk__in=[p.pk for p in everyone])).values_list("pk", flat=True)
    )
    inside, outside = [], []
    for row in everyone:
        ranked = _score(row, tokens, dob, id_person_ids)
        if row.pk in reachable_ids:
            inside.append(ranked)
        elif ranked.score >= 25:
            outside.append(ranked)
    inside.sort(key=lambda m: (-m.score, m.row.pk))
    outside.sort(key=lambda m: (-m.score, m.row.pk))
    shown_inside, shown_outside = inside[:MAX_RESULTS], _one_per_institution(outside)
    audit_record(
        actor=actor,
        action="person.search",
        object_type="people.person",
        details={
            "tokens": len(tokens),
            "by_id": bool(id_number.strip()),
            "within_reach": len(inside),
            "elsewhere": len(outside),
        },
    )
    persons = Person.objects.select_related("owner_unit", "owner_unit__institution").defer("phones", "address")
    loaded = persons.in_bulk([m.row.pk for m in [*shown_inside, *shown_outside]])
    return (
        [Match(person=loaded[m.row.pk], score=m.score, reasons=m.reasons) for m in shown_inside],
        [Match(person=loaded[m.row.pk], score=m.score, reasons=m.reasons, within_reach=False) for m in shown_outside],
    )


def _first_rows(rows: QuerySet[Any], limit: int) -> list[tuple[Any, ...]]:
    """The first ``limit`` rows of ``rows``, read through the word index. With a plain LIMIT the
    planner, expecting thousands of persons to share a common name, prefers walking the table until
    it has enough; that reads tens of thousands of rows. Planned whole inside a materialised CTE, the
    query takes the word index, and the LIMIT outside still stops the heap reads early."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH hits AS MATERIALIZED ({sql}) SELECT * FROM hits LIMIT %s", [*params, limit])  # noqa: S608 (SQL compiled by the ORM)
        return cursor.fetchall()


def _one_per_institution(matches: list[_Ranked]) -> list[_Ranked]:
    seen: set[int] = set()
    kept = []
    for match in matches:
        institution = match.row.institution_id
        if institution not in seen:
            seen.add(institution)
            kept.append(match)
    return kept[:MAX_RESULTS]
