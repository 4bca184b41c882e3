"""A record opened from outside its unit is reported at once, in the inbox of the owner unit's
supervisors and of every auditor; each user reads only their own notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from procrastinate.contrib.django.models import ProcrastinateJob

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant
from sanad.access.services import break_glass, unseal
from sanad.access.tasks import notify_record_opened
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.notices.models import Notice, NoticeKind
from sanad.people.models import Person
from sanad.people.services import PersonInput, person_register
from sanad.testing.factories import TEST_PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    owner_unit, elsewhere = UnitFactory(), UnitFactory()
    registrar = member(Role.INTAKE_OFFICER, unit=owner_unit)
    supervisor = member(Role.SUPERVISOR, unit=owner_unit)
    other_supervisor = member(Role.SUPERVISOR, unit=elsewhere)
    auditor = member(Role.AUDITOR)
    opener = member(Role.CASE_WORKER, unit=elsewhere)
    opener.may_break_glass = True
    opener.save()
    person = person_register(
        actor=Actor(user=registrar.user, membership=registrar),
        data=PersonInput(first_name="مريم", family_name="الجودر", phones="39001122", address="سترة"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        grant = break_glass(
            actor=Actor(user=opener.user, membership=opener), obj=person, reason="Survivor in the emergency room now"
        )
    return {
        "grant": grant,
        "person": person,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "auditor": auditor,
        "opener": opener,
    }


def test_opening_queues_the_notice_job_and_the_job_tells_owner_supervisors_and_auditors(opened: dict) -> None:
    job = ProcrastinateJob.objects.get(task_name="sanad.access.tasks.notify_record_opened")
    assert job.args == {"grant_id": opened["grant"].pk}
    notify_record_opened(grant_id=opened["grant"].pk)
    recipients = set(Notice.objects.values_list("recipient_id", flat=True))
    assert recipients == {opened["supervisor"].user_id, opened["auditor"].user_id}
    notice = Notice.objects.get(recipient=opened["supervisor"].user)
    assert notice.kind == NoticeKind.RECORD_OPENED_BREAK_GLASS
    assert notice.object_type == "people.person" and notice.object_id == str(opened["person"].pk)
    # Identifiers and institution names only: nothing of the survivor, not even the stated reason.
    stored = str(notice.params)
    assert "مريم" not in stored and "39001122" not in stored and "emergency" not in stored


def test_the_inbox_shows_the_notice_in_the_readers_language_and_marks_it_read(opened: dict, client: Client) -> None:
    notify_record_opened(grant_id=opened["grant"].pk)
    client.login(username=opened["supervisor"].user.username, password=TEST_PASSWORD)
    home = client.get("/").content.decode()
    assert 'data-testid="inbox-link"' in home and '<span class="badge">1</span>' in home
    page = client.get("/notices/").content.decode()
    assert "فُتح سجل بكسر الزجاج" in page and opened["opener"].user.username in page
    with translation.override("en"):
        client.post("/language/", {"language": "en", "next": "/notices/"})
        english = client.get("/notices/").content.decode()
    assert "by break-glass until" in english
    client.post("/notices/read/")
    assert Notice.objects.get(recipient=opened["supervisor"].user).read_at is not None
    assert AuditEvent.objects.filter(action="notice.read", user_id=opened["supervisor"].user_id).exists()
    assert '<span class="badge">' not in client.get("/").content.decode()


def test_unseal_notices_say_unsealed(django_capture_on_commit_callbacks: Any) -> None:
    unit = UnitFactory()
    registrar = member(Role.INTAKE_OFFICER, unit=unit)
    supervisor = member(Role.SUPERVISOR, unit=unit)
    colleague = member(Role.SUPERVISOR, unit=unit)
    registrar_actor = Actor(user=registrar.user, membership=registrar)
    person = person_register(actor=registrar_actor, data=PersonInput(first_name="سارة"))
    Person.objects.filter(pk=person.pk).update(confidentiality="sealed")
    person.refresh_from_db()
    grant = unseal(actor=Actor(user=supervisor.user, membership=supervisor), obj=person, reason="Court order 2026/77")
    notify_record_opened(grant_id=grant.pk)
    assert list(Notice.objects.values_list("recipient_id", "kind")) == [
        (colleague.user_id, NoticeKind.RECORD_OPENED_UNSEAL)
    ]  # the unsealing supervisor is not told of their own act


def test_nobody_reads_or_acknowledges_anothers_notices(opened: dict, client: Client) -> None:
    notify_record_opened(grant_id=opened["grant"].pk)
    mine = Notice.objects.get(recipient=opened["supervisor"].user)
    client.login(username=opened["other_supervisor"].user.username, password=TEST_PASSWORD)
    assert "فُتح سجل" not in client.get("/notices/").content.decode()
    client.post("/notices/read/")
    assert client.post(f"/api/v1/notices/{mine.pk}/read/").status_code == 404
    assert client.post("/api/v1/notices/999999/read/").status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None
    assert AuditEvent.objects.filter(action="notice.read", outcome="denied").exists()


def test_api_lists_own_notices_and_marks_one_read(opened: dict, client: Client) -> None:
    notify_record_opened(grant_id=opened["grant"].pk)
    client.login(username=opened["auditor"].user.username, password=TEST_PASSWORD)
    listed = client.get("/api/v1/notices/?unread=1").json()
    assert [n["kind"] for n in listed] == [NoticeKind.RECORD_OPENED_BREAK_GLASS]
    read = client.post(f"/api/v1/notices/{listed[0]['id']}/read/").json()
    assert read["read_at"] is not None
    assert client.get("/api/v1/notices/?unread=1").json() == []


def test_inbox_query_count_does_not_grow_with_notices(
    opened: dict, client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        notify_record_opened(grant_id=opened["grant"].pk)
    client.login(username=opened["auditor"].user.username, password=TEST_PASSWORD)
    client.get("/notices/")
    with django_assert_max_num_queries(12):
        assert client.get("/notices/").status_code == 200


def test_a_broken_audit_trail_notifies_every_auditor() -> None:
    from django.db import connection

    from sanad.audit.tasks import verify_audit_chains

    auditor = member(Role.AUDITOR)
    worker = member(Role.CASE_WORKER)
    person_register(actor=Actor(user=worker.user, membership=worker), data=PersonInput(first_name="ليلى"))
    assert verify_audit_chains() == 0 and not Notice.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'tampered' WHERE id = (SELECT min(id) FROM audit_auditevent)"
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    assert verify_audit_chains() >= 1
    assert Notice.objects.filter(recipient=auditor.user, kind=NoticeKind.AUDIT_BROKEN).exists()
    assert not Notice.objects.filter(recipient=worker.user).exists()
    assert AccessGrant.objects.count() == 0
