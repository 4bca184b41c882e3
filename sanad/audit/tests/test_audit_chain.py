from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.audit.services import audit_record
from sanad.audit.verification import verify_all
from sanad.institutions.roles import Role
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db


def actors(n: int) -> list[Actor]:
    return [
        Actor(user=(m := member(Role.CASE_WORKER)).user, membership=m, ip="10.0.0.1", user_agent="t") for _ in range(n)
    ]


def write_events(count: int = 12) -> list[AuditEvent]:
    people = actors(3)
    return [
        audit_record(
            actor=people[i % 3],
            action="case.view",
            object_type="cases.case",
            object_id=i,
            details={"field": "narrative", "n": i},
        )
        for i in range(count)
    ]


def run_verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def as_superuser_without_trigger(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_a_normal_run_verifies_clean() -> None:
    write_events()
    code, out, _ = run_verify()
    assert code == 0 and "12 rows verified" in out


def test_update_and_delete_are_refused_by_postgresql() -> None:
    event = write_events(1)[0]
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "case.view"


def test_an_edited_row_is_caught_and_named() -> None:
    events = write_events()
    victim = events[5]
    as_superuser_without_trigger("UPDATE audit_auditevent SET object_id = '999' WHERE id = %s", [victim.pk])
    code, _, err = run_verify()
    assert code == 1
    assert f"row id {victim.pk}" in err and "edited" in err


def test_a_deleted_row_is_caught() -> None:
    events = write_events()
    victim = events[4]
    as_superuser_without_trigger("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    code, _, err = run_verify()
    assert code == 1 and f"chain {victim.chain}" in err and "missing" in err


def test_a_deleted_last_row_is_caught_by_the_chain_head() -> None:
    events = write_events()
    last = max((e for e in events if e.chain == events[0].chain), key=lambda e: e.seq)
    as_superuser_without_trigger("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    _, breaks = verify_all()
    assert breaks and "head" in breaks[0].reason


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_next_link() -> None:
    from sanad.audit.hashing import HASHED_FIELDS, row_hash

    events = write_events()
    chain = [e for e in events if e.chain == events[0].chain]
    victim = chain[1]
    values = {f: getattr(victim, f) for f in HASHED_FIELDS}
    values["reason"] = "forged"
    as_superuser_without_trigger(
        "UPDATE audit_auditevent SET reason = 'forged', hash = %s WHERE id = %s", [row_hash(values), victim.pk]
    )
    _, breaks = verify_all()
    assert breaks and breaks[0].event_id == chain[2].pk and "link" in breaks[0].reason
