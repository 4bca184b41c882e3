"""Indicators Sanad measures itself: one registry of named sources, each a function of a period and
a country that returns a value, its unit and when it was true.

This is the single place that knows where a computed indicator comes from. Today the sources read
the domains' own tables (dates and counts only, never a name or a narrative); when the statistics
app lands, each can be rewired to ``sanad.statistics.indicators.compute`` here without touching an
indicator, a snapshot or a view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BigIntegerField, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.institutions.models import Country, RolloutPhase, Unit
from sanad.strategy.models import IndicatorUnit


@dataclass(frozen=True)
class Computed:
    value: Decimal | None
    unit: str
    as_of: dt.datetime
    basis: int


@dataclass(frozen=True)
class Source:
    code: str
    label: str | Promise
    unit: str
    compute: Callable[[dt.date, dt.date, Country], Computed]


SOURCES: dict[str, Source] = {}


def source(
    code: str, *, label: str | Promise, unit: str
) -> Callable[[Callable[..., Computed]], Callable[..., Computed]]:
    def register(fn: Callable[..., Computed]) -> Callable[..., Computed]:
        if code in SOURCES:
            raise ValueError(f"computed source {code!r} registered twice")
        SOURCES[code] = Source(code=code, label=label, unit=unit, compute=fn)
        return fn

    return register


def compute(code: str, *, period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    if code not in SOURCES:
        raise KeyError(f"no computed source {code!r}")
    return SOURCES[code].compute(period_start, period_end, country)


def _bounds(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The period as [start, end) instants, and the moment the value is true: the end, or now if sooner."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end, min(end, timezone.now())


def _q(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@source(
    "referrals.acknowledged_within_standard",
    label=_("Share of referrals acknowledged within the response standard"),
    unit=IndicatorUnit.PERCENT,
)
def acknowledged_within_standard(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """Referrals sent in the period whose acknowledgement deadline has come (met or passed): the
    share acknowledged by it. One still within its time is not counted either way."""
    from sanad.referrals.models import Referral

    start, end, as_of = _bounds(period_start, period_end)
    due = Referral.objects.filter(
        country=country, sent_at__gte=start, sent_at__lt=end, acknowledge_due__isnull=False
    ).filter(Q(acknowledged_at__isnull=False, acknowledged_at__lte=as_of) | Q(acknowledge_due__lt=as_of))
    counts = due.aggregate(
        n=Count("pk"),
        met=Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due")) & Q(acknowledged_at__lte=as_of)),
    )
    n = int(counts["n"])
    value = _q(Decimal(counts["met"]) * 100 / n) if n else None
    return Computed(value=value, unit=IndicatorUnit.PERCENT, as_of=as_of, basis=n)


_MEDIAN_CONTACT_SQL = """
SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - sent_at) / 3600)
FROM referrals_referral
WHERE country_id = %s AND sent_at >= %s AND sent_at < %s
  AND first_contact_at IS NOT NULL AND first_contact_at <= %s
"""


@source(
    "referrals.first_contact_median_hours",
    label=_("Median time from referral to first contact with the survivor (hours)"),
    unit=IndicatorUnit.HOURS,
)
def first_contact_median_hours(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    start, end, as_of = _bounds(period_start, period_end)
    with connection.cursor() as cursor:
        cursor.execute(_MEDIAN_CONTACT_SQL, [country.pk, start, end, as_of])
        n, median = cursor.fetchone()
    return Computed(value=_q(median), unit=IndicatorUnit.HOURS, as_of=as_of, basis=int(n))


@source(
    "institutions.family_protection_offices_live",
    label=_("Family-protection offices live"),
    unit=IndicatorUnit.COUNT,
)
def family_protection_offices_live(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """Open units of the police directorates of the governorates whose roll-out phase is active. Roll-out
    phases keep no history, so this is the count as of the computation, whatever the period."""
    offices = Unit.objects.filter(
        is_active=True,
        institution__country=country,
        institution__is_active=True,
        institution__sector__code="police",
        institution__rollout_phase=RolloutPhase.ACTIVE,
        institution__governorate__isnull=False,
    )
    n = offices.count()
    return Computed(value=Decimal(n), unit=IndicatorUnit.COUNT, as_of=timezone.now(), basis=n)


@source(
    "cases.repeat_victimisation",
    label=_("Survivors reported again within twelve months (percent)"),
    unit=IndicatorUnit.PERCENT,
)
def repeat_victimisation(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """Of the distinct survivors (by linked identity, as ``count_unique_persons`` counts them) of the
    reports received in the period, the share named as survivor in at least one other report received
    in the period or in the twelve months before it."""
    from sanad.cases.models import PersonRole, ReportPerson
    from sanad.people.models import PersonIdentity
    from sanad.people.selectors import count_unique_persons

    start, end, as_of = _bounds(period_start, period_end)
    window_start = start - dt.timedelta(days=365)
    links = ReportPerson.objects.filter(
        role=PersonRole.SURVIVOR,
        report__country=country,
        report__received_at__gte=window_start,
        report__received_at__lt=end,
    )
    in_period = links.filter(report__received_at__gte=start)
    from sanad.people.models import Person

    total = count_unique_persons(persons=Person.objects.filter(pk__in=in_period.values("person_id")))
    root = Coalesce("person__merged_into_id", "person_id", output_field=BigIntegerField())
    identity = Subquery(PersonIdentity.objects.filter(person_id=OuterRef("root")).values("identity")[:1])
    who = links.annotate(root=root).annotate(who=Coalesce(identity, "root", output_field=BigIntegerField()))
    in_period_who = who.filter(report__received_at__gte=start).values("who")
    repeated = (
        who.filter(who__in=in_period_who)
        .values("who")
        .annotate(reports=Count("report_id", distinct=True))
        .filter(reports__gte=2)
        .count()
    )
    value = _q(Decimal(repeated) * 100 / total) if total else None
    return Computed(value=value, unit=IndicatorUnit.PERCENT, as_of=as_of, basis=total)
