"""Response times per receiving institution: medians and the share within the standard. Aggregates
of dates only, no case content; computed by PostgreSQL over the period asked for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import get_language

_SQL = """
SELECT i.id, i.name_ar, i.name_en, count(*) AS referrals,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.acknowledged_at - r.sent_at) / 60)
    FILTER (WHERE r.acknowledged_at IS NOT NULL) AS ack_median,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.first_contact_at - r.sent_at) / 60)
    FILTER (WHERE r.first_contact_at IS NOT NULL) AS contact_median,
  avg(CASE WHEN r.acknowledged_at IS NOT NULL AND r.acknowledged_at <= r.acknowledge_due THEN 1.0 ELSE 0.0 END)
    FILTER (WHERE r.acknowledge_due IS NOT NULL AND (r.acknowledged_at IS NOT NULL OR r.acknowledge_due < now()))
    AS ack_within,
  avg(CASE WHEN r.first_contact_at IS NOT NULL AND r.first_contact_at <= r.first_contact_due THEN 1.0 ELSE 0.0 END)
    FILTER (WHERE r.first_contact_due IS NOT NULL AND (r.first_contact_at IS NOT NULL OR r.first_contact_due < now()))
    AS contact_within
FROM referrals_referral r
JOIN institutions_unit u ON u.id = r.to_unit_id
JOIN institutions_institution i ON i.id = u.institution_id
WHERE r.country_id = %s AND r.sent_at >= now() - make_interval(days => %s)
GROUP BY i.id, i.name_ar, i.name_en, i.code
ORDER BY i.code
"""


@dataclass(frozen=True)
class ResponseTimes:
    institution_id: int
    name: str
    referrals: int
    acknowledge_median_minutes: float | None
    first_contact_median_minutes: float | None
    # Fractions 0..1 of the referrals whose deadline is met or passed; None when none is yet.
    acknowledged_within: float | None
    contacted_within: float | None


def response_times(*, country_id: int, days: int = 90) -> list[ResponseTimes]:
    english = (get_language() or "ar").startswith("en")
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [country_id, days])
        rows = cursor.fetchall()
    return [
        ResponseTimes(
            institution_id=row[0],
            name=row[2] if english else row[1],
            referrals=row[3],
            acknowledge_median_minutes=round(row[4], 1) if row[4] is not None else None,
            first_contact_median_minutes=round(row[5], 1) if row[5] is not None else None,
            acknowledged_within=float(row[6]) if row[6] is not None else None,
            contacted_within=float(row[7]) if row[7] is not None else None,
        )
        for row in rows
    ]
