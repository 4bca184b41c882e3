"""Reads of the people registry, always inside the access policy; reads of a person are audited."""

from __future__ import annotations

from django.db.models import BigIntegerField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import can, get_for, scope
from sanad.audit.services import audit_record
from sanad.people.models import Person, PersonIdentity
from sanad.people.names import name_tokens


def person_list(*, actor: Actor, search: str = "") -> QuerySet[Person]:
    qs = scope(actor, "person.list", Person.objects.filter(merged_into__isnull=True)).select_related("owner_unit")
    for token in name_tokens(search)[:5] if search else ():
        qs = qs.filter(Q(name_key__contains=token.replace("-", "")))
    return qs


def survivor_pk(pk: int) -> int:
    """The record that now stands for ``pk``: itself, or the survivor it was merged into."""
    for _ in range(20):  # merges re-point earlier ones, so chains are one step; the bound is a guard
        merged_into = Person.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
        if merged_into is None:
            return pk
        pk = merged_into
    return pk


def person_get(*, actor: Actor, pk: int, action: str = "person.view") -> Person:
    """One person within reach (Http404 alike for missing and forbidden); the read is audited.
    A merged record's id leads to its survivor."""
    pk = survivor_pk(pk)
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
    pk = survivor_pk(pk)
    person = Person.objects.select_related("owner_unit", "owner_unit__institution").filter(pk=pk).first()
    if person is not None and (
        scope(actor, "person.list", Person.objects.filter(pk=pk)).exists() or can(actor, "person.break_glass", person)
    ):
        return person
    if person is not None:
        audit_record(actor=actor, action="person.view", object_type="people.person", object_id=pk, outcome="denied")
    raise Http404


def count_unique_persons(*, persons: QuerySet[Person] | None = None) -> int:
    """How many distinct persons ``persons`` (default: the whole registry) stand for.

    A merged record counts as its survivor; records of one linked identity (a national run's
    cluster, joined or split by stewards' decisions) count once. For the statistics builders,
    which see counts only.
    """
    rows = persons if persons is not None else Person.objects.all()
    root = Coalesce("merged_into_id", "pk", output_field=BigIntegerField())
    identity = Subquery(PersonIdentity.objects.filter(person_id=OuterRef("root")).values("identity")[:1])
    counted = (
        rows.annotate(root=root)
        .annotate(who=Coalesce(identity, "root", output_field=BigIntegerField()))
        .aggregate(n=Count("who", distinct=True))
    )
    return int(counted["n"])
