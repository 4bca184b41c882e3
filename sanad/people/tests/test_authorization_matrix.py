"""Who may do what to a person record: roles × institutions × confidentiality × actions, through the
pages and the API. On every denial nothing changed and the denial was audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant, Confidentiality, GrantKind
from sanad.audit.models import AuditEvent
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.people.services import DocumentInput, PersonInput, person_register
from sanad.testing.factories import TEST_PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db

WORKERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}
EDITORS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR}
PLACES = ["same_unit", "same_institution", "other_institution"]


@pytest.fixture
def world() -> dict[str, Any]:
    owner = UnitFactory()
    sibling = UnitFactory(institution=owner.institution)
    other = UnitFactory()
    registrar = member(Role.INTAKE_OFFICER, unit=owner, username="registrar")
    actor = Actor(user=registrar.user, membership=registrar)
    people = {}
    for level in Confidentiality.values:
        person = person_register(
            actor=actor,
            data=PersonInput(
                first_name="فاطمة",
                family_name="الحداد",
                phones="36001234",
                address="المحرق",
                documents=[DocumentInput(kind="national_id", number="850123456")],
            ),
        )
        Person.objects.filter(pk=person.pk).update(confidentiality=level)
        people[level] = person
    return {"units": {"same_unit": owner, "same_institution": sibling, "other_institution": other}, "people": people}


def snapshot(person: Person) -> tuple[Any, ...]:
    row = Person.objects.values_list("first_name", "family_name", "confidentiality", "phones").get(pk=person.pk)
    return (*row, AccessGrant.objects.count())


def expected_view(role: str, place: str, level: str) -> bool:
    return role in WORKERS and place == "same_unit" and level == Confidentiality.NORMAL


@pytest.mark.parametrize("level", Confidentiality.values)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_view_through_page_and_api(world: dict[str, Any], client: Client, role: str, place: str, level: str) -> None:
    person = world["people"][level]
    m = member(role, unit=world["units"][place])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    before = snapshot(person)
    page = client.get(f"/people/{person.pk}/")
    api = client.get(f"/api/v1/persons/{person.pk}/")
    allowed = expected_view(role, place, level)
    if allowed:
        assert page.status_code == 200 and "36001234" in page.content.decode()
        assert api.status_code == 200 and api.json()["phones"] == "36001234"
        assert (
            AuditEvent.objects.filter(
                action="person.view", object_id=str(person.pk), outcome="allowed", user_id=m.user.pk
            ).count()
            == 2
        )
    else:
        # A supervisor of the owner unit sees that a sealed record exists (to unseal it); nobody else
        # learns anything, and the phone number never leaves the server.
        sees_closed_page = role == Role.SUPERVISOR and place == "same_unit" and level == Confidentiality.SEALED
        assert page.status_code == (200 if sees_closed_page else 404)
        assert "36001234" not in page.content.decode()
        assert api.status_code == 404
        assert snapshot(person) == before
        assert AuditEvent.objects.filter(object_id=str(person.pk), outcome="denied", user_id=m.user.pk).exists()


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_list_shows_only_what_is_within_reach(world: dict[str, Any], client: Client, role: str, place: str) -> None:
    m = member(role, unit=world["units"][place])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    api = client.get("/api/v1/persons/")
    page = client.get("/people/")
    if role not in WORKERS:
        assert api.status_code == 403 and page.status_code == 403
        return
    listed = {row["id"]: row for row in api.json()}
    expected = set()
    if place == "same_unit":
        expected.add(world["people"]["normal"].pk)
        if role == Role.SUPERVISOR:
            expected.add(world["people"]["sealed"].pk)
    assert set(listed) == expected
    assert all("phones" not in row for row in listed.values())
    if world["people"]["sealed"].pk in listed:
        assert set(listed[world["people"]["sealed"].pk]) == {"id", "confidentiality", "owner_unit"}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_create_through_api(world: dict[str, Any], client: Client, role: str) -> None:
    m = member(role, unit=world["units"]["same_unit"])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    count = Person.objects.count()
    response = client.post(
        "/api/v1/persons/", {"first_name": "مريم", "family_name": "علي"}, content_type="application/json"
    )
    if role in EDITORS:
        assert response.status_code == 201
        assert Person.objects.get(pk=response.json()["id"]).owner_unit_id == m.unit_id
    else:
        assert response.status_code == 403
        assert Person.objects.count() == count
        assert AuditEvent.objects.filter(action="person.create", outcome="denied", user_id=m.user.pk).exists()


def test_restricted_record_opens_to_named_users_only(world: dict[str, Any], client: Client) -> None:
    person = world["people"]["restricted"]
    m = member(Role.CASE_WORKER, unit=world["units"]["other_institution"])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    AccessGrant.objects.create(
        content_type_id=_ct(),
        object_id=person.pk,
        user=m.user,
        kind=GrantKind.NAMED,
        reason="named by the owner",
        granted_by=m.user,
    )
    assert client.get(f"/people/{person.pk}/").status_code == 200


def _ct() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Person).pk


def test_break_glass_is_time_limited_reasoned_and_audited(world: dict[str, Any], client: Client) -> None:
    person = world["people"]["normal"]
    m = member(Role.CASE_WORKER, unit=world["units"]["other_institution"])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    assert client.get(f"/people/{person.pk}/").status_code == 404  # no right yet: nothing shown
    m.may_break_glass = True
    m.save()
    closed = client.get(f"/people/{person.pk}/")
    assert closed.status_code == 200 and "36001234" not in closed.content.decode()
    short = client.post(f"/people/{person.pk}/break-glass/", {"reason": "urgent"})
    assert short.status_code == 200 and not AccessGrant.objects.exists()
    client.post(f"/people/{person.pk}/break-glass/", {"reason": "Survivor at the hospital now, life at risk"})
    grant = AccessGrant.objects.get()
    assert grant.kind == GrantKind.BREAK_GLASS and grant.expires_at is not None
    assert "36001234" in client.get(f"/people/{person.pk}/").content.decode()
    event = AuditEvent.objects.get(action="person.break_glass")
    assert event.reason.startswith("Survivor") and event.user_id == m.user.pk
    AccessGrant.objects.update(expires_at=grant.created_at)
    assert client.get(f"/people/{person.pk}/").status_code == 200  # closed page again
    assert "36001234" not in client.get(f"/people/{person.pk}/").content.decode()


def test_supervisor_unseals_a_sealed_record_of_their_unit(world: dict[str, Any], client: Client) -> None:
    person = world["people"]["sealed"]
    m = member(Role.SUPERVISOR, unit=world["units"]["same_unit"])
    client.login(username=m.user.username, password=TEST_PASSWORD)
    assert "36001234" not in client.get(f"/people/{person.pk}/").content.decode()
    client.post(f"/people/{person.pk}/unseal/", {"reason": "Court order 2026/77 requires the file"})
    assert "36001234" in client.get(f"/people/{person.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="person.unseal", object_id=str(person.pk)).exists()


def test_encrypted_columns_hold_no_plaintext_and_the_id_is_found_by_blind_index(world: dict[str, Any]) -> None:
    from sanad.crypto.blind_index import blind_index
    from sanad.people.models import IdentityDocument

    person = world["people"]["normal"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phones, address FROM people_person WHERE id = %s", [person.pk])
        phones, address = cursor.fetchone()
        cursor.execute("SELECT number, number_index FROM people_identitydocument WHERE person_id = %s", [person.pk])
        number, index = cursor.fetchone()
        cursor.execute("SELECT phones FROM people_personevent WHERE pgh_obj_id = %s", [person.pk])
        history = [bytes(r[0]) for r in cursor.fetchall() if r[0] is not None]
    assert b"36001234" not in bytes(phones) and "المحرق".encode() not in bytes(address)
    assert b"850123456" not in bytes(number) and "850123456" not in index
    assert history and all(b"36001234" not in h for h in history)
    found = IdentityDocument.objects.filter(number_index=blind_index("850-123-456", purpose="national_id"))
    assert person.pk in {d.person_id for d in found} and {d.number for d in found} == {"850123456"}


def test_rotation_keeps_data_readable(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import secrets

    from sanad.crypto.cipher import key_id_of
    from sanad.crypto.keys import key_ring, reset_key_ring
    from sanad.crypto.rotation import rotate_all

    old = key_ring()
    old_keys = ",".join(f"{k}:{base64.b64encode(v).decode()}" for k, v in old.keys.items())
    monkeypatch.setenv("SANAD_BLIND_INDEX_KEY", base64.b64encode(old.blind_index_key).decode())
    monkeypatch.setenv("SANAD_ENCRYPTION_KEYS", f"new:{base64.b64encode(secrets.token_bytes(32)).decode()},{old_keys}")
    reset_key_ring()
    try:
        counts = rotate_all(batch_size=2)
        assert counts["people.Person.phones"] == 3
        with connection.cursor() as cursor:
            cursor.execute("SELECT phones FROM people_person WHERE phones IS NOT NULL")
            assert {key_id_of(bytes(r[0])) for r in cursor.fetchall()} == {"new"}
        monkeypatch.setenv("SANAD_ENCRYPTION_KEYS", f"new:{_key(monkeypatch)}")
        reset_key_ring()
        assert {p.phones for p in Person.objects.all()} == {"36001234"}
        assert rotate_all()["people.Person.phones"] == 0
    finally:
        reset_key_ring()


def _key(monkeypatch: pytest.MonkeyPatch) -> str:
    import os

    return os.environ["SANAD_ENCRYPTION_KEYS"].split(",")[0].split(":", 1)[1]


def test_units_fixture_sanity(world: dict[str, Any]) -> None:
    units: dict[str, Unit] = world["units"]
    assert units["same_unit"].institution_id == units["same_institution"].institution_id
    assert units["other_institution"].institution_id != units["same_unit"].institution_id


@pytest.mark.parametrize("how", ["break-glass", "unseal", "confidentiality"])
def test_opening_or_sealing_needs_a_recent_full_sign_in(
    world: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    import time

    from sanad.accounts import sessions

    person = world["people"]["sealed" if how == "unseal" else "normal"]
    unit = world["units"]["other_institution" if how == "break-glass" else "same_unit"]
    m = member(Role.SUPERVISOR, unit=unit)
    m.may_break_glass = True
    m.save()
    client.login(username=m.user.username, password=TEST_PASSWORD)
    before = snapshot(person)
    later = time.time() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    data = {"reason": "Court order 2026/77 requires the file", "level": "sealed"}
    response = client.post(f"/people/{person.pk}/{how}/", data)
    assert response.status_code == 302 and response.url.startswith("/login/confirm/")
    assert snapshot(person) == before
    assert not AuditEvent.objects.filter(action__in=["person.break_glass", "person.unseal"]).exists()


def test_owner_supervisor_sees_past_states_and_who_changed_them(world: dict[str, Any], client: Client) -> None:
    from sanad.people.services import person_update

    person = world["people"]["normal"]
    editor = member(Role.CASE_WORKER, unit=world["units"]["same_unit"], username="editor")
    data = PersonInput(first_name="فاطمة", family_name="الحداد", phones="36009999", address="المحرق")
    person_update(actor=Actor(user=editor.user, membership=editor), person=person, data=data)
    supervisor = member(Role.SUPERVISOR, unit=world["units"]["same_unit"])
    client.login(username=supervisor.user.username, password=TEST_PASSWORD)
    html = client.get(f"/people/{person.pk}/").content.decode()
    history = html[html.index('data-testid="row-history"') :]
    assert "<del>36001234</del> → <ins>36009999</ins>" in history
    assert "editor" in history and "registrar" in history
    worker = member(Role.CASE_WORKER, unit=world["units"]["same_unit"])
    client.login(username=worker.user.username, password=TEST_PASSWORD)
    assert 'data-testid="row-history"' not in client.get(f"/people/{person.pk}/").content.decode()
