"""Safety and case plans, services delivered and notes: validated, encrypted where personal, on the
timeline, through the pages and the API; overdue plan actions reach the worklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.cases.models import CaseNote, PlanAction, Report
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def raw(table: str, column: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return bytes(cursor.fetchone()[0])


def test_plan_service_and_note(intake: Actor, actor_for: Any, report: Report, unit: Unit) -> None:
    worker = actor_for(Role.CASE_WORKER)
    case = services.case_open(actor=intake, report=report)
    today = timezone.localdate()
    action = services.case_add_plan_action(
        actor=worker,
        case=case,
        plan="safety",
        goal="مكان آمن عند الخطر",
        action="الذهاب إلى بيت الأخت في الحد",
        responsible="الناجية",
        due_on=today + dt.timedelta(days=3),
    )
    assert "الحد".encode() not in raw("cases_planaction", "action", action.pk)
    with pytest.raises(ValidationError) as caught:
        services.case_record_service(
            actor=worker,
            case=case,
            service_code="teleportation",
            provider_id=unit.institution_id,
            delivered_on=today + dt.timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"service_code", "delivered_on"}
    services.case_record_service(
        actor=worker, case=case, service_code="legal_aid", provider_id=unit.institution_id, delivered_on=today
    )
    note = services.case_add_note(actor=intake, case=case, text="اتصلت وأكدت أنها بخير")
    assert "بخير".encode() not in raw("cases_casenote", "text", note.pk)
    assert list(case.timeline.values_list("kind", flat=True)) == [
        "opened",
        "plan_action_added",
        "service_delivered",
        "note_added",
    ]
    with pytest.raises(Exception):  # noqa: B017 - an examiner reads but does not plan
        services.case_add_plan_action(
            actor=actor_for(Role.EXAMINER), case=case, plan="case", goal="x", action="y", responsible="z", due_on=today
        )


def test_overdue_plan_actions_worklist_and_pages(intake: Actor, actor_for: Any, report: Report) -> None:
    worker = actor_for(Role.CASE_WORKER)
    case = services.case_open(actor=intake, report=report)
    services.case_add_plan_action(
        actor=worker,
        case=case,
        plan="case",
        goal="سكن",
        action="طلب سكن",
        responsible="الأخصائية",
        due_on=timezone.localdate(),
    )
    PlanAction.objects.update(due_on=timezone.localdate() - dt.timedelta(days=2))
    client = signed_in(worker)
    assert case.number in client.get("/cases/", {"view": "overdue"}).content.decode()
    page = client.post(f"/cases/{case.pk}/note/", {"text": ""})
    assert page.status_code == 400 and 'data-testid="error-text"' in page.content.decode()
    client.post(f"/cases/{case.pk}/note/", {"text": "زيارة منزلية تمت"})
    assert CaseNote.objects.get().text == "زيارة منزلية تمت"
    client.post(f"/cases/{case.pk}/plan-done/", {"id": PlanAction.objects.get().pk})
    assert case.number not in client.get("/cases/", {"view": "overdue"}).content.decode()


def test_additions_through_the_api(intake: Actor, actor_for: Any, report: Report, unit: Unit) -> None:
    case = services.case_open(actor=intake, report=report)
    client = signed_in(actor_for(Role.CASE_WORKER))
    body = {
        "plan": "case",
        "goal": "استقلال مالي",
        "action": "تسجيل في برنامج تدريب",
        "responsible": "وزارة التنمية",
        "due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    first = client.post(
        f"/api/v1/cases/{case.pk}/plan-actions/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "p1"},
    )
    again = client.post(
        f"/api/v1/cases/{case.pk}/plan-actions/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "p1"},
    )
    assert first.status_code == again.status_code == 201 and PlanAction.objects.count() == 1
    bad = client.post(
        f"/api/v1/cases/{case.pk}/services/",
        {"service_code": "nope", "provider": unit.institution_id, "delivered_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "service_code" in bad.json()
    note = client.post(f"/api/v1/cases/{case.pk}/notes/", {"text": "ملاحظة"}, content_type="application/json")
    assert note.status_code == 201 and note.json()["notes"][0]["text"] == "ملاحظة"
