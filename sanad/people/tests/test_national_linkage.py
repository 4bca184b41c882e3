"""The national run and incremental linking over the registry, and stewards' decisions honoured."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.people.linking import link_new_person, link_registry, model_from_data
from sanad.people.models import LinkageRun, LinkCandidate, LinkStatus, PersonIdentity
from sanad.people.review import link_candidate_decide
from sanad.people.selectors import count_unique_persons
from sanad.people.services import PersonInput, person_register
from sanad.people.synthetic import generate_records
from sanad.people.synthetic_registry import load_rows
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db
SYSTEM = Actor.for_system("test")


@pytest.fixture
def registry() -> dict[str, Any]:
    generated = generate_records(records=600, seed=5)
    m = member(Role.INTAKE_OFFICER)
    ids = load_rows(generated.rows, [script for _, _, script in generated.truth], unit=m.unit, user=m.user)
    truth = {ids[record_id]: person for record_id, person, _ in generated.truth}
    return {"truth": truth, "member": m}


def identities() -> dict[int, int]:
    return dict(PersonIdentity.objects.values_list("person_id", "identity"))


def test_national_run_links_duplicates_and_stores_the_model(registry: dict[str, Any]) -> None:
    run = link_registry(actor=SYSTEM)
    truth = registry["truth"]
    found = identities()
    assert set(found) == set(truth)
    together = Counter((truth[p], found[p]) for p in truth)
    same_true = Counter(truth.values())
    true_pairs = sum(n * (n - 1) // 2 for n in same_true.values())
    found_true_pairs = sum(n * (n - 1) // 2 for n in together.values())
    assert found_true_pairs / true_pairs > 0.85  # recall on a small file, with little to learn from
    assert run.records == len(truth) and run.identities == len(set(found.values()))
    assert model_from_data(run.model or {}).prior > 0
    assert count_unique_persons() == run.identities
    assert AuditEvent.objects.filter(action="linkage.run", object_id=str(run.pk)).exists()


def test_decisions_are_respected_by_a_later_run(registry: dict[str, Any]) -> None:
    link_registry(actor=SYSTEM)
    truth, found = registry["truth"], identities()
    linked = next((a, b) for a in truth for b in truth if a < b and found[a] == found[b] and truth[a] == truth[b])
    apart = next((a, b) for a in truth for b in truth if a < b and found[a] != found[b] and truth[a] != truth[b])
    steward = member(Role.DATA_STEWARD)
    actor = Actor(user=steward.user, membership=steward)
    for (a, b), same in ((linked, False), (apart, True)):
        candidate = LinkCandidate.objects.update_or_create(person_a_id=a, person_b_id=b, defaults={"weight": 0.0})[0]
        link_candidate_decide(actor=actor, candidate=candidate, same_person=same)
    # The decision acts at once…
    now = identities()
    assert now[linked[0]] != now[linked[1]] and now[apart[0]] == now[apart[1]]
    # …and a later run honours it whatever the model says.
    link_registry(actor=SYSTEM)
    again = identities()
    assert again[linked[0]] != again[linked[1]]
    assert again[apart[0]] == again[apart[1]]
    assert set(LinkCandidate.objects.exclude(status=LinkStatus.PENDING).values_list("status", flat=True)) == {
        LinkStatus.CONFIRMED,
        LinkStatus.REJECTED,
    }
    assert AuditEvent.objects.filter(action="linkage.decide", user_id=steward.user.pk).count() == 2


def test_a_new_person_is_linked_incrementally_with_the_stored_model(
    registry: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    link_registry(actor=SYSTEM)
    m = registry["member"]
    actor = Actor(user=m.user, membership=m)
    first = person_register(
        actor=actor,
        data=PersonInput(first_name="عبدالله", father_name="خليل", family_name="الزياني", date_of_birth=None),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = person_register(
            actor=actor,
            data=PersonInput(first_name="عبد اللة", father_name="خليل", family_name="زياني"),
        )
    assert len(callbacks) == 1  # the incremental link was queued when the registration committed
    from procrastinate.contrib.django.models import ProcrastinateJob

    assert ProcrastinateJob.objects.filter(task_name__endswith="link_new_person_job").exists()
    link_new_person(actor=SYSTEM, person_id=first.pk)
    run = link_new_person(actor=SYSTEM, person_id=second.pk)
    assert run is not None and run.kind == LinkageRun.Kind.INCREMENTAL
    # Another spelling of the same name chain: the same person outright.
    assert identities()[second.pk] == identities()[first.pk]
    # A steward says otherwise: linking the person again keeps them apart.
    steward = member(Role.DATA_STEWARD)
    candidate = LinkCandidate.objects.create(person_a=first, person_b=second, weight=9.0)
    link_candidate_decide(actor=Actor(user=steward.user, membership=steward), candidate=candidate, same_person=False)
    link_new_person(actor=SYSTEM, person_id=second.pk)
    assert identities()[second.pk] != identities()[first.pk]


def test_incremental_linking_waits_for_a_first_national_run(registry: dict[str, Any]) -> None:
    m = registry["member"]
    person = person_register(actor=Actor(user=m.user, membership=m), data=PersonInput(first_name="مريم"))
    assert link_new_person(actor=SYSTEM, person_id=person.pk) is None


def test_the_command_runs_or_queues_the_national_run_and_logs_no_personal_data(
    registry: dict[str, Any], caplog: Any
) -> None:
    import logging
    from io import StringIO

    from django.core.management import call_command
    from procrastinate.contrib.django.models import ProcrastinateJob

    out = StringIO()
    with caplog.at_level(logging.DEBUG):
        call_command("link_registry", stdout=out)
    run = LinkageRun.objects.get(kind=LinkageRun.Kind.BATCH)
    assert f"run {run.pk}: records {run.records}" in out.getvalue()
    assert run.candidates == LinkCandidate.objects.filter(status=LinkStatus.PENDING).count() > 0
    # Only counts reach the log: no name, in either script, and no number.
    from sanad.people.models import Person

    sample = Person.objects.exclude(family_name="").values_list("family_name", flat=True)[:50]
    assert not any(name in caplog.text for name in sample)
    assert not any(ch.isalpha() and ord(ch) > 0x600 for ch in caplog.text)
    call_command("link_registry", "--queue", stdout=StringIO())
    assert ProcrastinateJob.objects.filter(task_name__endswith="link_registry_job").count() == 1


def test_an_edit_of_identifying_facts_queues_linking_again(
    registry: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from sanad.people.services import person_update

    m = registry["member"]
    actor = Actor(user=m.user, membership=m)
    person = person_register(actor=actor, data=PersonInput(first_name="مريم", family_name="علي"))
    with django_capture_on_commit_callbacks(execute=False) as renamed:
        person_update(actor=actor, person=person, data=PersonInput(first_name="مريم", family_name="العلي"))
    with django_capture_on_commit_callbacks(execute=False) as unchanged:
        person_update(actor=actor, person=person, data=PersonInput(first_name="مريم", family_name="العلي"))
    assert len(renamed) == 1 and len(unchanged) == 0
