from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import scope
from sanad.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_event_list(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    qs = scope(actor, "audit.view", AuditEvent.objects.all())
    if filters.username:
        qs = qs.filter(username=filters.username)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.date_from:
        qs = qs.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_at__date__lte=filters.date_to)
    return qs.order_by("-occurred_at", "-id")


def record_access_log(*, object_type: str, object_id: str | int) -> QuerySet[AuditEvent]:
    """Who saw or changed one record. The caller has already checked that the actor may see the
    record's access log (each domain's rule), so this selector takes no actor."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-occurred_at", "-id")
