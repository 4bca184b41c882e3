"""Correcting a report's own fields: versioned on the page and through the API; a stale editor is
told and keeps what they typed; refused input changes nothing; outsiders get not-found."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.cases import services
from sanad.cases.models import Report
from sanad.institutions.roles import Role
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def edit(report: Report, **overrides: Any) -> services.ReportEdit:
    values: dict[str, Any] = {
        "received_at": report.received_at,
        "channel_code": report.channel_code,
        "reporter_type_code": report.reporter_type_code,
        "reporter_name": str(report.reporter_name or ""),
        "narrative": str(report.narrative or ""),
        "urgent": report.urgent,
    }
    values.update(overrides)
    return services.ReportEdit(**values)


def page_body(report: Report, version: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "received_at": timezone.localtime(report.received_at).strftime("%Y-%m-%dT%H:%M"),
        "channel_code": report.channel_code,
        "reporter_type_code": report.reporter_type_code,
        "reporter_name": "",
        "narrative": str(report.narrative or ""),
        "row_version": str(version),
    }
    body.update(overrides)
    return body


def test_update_changes_the_fields_bumps_the_version_and_audits_names_only(report: Report, intake: Actor) -> None:
    updated = services.report_update(
        actor=intake, report=report, data=edit(report, narrative="رواية مصححة", urgent=True), expected_version=1
    )
    report.refresh_from_db()
    assert str(report.narrative) == "رواية مصححة" and report.urgent and report.row_version == 2 == updated.row_version
    event = AuditEvent.objects.get(action="report.edit")
    assert event.details == {"fields": ["narrative", "urgent"]}
    assert "رواية" not in str(event.details)


def test_a_stale_version_changes_nothing(report: Report, intake: Actor) -> None:
    services.report_update(actor=intake, report=report, data=edit(report, urgent=True), expected_version=1)
    with pytest.raises(services.StaleVersion) as caught:
        services.report_update(actor=intake, report=report, data=edit(report, narrative="متأخر"), expected_version=1)
    assert caught.value.current == 2
    report.refresh_from_db()
    assert str(report.narrative) != "متأخر" and report.row_version == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_at": timezone.now() + dt.timedelta(days=2)}, "received_at"),
        # The report's incident happened yesterday: the report cannot have come before it.
        ({"received_at": timezone.now() - dt.timedelta(days=5)}, "received_at"),
        ({"channel_code": "carrier_pigeon"}, "channel_code"),
        ({"reporter_type_code": "nobody"}, "reporter_type_code"),
    ],
)
def test_refused_input_names_its_field_and_changes_nothing(
    report: Report, intake: Actor, overrides: dict[str, Any], field: str
) -> None:
    before = (report.received_at, report.channel_code, report.reporter_type_code, report.row_version)
    with pytest.raises(ValidationError) as caught:
        services.report_update(actor=intake, report=report, data=edit(report, **overrides), expected_version=1)
    assert field in caught.value.message_dict
    report.refresh_from_db()
    assert (report.received_at, report.channel_code, report.reporter_type_code, report.row_version) == before
    assert not AuditEvent.objects.filter(action="report.edit").exists()


def test_page_second_editor_is_told_keeps_what_they_typed_and_can_apply_it(
    report: Report, intake: Actor, actor_for: Any
) -> None:
    first = signed_in(intake)
    second = signed_in(actor_for(Role.INTAKE_OFFICER, username="second"))
    assert 'data-testid="edit-report"' in first.get(f"/cases/reports/{report.pk}/").content.decode()
    form = first.get(f"/cases/reports/{report.pk}/edit/")
    assert form.status_code == 200 and str(report.narrative) in form.content.decode()

    saved = second.post(f"/cases/reports/{report.pk}/edit/", page_body(report, 1, narrative="نص المحرر الثاني"))
    assert saved.status_code == 302

    stale = first.post(f"/cases/reports/{report.pk}/edit/", page_body(report, 1, narrative="نص المحرر الأول"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="conflict"' in html
    assert "نص المحرر الأول" in html  # what they typed, kept in the form
    assert "نص المحرر الثاني" in html  # the current value, shown beside it
    report.refresh_from_db()
    assert str(report.narrative) == "نص المحرر الثاني" and report.row_version == 2

    # Saving again, now on the current version, applies the first editor's text deliberately.
    again = first.post(f"/cases/reports/{report.pk}/edit/", page_body(report, 2, narrative="نص المحرر الأول"))
    assert again.status_code == 302
    report.refresh_from_db()
    assert str(report.narrative) == "نص المحرر الأول" and report.row_version == 3


def test_page_refused_input_is_shown_next_to_the_field_in_arabic(report: Report, intake: Actor) -> None:
    future = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(intake).post(
        f"/cases/reports/{report.pk}/edit/", page_body(report, 1, received_at=future, narrative="ما كتبته")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "في المستقبل" in html and "ما كتبته" in html
    report.refresh_from_db()
    assert report.row_version == 1


def test_api_patch_needs_if_match_refuses_stale_and_replays(report: Report, intake: Actor) -> None:
    client = signed_in(intake)
    url = f"/api/v1/reports/{report.pk}/"
    got = client.get(url)
    assert got["ETag"] == '"1"' and got.json()["version"] == 1

    assert client.patch(url, {"urgent": True}, content_type="application/json").status_code == 428
    bad = client.patch(
        url, {"channel_code": "carrier_pigeon"}, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert bad.status_code == 400 and "channel_code" in bad.json()

    headers = {"If-Match": '"1"', "Idempotency-Key": "fix-1"}
    ok = client.patch(url, {"urgent": True}, content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["urgent"] is True
    replay = client.patch(url, {"urgent": True}, content_type="application/json", headers=headers)
    assert replay.status_code == 200 and replay.json() == ok.json()
    report.refresh_from_db()
    assert report.row_version == 2

    stale = client.patch(url, {"narrative": "x"}, content_type="application/json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    report.refresh_from_db()
    assert str(report.narrative) != "x"


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.SUPERVISOR, Role.AUDITOR])
def test_another_institution_gets_not_found_and_nothing_changes(report: Report, actor_for: Any, role: str) -> None:
    elsewhere = UnitFactory(institution=InstitutionFactory(country=report.country))
    client = signed_in(actor_for(role, where=elsewhere, username=f"other-{role}"))
    assert client.get(f"/cases/reports/{report.pk}/edit/").status_code == 404
    assert client.post(f"/cases/reports/{report.pk}/edit/", page_body(report, 1, narrative="تغيير")).status_code == 404
    response = client.patch(
        f"/api/v1/reports/{report.pk}/",
        {"narrative": "تغيير"},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code in (403, 404)
    report.refresh_from_db()
    assert str(report.narrative) != "تغيير" and report.row_version == 1
