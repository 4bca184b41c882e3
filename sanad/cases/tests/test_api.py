"""The intake-to-closure path through the API, idempotent replays, and the edit conflict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Case, Report
from sanad.cases.risk import instrument
from sanad.institutions.models import Governorate
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def api(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def post(client: MfaClient, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def report_body(survivor: Person, governorate: Governorate, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "channel_code": "hotline",
        "reporter_type_code": "neighbour",
        "narrative": "سمع الجيران صراخاً",
        "urgent": True,
        "persons": [{"person": survivor.pk, "role": "survivor"}],
        "incidents": [
            {
                "occurred_on": timezone.localdate().isoformat(),
                "governorate": governorate.pk,
                "violence_type_codes": ["physical_assault"],
                "relationship_code": "spouse",
                "children_present": True,
            }
        ],
    }
    body.update(overrides)
    return body


def test_intake_to_closure_through_the_api(
    intake: Actor, actor_for: Any, survivor: Person, governorate: Governorate
) -> None:
    officer = api(intake)
    created = post(officer, "/api/v1/reports/", report_body(survivor, governorate), **{"Idempotency-Key": "r-1"})
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["definitions_version"] == 1 and report["persons"] == [{"person": survivor.pk, "role": "survivor"}]
    opened = post(officer, f"/api/v1/reports/{report['id']}/open-case/", {})
    assert opened.status_code == 201
    case = opened.json()
    assert case["number"].startswith("BH-") and case["status"] == "engagement"

    worker = api(actor_for(Role.CASE_WORKER))
    yes = {item.code: True for item in instrument().items[:14]}
    assessed = post(worker, f"/api/v1/cases/{case['id']}/assessments/", {"answers": yes})
    assert assessed.status_code == 201 and assessed.json()["risk_level"] == "high"
    assert assessed.json()["multi_agency_review"] is True
    etag = worker.get(f"/api/v1/cases/{case['id']}/")["ETag"]
    moved = post(worker, f"/api/v1/cases/{case['id']}/advance/", {"to_status": "assessment"}, **{"If-Match": etag})
    assert moved.status_code == 200 and moved.json()["status"] == "assessment"
    requested = post(
        worker,
        f"/api/v1/cases/{case['id']}/closure-request/",
        {"reason_code": "needs_met"},
        **{"If-Match": moved["ETag"]},
    )
    assert requested.status_code == 200 and requested.json()["status"] == "closure_requested"

    supervisor = api(actor_for(Role.SUPERVISOR))
    decided = post(
        supervisor,
        f"/api/v1/cases/{case['id']}/closure-decision/",
        {"decision": "approve"},
        **{"If-Match": requested["ETag"]},
    )
    assert decided.status_code == 200 and decided.json()["status"] == "closed"
    kinds = [e["kind"] for e in supervisor.get(f"/api/v1/cases/{case['id']}/").json()["timeline"]]
    assert kinds == ["opened", "risk_assessed", "status_changed", "closure_requested", "closure_approved"]


def test_bad_input_gets_machine_readable_field_errors(
    intake: Actor, survivor: Person, governorate: Governorate
) -> None:
    body = report_body(survivor, governorate, channel_code="fax")
    body["incidents"][0]["occurred_on"] = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = post(api(intake), "/api/v1/reports/", body)
    assert response.status_code == 400
    assert set(response.json()) == {"channel_code", "incidents.0.occurred_on"}
    assert Report.objects.count() == 0


def test_idempotent_replay_and_reused_key(intake: Actor, survivor: Person, governorate: Governorate) -> None:
    officer = api(intake)
    body = report_body(survivor, governorate)
    first = post(officer, "/api/v1/reports/", body, **{"Idempotency-Key": "abc"})
    again = post(officer, "/api/v1/reports/", body, **{"Idempotency-Key": "abc"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1
    other = post(officer, "/api/v1/reports/", {**body, "narrative": "نص آخر"}, **{"Idempotency-Key": "abc"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()
    assert Report.objects.count() == 1


def test_a_stale_editor_gets_a_conflict(intake: Actor, actor_for: Any, report: Report) -> None:
    from sanad.cases import services

    case = services.case_open(actor=intake, report=report)
    first, second = api(actor_for(Role.CASE_WORKER)), api(actor_for(Role.CASE_WORKER))
    etag = first.get(f"/api/v1/cases/{case.pk}/")["ETag"]
    assert second.get(f"/api/v1/cases/{case.pk}/")["ETag"] == etag
    ok = post(first, f"/api/v1/cases/{case.pk}/advance/", {"to_status": "assessment"}, **{"If-Match": etag})
    assert ok.status_code == 200
    stale = post(
        second, f"/api/v1/cases/{case.pk}/closure-request/", {"reason_code": "needs_met"}, **{"If-Match": etag}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert stale["ETag"] == ok["ETag"]
    missing = post(second, f"/api/v1/cases/{case.pk}/closure-request/", {"reason_code": "needs_met"})
    assert missing.status_code == 428
    assert Case.objects.get(pk=case.pk).status == "assessment"


def test_assign_through_the_api_needs_the_current_version(intake: Actor, actor_for: Any, report: Report) -> None:
    from sanad.cases import services

    case = services.case_open(actor=intake, report=report)
    worker = actor_for(Role.CASE_WORKER)
    supervisor = api(actor_for(Role.SUPERVISOR))
    etag = supervisor.get(f"/api/v1/cases/{case.pk}/")["ETag"]
    done = post(supervisor, f"/api/v1/cases/{case.pk}/assign/", {"assigned_to": worker.user_id}, **{"If-Match": etag})
    assert done.status_code == 200 and done.json()["assigned_to"] == worker.user_id
    stale = post(supervisor, f"/api/v1/cases/{case.pk}/assign/", {"assigned_to": worker.user_id}, **{"If-Match": etag})
    assert stale.status_code == 412
    refused = post(
        api(worker), f"/api/v1/cases/{case.pk}/assign/", {"assigned_to": worker.user_id}, **{"If-Match": done["ETag"]}
    )
    assert refused.status_code in (403, 404)
