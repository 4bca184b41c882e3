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
