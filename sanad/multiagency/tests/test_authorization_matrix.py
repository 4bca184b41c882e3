"""Who sees and does what in multi-agency review: roles × places, through the pages and the API.
Participants see the agenda entry (number, owning institution, risk level), never the case itself;
what was agreed is read only by the institutions concerned. On every denial nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.audit.models import AuditEvent
from sanad.institutions.models import Unit
from sanad.institutions.roles import CASE_ROLES, Role
from sanad.multiagency import services
from sanad.multiagency.models import ActionStatus, AgendaItem, AgreedAction, ReviewMeeting
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, InstitutionFactory, UnitFactory, member

from .conftest import World, actor, flagged_case

pytestmark = pytest.mark.django_db

CASE_READERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}
PLACES = ["convening", "convening_sibling", "owner", "participant", "outsider"]
SECRET_ACTION = "نقلها إلى دار الإيواء قبل الخميس"
SURVIVOR = "سلمى"


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    hospital = UnitFactory(institution=InstitutionFactory(country=world.convening.institution.country))
    chair = actor(Role.SUPERVISOR, world.convening)
    meeting = services.meeting_convene(
        actor=chair,
        held_on=timezone.localdate() + dt.timedelta(days=2),
        institution_ids=[world.shelter.institution_id, hospital.institution_id],
    )
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    action = services.action_agree(
        actor=chair,
        item=item,
        description=SECRET_ACTION,
        institution_id=world.shelter.institution_id,
        user_id=None,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    places = {
        "convening": world.convening,
        "convening_sibling": world.convening_sibling,
        "owner": world.shelter,
        "participant": hospital,
        "outsider": world.outsider,
    }
    second = flagged_case(world.shelter)
    return {"meeting": meeting, "item": item, "action": action, "places": places, "second": second}


def signed_in(role: str, unit: Unit) -> tuple[MfaClient, Any]:
    m = member(role, unit=unit)
    client = MfaClient()
    client.login(username=m.user.username, password=TEST_PASSWORD)
    return client, m


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_who_sees_the_meeting_and_what_of_it(setup: dict[str, Any], world: World, role: str) -> None:
    # Every place in one test: the world they share is costly to build.
    for place in PLACES:
        _sees(setup, world, role, place)


def _sees(setup: dict[str, Any], world: World, role: str, place: str) -> None:
    meeting = setup["meeting"]
    client, m = signed_in(role, setup["places"][place])
    page = client.get(f"/multiagency/{meeting.pk}/")
    api = client.get(f"/api/v1/review-meetings/{meeting.pk}/")
    listed = client.get("/api/v1/review-meetings/")
    body = page.content.decode()
    assert SURVIVOR not in body and SURVIVOR not in api.content.decode()
    if role in CASE_ROLES and place != "outsider":
        assert page.status_code == 200 and api.status_code == 200
        assert world.case.number in body and [r["id"] for r in listed.json()] == [meeting.pk]
        (entry,) = api.json()["agenda"]
        # The action's text: the convening unit, the owning institution (also responsible here) only.
        concerned = place in ("convening", "owner")
        assert (SECRET_ACTION in body) is concerned
        assert (entry["actions"][0]["description"] == SECRET_ACTION) is concerned
        if not concerned:
            assert entry["actions"][0]["description"] is None
        # The case record itself stays under the cases' rules: only its own unit reads it.
        reads_cases = place == "owner" and role in CASE_READERS
        assert client.get(f"/cases/{world.case.pk}/").status_code == (200 if reads_cases else 404)
    else:
        assert page.status_code in (403, 404) and api.status_code in (403, 404)
        assert world.case.number not in body
        assert AuditEvent.objects.filter(user_id=m.user.pk, outcome="denied").exists()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_the_convening_supervisor_changes_the_agenda(setup: dict[str, Any], role: str) -> None:
    # The convening unit last: its change is allowed and would change what the others try.
    for place in PLACES[1:] + PLACES[:1]:
        _changes_agenda(setup, role, place)


def _changes_agenda(setup: dict[str, Any], role: str, place: str) -> None:
    meeting, second = setup["meeting"], setup["second"]
    client, _m = signed_in(role, setup["places"][place])
    version = ReviewMeeting.objects.get(pk=meeting.pk).row_version
    api = client.post(
        f"/api/v1/review-meetings/{meeting.pk}/agenda/",
        {"case": second.pk},
        content_type="application/json",
        headers={"If-Match": f'"{version}"'},
    )
    page = client.post(f"/multiagency/{meeting.pk}/agenda/", {"case": second.pk, "row_version": version})
    if role == Role.SUPERVISOR and place == "convening":
        assert api.status_code == 201, api.content
        assert AgendaItem.objects.filter(meeting=meeting, case=second).exists()
    else:
        assert api.status_code in (403, 404) and page.status_code in (403, 404)
        assert not AgendaItem.objects.filter(case=second).exists()
        assert ReviewMeeting.objects.get(pk=meeting.pk).row_version == version


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_who_marks_an_institutions_action_done(setup: dict[str, Any], role: str) -> None:
    for place in [p for p in PLACES if p != "owner"] + ["owner"]:
        _completes(setup, role, place)


def _completes(setup: dict[str, Any], role: str, place: str) -> None:
    action = setup["action"]
    client, _m = signed_in(role, setup["places"][place])
    response = client.post(
        f"/api/v1/review-actions/{action.pk}/complete/", content_type="application/json", headers={"If-Match": '"1"'}
    )
    if role == Role.SUPERVISOR and place == "owner":
        assert response.status_code == 200 and AgreedAction.objects.get(pk=action.pk).status == ActionStatus.DONE
    else:
        assert response.status_code in (403, 404)
        assert AgreedAction.objects.get(pk=action.pk).status == ActionStatus.OPEN
