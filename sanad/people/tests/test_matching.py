from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.people.matching import find_candidates
from sanad.people.services import DocumentInput, PersonInput, person_register
from sanad.testing.factories import TEST_PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db


def register(unit_member, **fields) -> int:  # type: ignore[no-untyped-def]
    actor = Actor(user=unit_member.user, membership=unit_member)
    docs = [DocumentInput(kind="national_id", number=fields.pop("national_id"))] if "national_id" in fields else []
    return person_register(actor=actor, data=PersonInput(**fields, documents=docs)).pk


@pytest.mark.parametrize(
    "typed",
    [
        "فاطمه احمد الحداد",
        "فاطِمة أحمد حداد",
        "Fatima Ahmed Al-Haddad",
        "Fatimah Ahmad Haddad",
        "فاطمة بنت أحمد آل حداد",
    ],
)
def test_a_name_spelled_differently_finds_the_stored_person(typed: str) -> None:
    officer = member(Role.INTAKE_OFFICER)
    pk = register(officer, first_name="فاطمة", father_name="أحمد", family_name="الحداد", latin_name="Fatima Al-Haddad")
    register(officer, first_name="مريم", family_name="الخياط")
    inside, outside = find_candidates(actor=Actor(user=officer.user, membership=officer), name=typed)
    assert [m.person.pk for m in inside][:1] == [pk]
    assert outside == []


def test_ranking_prefers_identity_number_then_date_of_birth() -> None:
    officer = member(Role.INTAKE_OFFICER)
    sister = register(officer, first_name="فاطمة", family_name="الحداد", date_of_birth=dt.date(1990, 1, 1))
    same = register(
        officer, first_name="فاطمة", family_name="الحداد", date_of_birth=dt.date(1985, 5, 5), national_id="850505123"
    )
    actor = Actor(user=officer.user, membership=officer)
    inside, _ = find_candidates(actor=actor, name="فاطمة الحداد", dob=dt.date(1985, 5, 5))
    assert [m.person.pk for m in inside] == [same, sister]
    with translation.override("en"):
        inside, _ = find_candidates(actor=actor, name="", id_number="850-505-123")
    assert [m.person.pk for m in inside] == [same] and "same identity number" in inside[0].reasons[0]


def test_a_match_outside_reach_says_only_where_to_ask(client: Client) -> None:
    elsewhere = member(Role.CASE_WORKER, unit=UnitFactory())
    register(elsewhere, first_name="فاطمة", father_name="أحمد", family_name="الحداد", phones="36001234")
    officer = member(Role.INTAKE_OFFICER)
    client.login(username=officer.user.username, password=TEST_PASSWORD)
    html = client.get("/people/matches/", {"first_name": "فاطمه", "family_name": "حداد"}).content.decode()
    assert elsewhere.unit.institution.name_ar in html
    assert "فاطمة" not in html and "الحداد" not in html and "36001234" not in html
    event = AuditEvent.objects.get(action="person.search", user_id=officer.user.pk)
    assert event.details == {"tokens": 2, "by_id": False, "within_reach": 0, "elsewhere": 1}
