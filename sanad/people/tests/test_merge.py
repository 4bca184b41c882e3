"""Merge and unmerge: everything that pointed to the duplicate points to the survivor; unmerge
restores exactly what was before; both audited; a merged id leads to the survivor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.people.merge import MergeRefused, _movable, person_merge, person_unmerge
from sanad.people.models import IdentityDocument, LinkCandidate, Person, PersonIdentity
from sanad.people.selectors import count_unique_persons, person_get
from sanad.people.services import DocumentInput, PersonInput, person_register
from sanad.testing.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two() -> dict[str, Any]:
    intake = member(Role.INTAKE_OFFICER)
    actor = Actor(user=intake.user, membership=intake)
    survivor = person_register(
        actor=actor,
        data=PersonInput(
            first_name="عبدالله",
            family_name="الحداد",
            documents=[DocumentInput(kind="national_id", number="850123456")],
        ),
    )
    duplicate = person_register(
        actor=actor,
        data=PersonInput(
            first_name="عبد الله",
            family_name="حداد",
            documents=[
                DocumentInput(kind="passport", number="P1234567"),
                DocumentInput(kind="residence", number="R765"),
            ],
        ),
    )
    earlier = person_register(actor=actor, data=PersonInput(first_name="عبدالله", family_name="حداد"))
    steward = member(Role.DATA_STEWARD)
    steward_actor = Actor(user=steward.user, membership=steward)
    # An earlier merge into the duplicate: it must follow the duplicate to the survivor and back.
    person_merge(actor=steward_actor, survivor=duplicate, duplicate=earlier, reason="same passport")
    return {
        "intake": intake,
        "actor": actor,
        "steward": steward_actor,
        "survivor": survivor,
        "duplicate": duplicate,
        "earlier": earlier,
    }


def pointing_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every relation a merge may move, and every person's merge link."""
    rows = {
        model._meta.label_lower + "." + column: sorted(model._base_manager.values_list("pk", column))
        for model, column in _movable()
    }
    rows["people.person.merged_into_id"] = sorted(Person.objects.values_list("pk", "merged_into_id"))
    return rows


def test_merge_moves_everything_and_unmerge_restores_it_exactly(two: dict[str, Any]) -> None:
    survivor, duplicate, earlier = two["survivor"], two["duplicate"], two["earlier"]
    before = pointing_rows()
    assert any(model is IdentityDocument for model, _ in _movable())
    merge = person_merge(actor=two["steward"], survivor=survivor, duplicate=duplicate, reason="same person, confirmed")
    assert IdentityDocument.objects.filter(person=survivor).count() == 3
    assert not IdentityDocument.objects.filter(person=duplicate).exists()
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk  # marked, never deleted
    assert Person.objects.get(pk=earlier.pk).merged_into_id == survivor.pk
    assert {e["model"] for e in merge.snapshot["moved"]} == {"people.identitydocument"}
    # Lookups of the merged id lead to the survivor.
    intake = two["actor"]
    assert person_get(actor=intake, pk=duplicate.pk).pk == survivor.pk
    assert person_get(actor=intake, pk=earlier.pk).pk == survivor.pk
    person_unmerge(actor=two["steward"], merge=merge, reason="two different persons after all")
    assert pointing_rows() == before
    events = AuditEvent.objects.filter(action__in=["person.merge", "person.unmerge"], object_id=str(survivor.pk))
    assert sorted(events.values_list("action", flat=True)) == ["person.merge", "person.unmerge"]
    with pytest.raises(MergeRefused):
        person_unmerge(actor=two["steward"], merge=merge)


def test_merged_id_redirects_on_the_page(two: dict[str, Any], client: Client) -> None:
    person_merge(actor=two["steward"], survivor=two["survivor"], duplicate=two["duplicate"], reason="same")
    client.login(username=two["intake"].user.username, password=TEST_PASSWORD)
    response = client.get(f"/people/{two['duplicate'].pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{two['survivor'].pk}/"


def test_only_stewards_merge_and_nothing_changes_on_refusal(two: dict[str, Any]) -> None:
    before = pointing_rows()
    with pytest.raises(Denied):
        person_merge(actor=two["actor"], survivor=two["survivor"], duplicate=two["duplicate"], reason="x")
    with pytest.raises(MergeRefused):
        person_merge(actor=two["steward"], survivor=two["survivor"], duplicate=two["earlier"], reason="x")
    assert pointing_rows() == before
    assert AuditEvent.objects.filter(action="person.merge", outcome="denied").exists()


def test_unique_persons_count_merges_and_confirmed_identities(two: dict[str, Any]) -> None:
    survivor, duplicate = two["survivor"], two["duplicate"]
    third = person_register(actor=two["actor"], data=PersonInput(first_name="سارة"))
    # Three records left standing (earlier is merged into duplicate): three persons.
    assert count_unique_persons() == 3
    merge = person_merge(actor=two["steward"], survivor=survivor, duplicate=duplicate, reason="same")
    assert count_unique_persons() == 2
    person_unmerge(actor=two["steward"], merge=merge)
    assert count_unique_persons() == 3
    from sanad.people.review import link_candidate_decide

    candidate = LinkCandidate.objects.create(person_a=survivor, person_b=third, weight=1.0)
    link_candidate_decide(actor=two["steward"], candidate=candidate, same_person=True)
    assert count_unique_persons() == 2
    assert count_unique_persons(persons=Person.objects.filter(pk__in=[survivor.pk, third.pk])) == 1
    assert PersonIdentity.objects.get(person=third).identity == survivor.pk
