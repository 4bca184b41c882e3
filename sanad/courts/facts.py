"""De-identified facts on court orders for the statistics (issue 9, item 7): counts and delays by
month, type, institution and governorate only; never a name, a case number or a narrative.

Each function takes a country and a half-open period of dates and returns plain rows, ready for the
statistics app to plug in. They read every order of the country, so they bypass the access policy,
named as such: their callers (the statistics builders) publish aggregates only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from sanad.access.policy import dangerously_unscoped
from sanad.courts.models import CourtOrder, OrderBreach, Payment, SessionStatus, VisitSession

_REASON = "statistics: de-identified aggregates of court orders"


def _month(value: dt.date | dt.datetime) -> str:
    return value.strftime("%Y-%m")


def orders_issued(*, country_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Orders issued in [start, end) by month, type and issuing institution."""
    rows = (
        dangerously_unscoped(CourtOrder.objects.all(), reason=_REASON)
        .filter(country_id=country_id, issued_on__gte=start, issued_on__lt=end)
        .annotate(month=TruncMonth("issued_on"), institution=F("court_unit__institution__code"))
        .values("month", "order_type", "institution")
        .annotate(orders=Count("pk"))
        .order_by("month", "order_type", "institution")
    )
    return [{**r, "month": _month(r["month"])} for r in rows]


def breaches(*, country_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Breaches of protection orders that happened in [start, end), by month and who reported them."""
    rows = (
        dangerously_unscoped(OrderBreach.objects.all(), reason=_REASON)
        .filter(order__country_id=country_id, occurred_at__date__gte=start, occurred_at__date__lt=end)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "source")
        .annotate(breaches=Count("pk"), orders=Count("order_id", distinct=True))
        .order_by("month", "source")
    )
    return [{**r, "month": _month(r["month"])} for r in rows]


def sessions(*, country_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Visitation sessions due in [start, end), by month and social centre: scheduled versus held,
    and how the others went (still ``scheduled`` means nobody recorded it yet)."""
    counted = {status: Count("pk", filter=Q(status=status)) for status in SessionStatus.values}
    rows = (
        dangerously_unscoped(VisitSession.objects.all(), reason=_REASON)
        .filter(order__country_id=country_id, on__gte=start, on__lt=end)
        .annotate(month=TruncMonth("on"), centre=F("order__centre_unit__institution__code"))
        .values("month", "centre")
        .annotate(due=Count("pk"), **counted)
        .order_by("month", "centre")
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        values: dict[str, Any] = dict(row)
        values["not_recorded"] = values.pop(SessionStatus.SCHEDULED)
        out.append({**values, "month": _month(values["month"])})
    return out


def payments(*, country_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Payments by the fund made in [start, end), by month: how many, the total, and their delays
    after the due date (median, 90th percentile, how many late)."""
    qs = (
        dangerously_unscoped(Payment.objects.all(), reason=_REASON)
        .filter(order__country_id=country_id, paid_on__gte=start, paid_on__lt=end)
        .values_list("paid_on", "due_on", "amount")
    )
    delays: dict[str, list[int]] = defaultdict(list)
    totals: dict[str, Any] = defaultdict(int)
    for paid_on, due_on, amount in qs:
        month = _month(paid_on)
        delays[month].append(max(0, (paid_on - due_on).days))
        totals[month] += amount
    rows = []
    for month in sorted(delays):
        values = sorted(delays[month])
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        rows.append(
            {
                "month": month,
                "payments": len(values),
                "amount": str(totals[month]),
                "delay_days_median": statistics.median(values),
                "delay_days_p90": p90,
                "late": sum(1 for v in values if v > 0),
            }
        )
    return rows


def recoveries_total(*, country_id: int, start: dt.date, end: dt.date) -> str:
    from sanad.courts.models import Recovery

    total = (
        dangerously_unscoped(Recovery.objects.all(), reason=_REASON)
        .filter(order__country_id=country_id, recovered_on__gte=start, recovered_on__lt=end)
        .aggregate(total=Sum("amount"))["total"]
    )
    return str(total or 0)
