"""The intake and case pages through Django's client: bad input shown by its field with what was
typed kept, the walk from a report to a closed case, and a stale edit that keeps the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Case, CaseStatus, Report
from sanad.cases.risk import instrument
from sanad.institutions.models import Governorate
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, actor: Actor) -> Client:
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def report_post(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel_code": "walk_in_fpo",
        "reporter_type_code": "survivor",
        "narrative": "حضرت إلى المكتب وأفادت بتعرضها للضرب",
        "occurred_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "location_type_code": "shared_home",
        "violence_type_codes": ["physical_assault", "threats"],
        "relationship_code": "spouse",
    }
    values.update(overrides)
    return values


def test_bad_input_is_shown_by_its_field_in_arabic_and_kept(client: Client, intake: Actor) -> None:
    login(client, intake)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post("/cases/reports/new/", report_post(occurred_on=future, violence_type_codes=[]))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-occurred_on"' in body and "المستقبل" in body
    assert 'data-testid="error-violence_type_codes"' in body
    assert "حضرت إلى المكتب" in body  # what was typed is kept
    assert Report.objects.count() == 0


def test_intake_to_closure_through_the_pages(
    client: Client, intake: Actor, actor_for: Any, survivor: Person, governorate: Governorate
) -> None:
    login(client, intake)
    response = client.post("/cases/reports/new/", report_post(governorate=governorate.pk))
    assert response.status_code == 302, response.content.decode()
    report = Report.objects.get()
    matches = client.get(f"/cases/reports/{report.pk}/person-search/", {"name": "فاطمه الحداد"})
    assert survivor.full_name in matches.content.decode()  # taa marbuta folded
    client.post(f"/cases/reports/{report.pk}/persons/add/", {"person": survivor.pk, "role": "survivor"})
    client.post(
        f"/cases/reports/{report.pk}/persons/register/",
        {"role": "alleged_perpetrator", "first_name": "خالد", "family_name": "الحداد", "sex": "male"},
    )
    page = client.get(f"/cases/reports/{report.pk}/").content.decode()
    assert "خالد الحداد" in page and survivor.full_name in page
    response = client.post(f"/cases/reports/{report.pk}/open-case/")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"

    worker = actor_for(Role.CASE_WORKER)
    worker_client = login(MfaClient(), worker)
    answers = {f"item_{item.code}": "on" for item in instrument().items[:14]}
    assert worker_client.post(f"/cases/{case.pk}/assess/", answers).status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "high" and case.multi_agency_review
    worker_client.post(f"/cases/{case.pk}/advance/", {"row_version": case.row_version, "to_status": "assessment"})
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    worker_client.post(
        f"/cases/{case.pk}/request-closure/", {"row_version": case.row_version, "reason_code": "needs_met"}
    )
    supervisor = actor_for(Role.SUPERVISOR)
    supervisor_client = login(MfaClient(), supervisor)
    case.refresh_from_db()
    response = supervisor_client.post(
        f"/cases/{case.pk}/decide/", {"row_version": case.row_version, "decision": "approve"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    timeline = supervisor_client.get(f"/cases/{case.pk}/").content.decode()
    assert timeline.index('data-kind="opened"') < timeline.index('data-kind="closure_approved"')


def test_a_stale_edit_says_so_and_keeps_the_input(
    client: Client, intake: Actor, actor_for: Any, report: Report
) -> None:
    from sanad.cases import services

    case = services.case_open(actor=intake, report=report)
    worker = actor_for(Role.CASE_WORKER)
    loaded = case.row_version
    services.case_advance(actor=worker, case=case, to_status="assessment", expected_version=loaded)
    response = login(client, worker).post(
        f"/cases/{case.pk}/request-closure/",
        {"row_version": loaded, "reason_code": "moved_away", "note": "انتقلت إلى بلد آخر"},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict"' in body and "انتقلت إلى بلد آخر" in body
    assert Case.objects.get(pk=case.pk).status == "assessment"


def test_a_supervisor_assigns_a_case_to_a_worker_of_the_unit(
    client: Client, intake: Actor, actor_for: Any, report: Report
) -> None:
    from sanad.cases import services
    from sanad.testing.factories import UnitFactory

    case = services.case_open(actor=intake, report=report)
    worker = actor_for(Role.CASE_WORKER)
    elsewhere = actor_for(Role.CASE_WORKER, where=UnitFactory(institution=intake.membership.unit.institution))
    supervisor = login(client, actor_for(Role.SUPERVISOR))
    page = supervisor.get(f"/cases/{case.pk}/").content.decode()
    assert worker.user.username in page and elsewhere.user.username not in page
    refused = supervisor.post(
        f"/cases/{case.pk}/assign/", {"row_version": case.row_version, "assigned_to": elsewhere.user_id}
    )
    assert refused.status_code == 400
    supervisor.post(f"/cases/{case.pk}/assign/", {"row_version": case.row_version, "assigned_to": worker.user_id})
    case.refresh_from_db()
    assert case.assigned_to_id == worker.user_id
    assert case.number in login(MfaClient(), worker).get("/cases/", {"view": "mine"}).content.decode()


def test_a_report_closed_as_not_a_case_and_an_age_contradicting_the_birth_date(
    client: Client, intake: Actor, report: Report
) -> None:
    login(client, intake)
    refused = client.post(
        f"/cases/reports/{report.pk}/persons/register/",
        {
            "role": "witness",
            "first_name": "سارة",
            "family_name": "يوسف",
            "sex": "female",
            "date_of_birth": "2000-01-01",
            "age_years": 50,
        },
    )
    body = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="error-age_years"' in body and "سارة" in body
    assert client.post(f"/cases/reports/{report.pk}/open-case/", {"not_a_case": "1", "reason": ""}).status_code == 302
    report.refresh_from_db()
    assert report.status == "new"  # a reason is required
    client.post(f"/cases/reports/{report.pk}/open-case/", {"not_a_case": "1", "reason": "خلاف تجاري لا عنف أسري"})
    report.refresh_from_db()
    assert report.status == "not_a_case"
