"""The periodic pass over court orders: orders take effect and expire on their dates, and the people
concerned are reminded before an order expires and before a scheduled session, each reminder exactly
once (its key is unique: a second run, or a second worker, finds it sent and sends nothing).

Dates are each country's local dates. Notices carry ids and dates only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from sanad.access.actor import Actor
from sanad.audit.services import audit_record
from sanad.courts.models import (
    LIVE_STATUSES,
    CourtOrder,
    OrderEvent,
    OrderStatus,
    Reminder,
    SessionStatus,
    VisitSession,
)
from sanad.institutions.models import Country
from sanad.notices.models import NoticeKind
from sanad.notices.services import notify


@dataclass(frozen=True)
class PassResult:
    in_force: int
    expired: int
    reminders: int


def expiry_days() -> int:
    return int(getattr(settings, "COURTS_EXPIRY_REMINDER_DAYS", 7))


def _once(key: str, order: CourtOrder, session: VisitSession | None = None) -> bool:
    """Record the reminder; False when it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, order=order, session=session)
    except IntegrityError:
        return False
    return True


def _move(orders: list[CourtOrder], status: str, event: str) -> int:
    for order in orders:
        order.status = status
        order.row_version += 1
        order.save(update_fields=["status", "row_version"])
        OrderEvent.objects.create(order=order, status=status, event=event, by=None)
    return len(orders)


def run(*, now: dt.datetime) -> PassResult:
    in_force = expired = reminders = 0
    for country in Country.objects.all():
        today = now.astimezone(zoneinfo.ZoneInfo(country.time_zone)).date()
        with transaction.atomic():
            starting = list(
                CourtOrder.objects.select_for_update().filter(
                    country=country, status=OrderStatus.ISSUED, starts_on__lte=today
                )
            )
            in_force += _move(starting, OrderStatus.IN_FORCE, "in_force")
            ending = list(
                CourtOrder.objects.select_for_update().filter(
                    country=country, status__in=LIVE_STATUSES, ends_on__lt=today
                )
            )
            expired += _move(ending, OrderStatus.EXPIRED, "expired")
        soon = today + dt.timedelta(days=expiry_days())
        expiring = CourtOrder.objects.filter(
            country=country, status__in=LIVE_STATUSES, ends_on__gte=today, ends_on__lte=soon
        ).select_related("case", "link_referral")
        for order in expiring:
            assert order.ends_on is not None  # noqa: S101 - filtered above
            with transaction.atomic():
                if not _once(f"expiry:{order.pk}:{order.ends_on.isoformat()}", order):
                    continue
                link = order.link_referral
                notify(
                    units=[u for u in (order.court_unit_id, order.case.owner_unit_id, link and link.to_unit_id) if u],
                    recipients=[order.case.assigned_to_id] if order.case.assigned_to_id else [],
                    kind=NoticeKind.COURT_ORDER_EXPIRING,
                    object_type="courts.courtorder",
                    object_id=order.pk,
                    params={"type": order.order_type, "number": order.case.number, "date": order.ends_on.isoformat()},
                )
                reminders += 1
        coming = VisitSession.objects.filter(
            order__country=country,
            order__status__in=LIVE_STATUSES,
            status=SessionStatus.SCHEDULED,
            on__gte=today,
            on__lte=today + dt.timedelta(days=1),
        ).select_related("order__case")
        for session in coming:
            order = session.order
            with transaction.atomic():
                if not _once(f"session:{session.pk}", order, session):
                    continue
                notify(
                    units=[u for u in (order.centre_unit_id, order.case.owner_unit_id) if u],
                    kind=NoticeKind.COURT_SESSION_SOON,
                    object_type="courts.courtorder",
                    object_id=order.pk,
                    params={"type": order.order_type, "number": order.case.number, "date": session.on.isoformat()},
                )
                reminders += 1
    if in_force or expired or reminders:
        audit_record(
            actor=Actor.for_system("court_reminders"),
            action="court.reminders",
            object_type="courts.courtorder",
            details={"in_force": in_force, "expired": expired, "reminders": reminders},
        )
    return PassResult(in_force=in_force, expired=expired, reminders=reminders)
