"""Indicators Sanad measures itself: one registry of named sources, each a function of a period and
a country that returns a value, its unit and when it was true.

This is the single place that knows where a computed indicator comes from. Every source that has
an equivalent in the national statistics reads it through ``sanad.statistics.indicators.compute``,
so the strategy and the statistics give the same number by construction: the same de-identified
facts (refreshed by the statistics' queue and job; ``refresh_computed`` drains the queue first), the
same whole-month periods (a round from 15 March counts March whole), the same rounding and the same
small-cell protection. A value the statistics suppress is ``suppressed`` here (value None), shown as
"suppressed", never as 0 nor as "no data". Family-protection offices live has no statistics
equivalent (it counts units, not facts) and still reads the institutions directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.institutions.models import Country, RolloutPhase, Unit
from sanad.strategy.models import IndicatorUnit

if TYPE_CHECKING:
    from sanad.statistics.indicators import Result


@dataclass(frozen=True)
class Computed:
    value: Decimal | None
    unit: str
    as_of: dt.datetime
    basis: int
    # The statistics withheld the value (too few observations): value is None, basis 0.
    suppressed: bool = False


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


def _statistic(code: str, period_start: dt.date, period_end: dt.date, country: Country) -> Result:
    """The national statistics' indicator over the period (whole months, as the statistics count)."""
    from sanad.statistics.indicators import compute as statistic

    return statistic(code, period_start=period_start, period_end=period_end, country_id=country.pk)


def _from_value(code: str, unit: str, period_start: dt.date, period_end: dt.date, country: Country,
                scale: Decimal = Decimal(1)) -> Computed:
    """A median or a share of the statistics, as published there (``scale`` converts its unit)."""
    _start, _end, as_of = _bounds(period_start, period_end)
    result = _statistic(code, period_start, period_end, country)
    published = result.total_value
    if published is None or published.n.suppressed:
        return Computed(value=None, unit=unit, as_of=as_of, basis=0, suppressed=True)
    value = None if published.value is None else _q(Decimal(str(published.value)) / scale)
    return Computed(value=value, unit=unit, as_of=as_of, basis=int(published.n.value or 0))


@source(
    "referrals.acknowledged_within_standard",
    label=_("Share of referrals acknowledged within the response standard"),
    unit=IndicatorUnit.PERCENT,
)
def acknowledged_within_standard(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """The statistics' ``referral_acknowledged_within``: referrals sent in the period whose
    acknowledgement deadline has come (met or passed), the share acknowledged by it."""
    return _from_value("referral_acknowledged_within", IndicatorUnit.PERCENT, period_start, period_end, country)


@source(
    "referrals.first_contact_median_hours",
    label=_("Median time from referral to first contact with the survivor (hours)"),
    unit=IndicatorUnit.HOURS,
)
def first_contact_median_hours(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """The statistics' ``referral_contact_minutes`` (published in minutes, to one decimal), in hours."""
    return _from_value(
        "referral_contact_minutes", IndicatorUnit.HOURS, period_start, period_end, country, scale=Decimal(60)
    )


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
    label=_("Survivors victimised again (percent of the period's survivors)"),
    unit=IndicatorUnit.PERCENT,
)
def repeat_victimisation(period_start: dt.date, period_end: dt.date, country: Country) -> Computed:
    """The statistics' ``repeat_victimisation`` over their ``survivors``, both by linked identity: of
    the distinct survivors with an incident reported in the period, the share with two or more in
    it or one reported before it. Both counts as published (suppressed or rounded the same way)."""
    _start, _end, as_of = _bounds(period_start, period_end)
    survivors = _statistic("survivors", period_start, period_end, country).total
    repeated = _statistic("repeat_victimisation", period_start, period_end, country).total
    if survivors.suppressed or repeated.suppressed:
        return Computed(value=None, unit=IndicatorUnit.PERCENT, as_of=as_of, basis=0, suppressed=True)
    total = int(survivors.value or 0)
    value = _q(Decimal(int(repeated.value or 0)) * 100 / total) if total else None
    return Computed(value=value, unit=IndicatorUnit.PERCENT, as_of=as_of, basis=total)
