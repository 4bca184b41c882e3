"""Social-media and press appeals: logged with bad input refused by field, triaged with a response
log, and opened as a report through the media-appeal channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Appeal, Report
from sanad.institutions.roles import Role
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def test_appeal_from_logging_to_a_report(intake: Actor, actor_for: Any) -> None:
    client = signed_in(intake)
    body = {
        "platform": "x",
        "link": "https://x.com/someone/status/1",
        "posted_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "posted_by": "@someone",
        "summary": "مناشدة من امرأة تقول إن أخاها يحبسها في البيت",
    }
    refused = client.post("/cases/appeals/", body)
    assert refused.status_code == 400 and 'data-testid="error-posted_on"' in refused.content.decode()
    assert "يحبسها" in refused.content.decode() and Appeal.objects.count() == 0
    body["posted_on"] = timezone.localdate().isoformat()
    created = client.post("/cases/appeals/", body)
    appeal = Appeal.objects.get()
    assert created["Location"] == f"/cases/appeals/{appeal.pk}/"
    client.post(f"/cases/appeals/{appeal.pk}/", {"status": "verifying", "note": "تم التحقق من الحساب"})
    not_yet = client.post(f"/cases/appeals/{appeal.pk}/", {"status": "not_a_case"})
    assert not_yet.status_code == 400  # closing says why
    client.post(f"/cases/appeals/{appeal.pk}/", {"status": "report_opened"})
    appeal.refresh_from_db()
    report = Report.objects.get()
    assert appeal.status == "report_opened" and appeal.report == report
    assert report.channel_code == "media_appeal" and "يحبسها" in str(report.narrative)
    assert list(appeal.log.values_list("status", flat=True)) == ["new", "verifying", "report_opened"]
    outsider = actor_for(Role.INTAKE_OFFICER, where=UnitFactory(institution=intake.membership.unit.institution))
    assert signed_in(outsider).get(f"/cases/appeals/{appeal.pk}/").status_code == 404


def test_appeals_and_incidents_through_the_api(intake: Actor, report: Report) -> None:
    client = signed_in(intake)
    body = {
        "platform": "instagram",
        "link": "https://instagram.com/p/abc",
        "posted_on": timezone.localdate().isoformat(),
        "posted_by": "@page",
        "summary": "مناشدة",
    }
    bad = client.post("/api/v1/appeals/", {**body, "link": "instagram"}, content_type="application/json")
    assert bad.status_code == 400 and "link" in bad.json()
    created = client.post("/api/v1/appeals/", body, content_type="application/json", headers={"Idempotency-Key": "a"})
    replay = client.post("/api/v1/appeals/", body, content_type="application/json", headers={"Idempotency-Key": "a"})
    assert created.status_code == replay.status_code == 201 and Appeal.objects.count() == 1
    triaged = client.post(
        f"/api/v1/appeals/{created.json()['id']}/triage/",
        {"status": "answered_elsewhere", "note": "تابعتها وزارة التنمية"},
        content_type="application/json",
    )
    assert triaged.status_code == 200 and [e["status"] for e in triaged.json()["log"]] == ["new", "answered_elsewhere"]
    incident = client.post(
        f"/api/v1/reports/{report.pk}/incidents/",
        {"period_start": "2020-01-01", "period_end": "2019-01-01", "violence_type_codes": ["threats"]},
        content_type="application/json",
    )
    assert incident.status_code == 400 and "period_end" in incident.json()
