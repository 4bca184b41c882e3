"""The periodic deadline scan: breaches of the response standards, told to the receiver's supervisors,
then escalated to the national response coordinator.

Set-based, so it stays fast over every open referral of a country: one INSERT ... SELECT finds the
new breaches (the partial indexes on the due times read only open referrals past a deadline), one
UPDATE closes the breaches put right since, one UPDATE ... RETURNING picks those to escalate. Each
breach is one row (``Breach``), which the statistics count; the notices name units and ids only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from sanad.institutions.models import Membership, Unit
from sanad.institutions.roles import Role
from sanad.notices.models import Notice, NoticeKind
from sanad.notices.services import notify_batch

# The open statuses are written out (not interpolated) so the planner matches the partial indexes.
_NEW_BREACHES = """
INSERT INTO referrals_breach
  (referral_id, kind, country_id, to_unit_id, urgency, due_at, detected_at, supervisor_told_at)
SELECT id, 'acknowledge', country_id, to_unit_id, urgency, acknowledge_due, %(now)s, %(now)s
  FROM referrals_referral
 WHERE status = 'sent' AND acknowledged_at IS NULL AND acknowledge_due < %(now)s
UNION ALL
SELECT id, 'first_contact', country_id, to_unit_id, urgency, first_contact_due, %(now)s, %(now)s
  FROM referrals_referral
 WHERE status IN ('sent', 'received', 'accepted', 'in_progress')
   AND first_contact_at IS NULL AND first_contact_due < %(now)s
UNION ALL
SELECT id, 'complete', country_id, to_unit_id, urgency, complete_due, %(now)s, %(now)s
  FROM referrals_referral
 WHERE status IN ('sent', 'received', 'accepted', 'in_progress') AND complete_due < %(now)s
ON CONFLICT (referral_id, kind) DO NOTHING
RETURNING id, referral_id, kind, to_unit_id
"""

# A breach put right (acknowledged, contacted, completed, or the referral closed) before escalation.
_RESOLVED = """
UPDATE referrals_breach b SET resolved_at = %(now)s
  FROM referrals_referral r
 WHERE b.referral_id = r.id AND b.escalated_at IS NULL AND b.resolved_at IS NULL
   AND (r.status NOT IN ('sent', 'received', 'accepted', 'in_progress')
        OR (b.kind = 'acknowledge' AND r.acknowledged_at IS NOT NULL)
        OR (b.kind = 'first_contact' AND r.first_contact_at IS NOT NULL))
"""

_TO_ESCALATE = """
UPDATE referrals_breach b SET escalated_at = %(now)s
  FROM referrals_referral r JOIN referrals_responsestandard s ON s.id = r.standard_id
 WHERE b.referral_id = r.id AND b.escalated_at IS NULL AND b.resolved_at IS NULL
   AND b.supervisor_told_at + make_interval(mins => s.escalate_after_minutes) <= %(now)s
RETURNING b.id, b.referral_id, b.kind, b.to_unit_id, b.country_id
"""


@dataclass(frozen=True)
class ScanResult:
    breaches: int
    resolved: int
    escalated: int
    notices: int


def _unit_params(unit_ids: set[int]) -> dict[int, dict[str, str]]:
    units = Unit.objects.filter(pk__in=unit_ids).select_related("institution")
    return {
        u.pk: {"unit_ar": f"{u.institution.name_ar} / {u.name_ar}", "unit_en": f"{u.institution.name_en} / {u.name_en}"}
        for u in units
    }


def _holders(role: str, **where: object) -> dict[int, list[int]]:
    """Current holders of ``role`` grouped by unit (``unit_id__in``) or by country."""
    rows = Membership.objects.current().filter(role=role, user__is_active=True, **where)
    grouped: dict[int, list[int]] = defaultdict(list)
    key = "unit__institution__country_id" if "unit__institution__country_id__in" in where else "unit_id"
    for group, user_id in rows.values_list(key, "user_id"):
        grouped[group].append(user_id)
    return grouped


_BREACH_NOTICES = """
WITH supervisors AS ({supervisors})
INSERT INTO notices_notice (recipient_id, kind, object_type, object_id, params, created_at)
SELECT DISTINCT s.user_id, %s, 'referrals.referral', b.referral_id::text,
       jsonb_build_object(
         'breach', b.kind,
         'unit_ar', i.name_ar || ' / ' || u.name_ar,
         'unit_en', i.name_en || ' / ' || u.name_en),
       %s
  FROM referrals_breach b
  JOIN supervisors s ON s.unit_id = b.to_unit_id
  JOIN institutions_unit u ON u.id = b.to_unit_id
  JOIN institutions_institution i ON i.id = u.institution_id
 WHERE b.id = ANY(%s)
RETURNING id
"""


def _breach_notices(breach_ids: list[int], now: dt.datetime) -> int:
    """One notice per new breach to each current supervisor of the receiving unit, in one statement: a
    scan over a backlog finds thousands at once. Who is a current supervisor is the ORM's own query."""
    if not breach_ids:
        return 0
    holders = (
        Membership.objects.current().filter(role=Role.SUPERVISOR, user__is_active=True).values("unit_id", "user_id")
    )
    holders_sql, holders_params = holders.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            _BREACH_NOTICES.format(supervisors=holders_sql),
            [*holders_params, NoticeKind.REFERRAL_BREACH.value, now, breach_ids],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        from sanad.notices.email import queue_email_deliveries

        queue_email_deliveries(list(Notice.objects.filter(pk__in=ids)))
    return len(ids)


def scan(*, now: dt.datetime) -> ScanResult:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_NEW_BREACHES, {"now": now})
            new = cursor.fetchall()
            cursor.execute(_RESOLVED, {"now": now})
            resolved = cursor.rowcount
            cursor.execute(_TO_ESCALATE, {"now": now})
            escalate = cursor.fetchall()
        units = _unit_params({row[3] for row in escalate})
        breach_notices = _breach_notices([row[0] for row in new], now)
        countries = {row[4] for row in escalate}
        coordinators = _holders(Role.NATIONAL_COORDINATOR, unit__institution__country_id__in=countries)
        # A country without a coordinator yet: its national administrators hear of it, so nothing is lost.
        admins = _holders(Role.NATIONAL_ADMIN, unit__institution__country_id__in=countries - set(coordinators))
        rows = [
            Notice(
                recipient_id=user_id,
                kind=NoticeKind.REFERRAL_ESCALATED,
                object_type="referrals.referral",
                object_id=str(referral_id),
                params={"breach": kind, **units.get(unit_id, {})},
            )
            for _breach, referral_id, kind, unit_id, country_id in escalate
            for user_id in sorted(set(coordinators.get(country_id) or admins.get(country_id, [])))
        ]
        notices = breach_notices + notify_batch(rows)
        if new or escalate:
            from sanad.access.actor import Actor
            from sanad.audit.services import audit_record

            audit_record(
                actor=Actor.for_system("referral_deadline_scan"),
                action="referral.deadline_scan",
                object_type="referrals.breach",
                details={"breaches": len(new), "resolved": resolved, "escalated": len(escalate)},
            )
    return ScanResult(breaches=len(new), resolved=resolved, escalated=len(escalate), notices=notices)
