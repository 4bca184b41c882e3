"""Multi-agency review through the API (idempotent, versioned) and the pages (Arabic errors by the
field with the input kept; a pinned number of queries however many rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanad.institutions.roles import Role
from sanad.multiagency import services
from sanad.multiagency.models import AgendaItem, ReviewMeeting
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

from .conftest import World, actor, flagged_case

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=3)


def client_for(a: Any) -> MfaClient:
    client = MfaClient()
    client.login(username=a.user.username, password=TEST_PASSWORD)
    return client


def test_api_convene_is_idempotent_and_changes_need_the_current_version(world: World) -> None:
    chair = actor(Role.SUPERVISOR, world.convening)
    client = client_for(chair)
    body = {"held_on": SOON.isoformat(), "institutions": [world.shelter.institution_id]}
    first = client.post(
        "/api/v1/review-meetings/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    again = client.post(
        "/api/v1/review-meetings/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and ReviewMeeting.objects.count() == 1
    meeting_id, etag = first.json()["id"], first.headers["ETag"]
    url = f"/api/v1/review-meetings/{meeting_id}/agenda/"
    assert client.post(url, {"case": world.case.pk}, content_type="application/json").status_code == 428
    stale = client.post(url, {"case": world.case.pk}, content_type="application/json", headers={"If-Match": '"9"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    added = client.post(url, {"case": world.case.pk}, content_type="application/json", headers={"If-Match": etag})
    assert added.status_code == 201 and added.headers["ETag"] == '"2"'
    (entry,) = added.json()["agenda"]
    assert entry["case_number"] == world.case.number and entry["risk_level"] == "high"
    refused = client.post(
        f"/api/v1/review-meetings/{meeting_id}/actions/",
        {"item": entry["id"], "description": "x", "institution": world.outsider.institution_id, "due_on": "2001-01-01"},
        content_type="application/json",
        headers={"If-Match": '"2"'},
    )
    assert refused.status_code == 400
    assert set(refused.json()) >= {"institution", "due_on"}
    assert ReviewMeeting.objects.get(pk=meeting_id).row_version == 2


def test_api_bad_convene_input_is_400_with_field_errors(world: World) -> None:
    client = client_for(actor(Role.SUPERVISOR, world.convening))
    response = client.post(
        "/api/v1/review-meetings/",
        {"held_on": "2001-01-01", "institutions": [world.shelter.institution_id]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "held_on" in response.json()


def test_page_errors_are_in_arabic_by_the_field_and_keep_the_input(world: World) -> None:
    chair = actor(Role.SUPERVISOR, world.convening)
    meeting = services.meeting_convene(actor=chair, held_on=SOON, institution_ids=[world.shelter.institution_id])
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    client = client_for(chair)
    response = client.post(
        f"/multiagency/{meeting.pk}/items/{item.pk}/action/",
        {
            "description": "زيارة منزلية",
            "institution": world.shelter.institution_id,
            "due_on": "2001-01-01",
            "row_version": meeting.row_version,
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-due_on"' in body and "تاريخ الاستحقاق في الماضي" in body
    assert "زيارة منزلية" in body


def test_page_stale_meeting_says_so_and_keeps_the_input(world: World) -> None:
    chair = actor(Role.SUPERVISOR, world.convening)
    meeting = services.meeting_convene(actor=chair, held_on=SOON, institution_ids=[world.shelter.institution_id])
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    client = client_for(chair)
    response = client.post(
        f"/multiagency/{meeting.pk}/items/{item.pk}/decide/",
        {"outcome": "reviewed", "reason": "خطة الأمان كافية", "row_version": 1},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="conflict"' in body and "خطة الأمان كافية" in body
    assert AgendaItem.objects.get(pk=item.pk).is_pending


def _queries(client: MfaClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_queries_do_not_grow_with_the_rows(world: World) -> None:
    chair = actor(Role.SUPERVISOR, world.convening)
    worker = actor(Role.CASE_WORKER, world.shelter)
    shelter_supervisor = actor(Role.SUPERVISOR, world.shelter)

    def add_meeting_with_actions() -> ReviewMeeting:
        meeting = services.meeting_convene(actor=chair, held_on=SOON, institution_ids=[world.shelter.institution_id])
        case = flagged_case(world.shelter)
        item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=case.pk)
        for user_id in (worker.user_id, None):
            services.action_agree(
                actor=chair,
                item=item,
                description="متابعة",
                institution_id=world.shelter.institution_id,
                user_id=user_id,
                due_on=SOON,
            )
        return meeting

    first = add_meeting_with_actions()
    chair_client, worker_client, sup_client = client_for(chair), client_for(worker), client_for(shelter_supervisor)
    few = [
        _queries(chair_client, "/multiagency/"),
        _queries(sup_client, "/multiagency/actions/"),
        _queries(chair_client, f"/multiagency/{first.pk}/"),
    ]
    for _ in range(3):
        add_meeting_with_actions()
    # More agenda items on the first meeting too.
    for _ in range(3):
        services.agenda_add_case(actor=chair, meeting=first, case_id=flagged_case(world.shelter).pk)
    many = [
        _queries(chair_client, "/multiagency/"),
        _queries(sup_client, "/multiagency/actions/"),
        _queries(chair_client, f"/multiagency/{first.pk}/"),
    ]
    assert many == few
    assert few[0] <= 8 and few[1] <= 7 and few[2] <= 18, few
    assert "متابعة" in worker_client.get("/multiagency/actions/").content.decode()
