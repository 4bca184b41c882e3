"""Opening a record beyond its owner unit: break-glass and unsealing. Both are time-limited, need
a stated reason, are audited, and tell the record's owner and the auditors at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant, GrantKind
from sanad.access.policy import require
from sanad.audit.services import audit_record


class ReasonRequired(ValueError):
    pass


def _open(*, actor: Actor, obj: Any, kind: str, action: str, reason: str, minutes: int) -> AccessGrant:
    reason = reason.strip()
    if len(reason) < 10:
        raise ReasonRequired("a reason of at least 10 characters is required")
    require(actor, action, obj)
    if actor.user is None:  # require() refuses actors without a user; this narrows the type
        raise ValueError("an opening needs a user")
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            user=actor.user,
            kind=kind,
            reason=reason,
            granted_by=actor.user,
            expires_at=timezone.now() + dt.timedelta(minutes=minutes),
        )
        audit_record(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            reason=reason,
            details={"grant": grant.pk, "minutes": minutes, "owner_unit": obj.owner_unit_id},
        )
        transaction.on_commit(lambda: _tell_owner_and_auditors(grant_id=grant.pk))
    return grant


def _tell_owner_and_auditors(*, grant_id: int) -> None:
    from sanad.access.tasks import notify_record_opened

    notify_record_opened.defer(grant_id=grant_id)


def break_glass(*, actor: Actor, obj: Any, reason: str, minutes: int | None = None) -> AccessGrant:
    prefix = obj._meta.label_lower.split(".")[1]
    return _open(
        actor=actor,
        obj=obj,
        kind=GrantKind.BREAK_GLASS,
        action=f"{prefix}.break_glass",
        reason=reason,
        minutes=minutes or settings.SANAD_BREAK_GLASS_MINUTES,
    )


def unseal(*, actor: Actor, obj: Any, reason: str, minutes: int | None = None) -> AccessGrant:
    prefix = obj._meta.label_lower.split(".")[1]
    return _open(
        actor=actor,
        obj=obj,
        kind=GrantKind.UNSEAL,
        action=f"{prefix}.unseal",
        reason=reason,
        minutes=minutes or settings.SANAD_BREAK_GLASS_MINUTES,
    )
