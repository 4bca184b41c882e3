"""Every write to the people registry: access checked first, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from sanad.access.actor import Actor
from sanad.access.models import Confidentiality
from sanad.access.policy import require
from sanad.audit.history import history_context
from sanad.audit.services import audit_record
from sanad.crypto.blind_index import blind_index
from sanad.people.models import IdentityDocument, Person
from sanad.people.search_keys import name_key


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    number: str
    issuing_country: str = ""


@dataclass(frozen=True)
class PersonInput:
    first_name: str = ""
    father_name: str = ""
    grandfather_name: str = ""
    family_name: str = ""
    latin_name: str = ""
    sex: str = "unknown"
    date_of_birth: dt.date | None = None
    dob_is_estimated: bool = False
    nationality: str = ""
    phones: str = ""
    address: str = ""
    documents: list[DocumentInput] = field(default_factory=list)


CHANGED_FIELDS = (
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "latin_name",
    "sex",
    "date_of_birth",
    "dob_is_estimated",
    "nationality",
    "phones",
    "address",
)


def _apply(person: Person, data: PersonInput) -> list[str]:
    changed = []
    for name in CHANGED_FIELDS:
        value = getattr(data, name)
        if name in ("phones", "address"):
            value = value or None
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    person.name_key = name_key(person)
    return changed


def person_register(*, actor: Actor, data: PersonInput) -> Person:
    require(actor, "person.create")
    membership = actor.membership
    if membership is None:  # require() has already refused; this narrows the type
        raise ValueError("no acting membership")
    with transaction.atomic(), history_context(actor):
        person = Person(owner_unit=membership.unit, created_by=actor.user, country=membership.unit.institution.country)
        _apply(person, data)
        person.save()
        for doc in data.documents:
            IdentityDocument.objects.create(
                person=person,
                kind=doc.kind,
                issuing_country=doc.issuing_country,
                number=doc.number,
                number_index=blind_index(doc.number, purpose=doc.kind),
            )
        # Field names only: the audit trail must not become a copy of the personal data.
        audit_record(
            actor=actor,
            action="person.create",
            object_type="people.person",
            object_id=person.pk,
            details={"documents": len(data.documents)},
        )
        person_id = person.pk
        transaction.on_commit(lambda: _queue_incremental_link(person_id=person_id))
    return person


def _queue_incremental_link(*, person_id: int) -> None:
    from sanad.people.tasks import link_new_person_job

    link_new_person_job.defer(person_id=person_id)


def person_update(*, actor: Actor, person: Person, data: PersonInput) -> Person:
    require(actor, "person.edit", person)
    with transaction.atomic(), history_context(actor):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = _apply(locked, data)
        if changed:
            locked.save()
            audit_record(
                actor=actor,
                action="person.edit",
                object_type="people.person",
                object_id=locked.pk,
                details={"fields": changed},
            )
            if set(changed) & _IDENTIFYING:  # who this is may have changed: link again with the new facts
                transaction.on_commit(lambda: _queue_incremental_link(person_id=locked.pk))
    return locked


_IDENTIFYING = {
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "latin_name",
    "sex",
    "date_of_birth",
    "dob_is_estimated",
    "phones",
}


def person_set_confidentiality(*, actor: Actor, person: Person, level: str, reason: str) -> Person:
    if level not in Confidentiality.values:
        raise ValueError(f"unknown confidentiality level {level!r}")
    require(actor, "person.set_confidentiality", person)
    with transaction.atomic(), history_context(actor):
        before = person.confidentiality
        Person.objects.filter(pk=person.pk).update(confidentiality=level)
        person.confidentiality = level
        audit_record(
            actor=actor,
            action="person.set_confidentiality",
            object_type="people.person",
            object_id=person.pk,
            reason=reason,
            details={"from": before, "to": level},
        )
    return person
