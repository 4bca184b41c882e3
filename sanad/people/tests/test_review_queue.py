"""The stewards' review queue: who may use it (pages and API), audited reads, htmx decisions,
merge and unmerge from the page, and a pinned number of queries for the queue page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.people.models import IdentityDocument, LinkCandidate, LinkStatus, Person, PersonMerge
from sanad.people.services import DocumentInput, PersonInput, person_register
from sanad.testing.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


def _persons(n: int) -> list[Person]:
    intake = member(Role.INTAKE_OFFICER)
    actor = Actor(user=intake.user, membership=intake)
    return [
        person_register(
            actor=actor,
            data=PersonInput(
                first_name="عبدالله",
                family_name=f"الحداد{i}",
                phones="36001234",
                documents=[DocumentInput(kind="national_id", number=f"85012345{i}")],
            ),
        )
        for i in range(n)
    ]


def _candidates(persons: list[Person]) -> list[LinkCandidate]:
    reasons = {"first": [6, 3.1], "family": [2, -0.4], "dob": [0, 0.0], "national_id": [1, -8.0]}
    return [
        LinkCandidate.objects.create(person_a=a, person_b=b, weight=1.5 - i, reasons=reasons)
        for i, (a, b) in enumerate(zip(persons[::2], persons[1::2], strict=True))
    ]


@pytest.fixture
def queue() -> list[LinkCandidate]:
    return _candidates(_persons(4))


def _login(client: Client, role: str) -> Any:
    m = member(role)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    return m


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_stewards_reach_the_queue(queue: list[LinkCandidate], client: Client, role: str) -> None:
    m = _login(client, role)
    candidate = queue[0]
    before = list(LinkCandidate.objects.values_list("pk", "status"))
    pages = {
        "list": client.get("/people/review/"),
        "detail": client.get(f"/people/review/{candidate.pk}/"),
        "api_list": client.get("/api/v1/link-candidates/"),
        "api_detail": client.get(f"/api/v1/link-candidates/{candidate.pk}/"),
    }
    decide = client.post(f"/people/review/{candidate.pk}/decide/", {"decision": "same"})
    api_decide = client.post(
        f"/api/v1/link-candidates/{candidate.pk}/decide/", {"same_person": False}, content_type="application/json"
    )
    merge = client.post(f"/people/review/{candidate.pk}/merge/", {"reason": "a reason long enough"})
    api_merge = client.post(
        f"/api/v1/link-candidates/{candidate.pk}/merge/", {"reason": "a reason"}, content_type="application/json"
    )
    if role == Role.DATA_STEWARD:
        assert {k: r.status_code for k, r in pages.items()} == dict.fromkeys(pages, 200)
        assert "عبدالله" in pages["detail"].content.decode()
        assert "36001234" not in pages["detail"].content.decode()  # phones are never shown for review
        # Reading the two persons for review is audited, with the pair it was for.
        reads = AuditEvent.objects.filter(action="person.view", user_id=m.user.pk, details__purpose="linkage_review")
        assert {e.object_id for e in reads} == {str(candidate.person_a_id), str(candidate.person_b_id)}
        assert AuditEvent.objects.filter(action="linkage.review_list", user_id=m.user.pk).count() == 2
        assert decide.status_code == 302 and api_decide.status_code == 200
        assert LinkCandidate.objects.get(pk=candidate.pk).status == LinkStatus.REJECTED
        assert merge.status_code == 302 and not PersonMerge.objects.exists()  # a rejected pair is never merged
        assert api_merge.status_code == 400 and "__all__" in api_merge.json()
        return
    assert pages["list"].status_code == 403 and pages["api_list"].status_code == 403
    assert pages["detail"].status_code == 404 and pages["api_detail"].status_code == 404
    assert decide.status_code == 404 and api_decide.status_code == 404 and merge.status_code == 404
    assert api_merge.status_code == 404
    assert not PersonMerge.objects.exists()
    assert list(LinkCandidate.objects.values_list("pk", "status")) == before
    assert AuditEvent.objects.filter(user_id=m.user.pk, outcome="denied", action="linkage.review").count() >= 3
    assert not AuditEvent.objects.filter(user_id=m.user.pk, outcome="allowed", action="person.view").exists()


def test_a_steward_may_not_open_a_person_record_itself(queue: list[LinkCandidate], client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    person = queue[0].person_a
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    assert client.get("/people/").status_code == 403


def test_decide_with_htmx_swaps_the_decision_block(queue: list[LinkCandidate], client: Client) -> None:
    m = _login(client, Role.DATA_STEWARD)
    candidate = queue[0]
    response = client.post(f"/people/review/{candidate.pk}/decide/", {"decision": "different"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="decision"' in body and "<html" not in body
    decided = LinkCandidate.objects.get(pk=candidate.pk)
    assert decided.status == LinkStatus.REJECTED and decided.decided_by_id == m.user.pk
    assert client.post(f"/people/review/{candidate.pk}/decide/", {"decision": "maybe"}).status_code == 400


def test_api_decision(queue: list[LinkCandidate], client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    candidate = queue[1]
    response = client.post(
        f"/api/v1/link-candidates/{candidate.pk}/decide/", {"same_person": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == LinkStatus.CONFIRMED


def test_merge_and_unmerge_from_the_review_page(queue: list[LinkCandidate], client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    candidate = queue[0]
    reason = {"reason": "Same national ID after correction"}
    # Not before it is confirmed.
    client.post(f"/people/review/{candidate.pk}/merge/", reason)
    assert not PersonMerge.objects.exists()
    client.post(f"/people/review/{candidate.pk}/decide/", {"decision": "same"})
    client.post(f"/people/review/{candidate.pk}/merge/", reason)
    merge = PersonMerge.objects.get()
    assert (merge.survivor_id, merge.duplicate_id) == (candidate.person_a_id, candidate.person_b_id)
    assert IdentityDocument.objects.filter(person_id=candidate.person_a_id).count() == 2
    page = client.get(f"/people/review/{candidate.pk}/")
    assert 'data-testid="unmerge"' in page.content.decode()
    client.post(f"/people/review/{candidate.pk}/unmerge/{merge.pk}/", reason)
    assert IdentityDocument.objects.filter(person_id=candidate.person_a_id).count() == 1
    assert Person.objects.get(pk=candidate.person_b_id).merged_into_id is None


def test_merge_and_unmerge_through_the_api(queue: list[LinkCandidate], client: Client) -> None:
    """Same service and policy as the page; Idempotency-Key replays; both directions audited."""
    m = _login(client, Role.DATA_STEWARD)
    candidate = queue[0]
    url = f"/api/v1/link-candidates/{candidate.pk}"
    body = {"reason": "Same national ID after correction"}
    assert client.post(f"{url}/merge/", {}, content_type="application/json").status_code == 400  # no reason
    client.post(f"{url}/decide/", {"same_person": True}, content_type="application/json")
    first = client.post(f"{url}/merge/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="merge-1")
    again = client.post(f"{url}/merge/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="merge-1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json() and PersonMerge.objects.count() == 1
    merge = PersonMerge.objects.get()
    assert first.json()["survivor"] == candidate.person_a_id == merge.survivor_id
    assert IdentityDocument.objects.filter(person_id=candidate.person_a_id).count() == 2
    # A second merge without the key is a new request, refused with the reason and changing nothing.
    refused = client.post(f"{url}/merge/", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["__all__"] and PersonMerge.objects.count() == 1
    # Only a merge of this pair can be undone here.
    assert client.post(f"{url}/unmerge/", {"merge": merge.pk + 99}, content_type="application/json").status_code == 404
    undo = {"merge": merge.pk, "reason": "Two sisters after all"}
    undone = client.post(f"{url}/unmerge/", undo, content_type="application/json", HTTP_IDEMPOTENCY_KEY="undo-1")
    replay = client.post(f"{url}/unmerge/", undo, content_type="application/json", HTTP_IDEMPOTENCY_KEY="undo-1")
    assert undone.status_code == replay.status_code == 200 and undone.json()["unmerged_at"]
    assert IdentityDocument.objects.filter(person_id=candidate.person_a_id).count() == 1
    assert Person.objects.get(pk=candidate.person_b_id).merged_into_id is None
    assert client.post(f"{url}/unmerge/", undo, content_type="application/json").status_code == 400  # already undone
    actions = list(AuditEvent.objects.filter(user_id=m.user.pk, action__in=["person.merge", "person.unmerge"]))
    assert sorted(e.action for e in actions) == ["person.merge", "person.unmerge"]


def test_queue_page_queries_do_not_grow_with_the_queue(client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    _candidates(_persons(4))
    client.get("/people/review/")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/people/review/").status_code == 200
    _candidates(_persons(20))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/people/review/")
    assert response.content.decode().count('data-testid="candidate"') == 12
    assert len(many) == len(few) == QUEUE_PAGE_QUERIES, [q["sql"] for q in many.captured_queries]


# Session, user, membership, MFA, count, one page of pairs with both persons and institutions, the audit row,
# the inbox count in the top bar.
QUEUE_PAGE_QUERIES = 13


def test_a_sealed_person_is_compared_by_levels_only(queue: list[LinkCandidate], client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    candidate = queue[0]
    Person.objects.filter(pk=candidate.person_b_id).update(confidentiality="sealed")
    detail = client.get(f"/people/review/{candidate.pk}/").content.decode()
    listing = client.get("/people/review/").content.decode()
    assert "الحداد" not in detail and 'data-testid="reasons"' in detail
    assert "الحداد1" not in listing and "الحداد0" in listing


def test_pending_pairs_with_a_merged_record_leave_the_queue(queue: list[LinkCandidate], client: Client) -> None:
    _login(client, Role.DATA_STEWARD)
    Person.objects.filter(pk=queue[0].person_b_id).update(merged_into=queue[0].person_a_id)
    assert client.get("/people/review/").content.decode().count('data-testid="candidate"') == 1
