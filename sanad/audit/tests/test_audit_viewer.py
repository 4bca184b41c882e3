from __future__ import annotations

import pytest
from django.test import Client

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.audit.services import audit_record
from sanad.institutions.roles import Role
from sanad.testing.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


def seed() -> None:
    for username in ("maryam", "fatima"):
        m = member(Role.CASE_WORKER, username=username)
        audit_record(actor=Actor(user=m.user, membership=m), action="case.view", object_type="cases.case", object_id=7)


def test_auditor_filters_the_trail_and_the_search_is_itself_audited(client: Client) -> None:
    seed()
    auditor = member(Role.AUDITOR)
    client.login(username=auditor.user.username, password=TEST_PASSWORD)
    response = client.get("/audit/", {"username": "maryam"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [r.username for r in rows] == ["maryam"]
    assert AuditEvent.objects.filter(action="audit.search", username=auditor.user.username).exists()


def test_bad_dates_are_explained_next_to_the_field(client: Client) -> None:
    auditor = member(Role.AUDITOR)
    client.login(username=auditor.user.username, password=TEST_PASSWORD)
    html = client.get("/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}).content.decode()
    assert "تاريخ النهاية يسبق تاريخ البداية" in html


def test_export_is_a_csv_of_the_filtered_events(client: Client) -> None:
    seed()
    auditor = member(Role.AUDITOR)
    client.login(username=auditor.user.username, password=TEST_PASSWORD)
    response = client.get("/audit/export.csv", {"action": "case."})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].startswith("occurred_at,chain,seq,username")
    assert len(lines) == 3 and all(",case.view," in line for line in lines[1:])


def test_bulk_export_needs_a_recent_full_sign_in(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from sanad.accounts import sessions

    auditor = member(Role.AUDITOR)
    client.login(username=auditor.user.username, password=TEST_PASSWORD)
    later = time.time() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.get("/audit/export.csv", {"action": "case."})
    assert response.status_code == 302
    assert response.url == "/login/confirm/?next=%2Faudit%2Fexport.csv%3Faction%3Dcase."
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR])
def test_everyone_else_is_refused_and_the_refusal_is_audited(client: Client, role: str) -> None:
    seed()
    m = member(role)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    before = AuditEvent.objects.exclude(outcome="denied").count()
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert AuditEvent.objects.exclude(outcome="denied").count() == before
    denied = AuditEvent.objects.filter(outcome="denied", username=m.user.username)
    assert sorted(denied.values_list("action", flat=True)) == ["audit.export", "audit.view"]
