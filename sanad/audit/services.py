"""Writing to the audit trail. Call ``audit_record`` inside the transaction of the change it records,
so the row exists exactly when the change does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from sanad.access.actor import Actor
from sanad.audit.hashing import GENESIS, row_hash
from sanad.audit.models import AuditEvent, ChainHead, Outcome


def chain_for(actor: Actor) -> int:
    chains: int = getattr(settings, "SANAD_AUDIT_CHAINS", 4)
    return (actor.user_id or 0) % chains


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.ALLOWED,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    chain = chain_for(actor)
    membership = actor.membership
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(chain=chain, defaults={"hash": GENESIS})
        # Truncated to microseconds and in UTC so the hash recomputed from the stored row matches.
        occurred_at = datetime.now(tz=UTC)
        values: dict[str, Any] = {
            "chain": chain,
            "seq": head.seq + 1,
            "occurred_at": occurred_at,
            "user_id": actor.user_id,
            "username": actor.user.get_username() if actor.user is not None else "",
            "membership_id": membership.pk if membership is not None else None,
            "unit_id": membership.unit_id if membership is not None else None,
            "institution_id": membership.unit.institution_id if membership is not None else None,
            "role": membership.role if membership is not None else "",
            "system": actor.system,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "outcome": str(outcome),
            "reason": reason,
            "ip": actor.ip,
            "user_agent": actor.user_agent,
            "details": details or {},
            "prev_hash": head.hash,
        }
        values["hash"] = row_hash(values)
        event = AuditEvent.objects.create(**values)
        ChainHead.objects.filter(chain=chain).update(seq=values["seq"], hash=values["hash"])
    return event
