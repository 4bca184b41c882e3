"""Reads of the people registry, always inside the access policy; reads of a person are audited."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import can, get_for, scope
from sanad.audit.services import audit_record
from sanad.people.models import Person
from sanad.people.names import name_tokens


def person_list(*, actor: Actor, search: str = "") -> QuerySet[Person]:
    qs = scope(actor, "person.list", Person.objects.filter(merged_into__isnull=True)).select_related("owner_unit")
    for token in name_tokens(search)[:5] if search else ():
        qs = qs.filter(Q(name_key__contains=token.replace("-", "")))
    return qs


def person_get(*, actor: Actor, pk: int, action: str = "person.view") -> Person:
    """One person within reach (Http404 alike for missing and forbidden); the read is audited."""
    person = get_for(actor, action, Person.objects.select_related("owner_unit", "owner_unit__institution"), pk=pk)
    audit_record(actor=actor, action=action, object_type="people.person", object_id=person.pk)
    return person


def person_open_or_closed(*, actor: Actor, pk: int) -> tuple[Person, bool]:
    """(person, True) with the read audited when the actor may read it; (person, False) when they may
    only see that it exists (sealed, or break-glass possible) — that refusal of content is audited too."""
    reachable = person_reachable(actor=actor, pk=pk)
    if can(actor, "person.view", reachable):
        return person_get(actor=actor, pk=pk), True
    audit_record(actor=actor, action="person.view", object_type="people.person", object_id=pk, outcome="denied")
    return reachable, False


def person_reachable(*, actor: Actor, pk: int) -> Person:
    """A person the actor may see listed, or may break the glass on: the page then shows that the
    record exists and whose it is, never its content. Anything else is Http404 like a missing one."""
    person = Person.objects.select_related("owner_unit", "owner_unit__institution").filter(pk=pk).first()
    if person is not None and (
        scope(actor, "person.list", Person.objects.filter(pk=pk)).exists() or can(actor, "person.break_glass", person)
    ):
        return person
    if person is not None:
        audit_record(actor=actor, action="person.view", object_type="people.person", object_id=pk, outcome="denied")
    raise Http404
