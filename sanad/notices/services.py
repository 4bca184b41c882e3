"""Writing and acknowledging notices. Delivery runs in jobs (queued on commit by the change that
causes it), so a notice is never sent for a change that was rolled back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.institutions.models import Membership
from sanad.institutions.roles import Role
from sanad.notices.models import Notice


def notify(
    *,
    recipients: Iterable[int] = (),
    units: Iterable[int] = (),
    kind: str,
    object_type: str = "",
    object_id: Any = "",
    params: dict[str, str],
) -> int:
    """One notice per distinct recipient user id and per distinct unit; returns how many were written.
    Call it inside the transaction of the change: the email deliveries are queued in it too."""
    common = {"kind": kind, "object_type": object_type, "object_id": str(object_id), "params": params}
    rows = [Notice(recipient_id=uid, **common) for uid in sorted(set(recipients))]
    rows += [Notice(unit_id=unit_id, **common) for unit_id in sorted(set(units))]
    return notify_batch(rows)


def notify_batch(rows: list[Notice]) -> int:
    """Write prepared notices in one statement (a scan that finds thousands at once) and queue their emails."""
    from sanad.notices.email import queue_email_deliveries

    Notice.objects.bulk_create(rows)
    queue_email_deliveries(rows)
    return len(rows)


def current_users_with_role(role: str, *, unit_id: int | None = None) -> list[int]:
    """Users who hold ``role`` now (in ``unit_id`` when given) and may sign in."""
    memberships = Membership.objects.current().filter(role=role, user__is_active=True)
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    return list(memberships.values_list("user_id", flat=True).distinct())


def auditors() -> list[int]:
    return current_users_with_role(Role.AUDITOR)


def notices_mark_read(*, actor: Actor, notices: Iterable[Notice]) -> int:
    """Mark the actor's own notices read (audited). Notices of others are refused."""
    ids = []
    for notice in notices:
        require(actor, "notice.read", notice)
        ids.append(notice.pk)
    with transaction.atomic():
        changed = Notice.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
        if changed:
            audit_record(actor=actor, action="notice.read", object_type="notices.notice", details={"count": changed})
    return changed
