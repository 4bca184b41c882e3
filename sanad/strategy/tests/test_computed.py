"""Computed indicators from Sanad's own data: referral response times, offices live, repeat victimisation.

Every source but the offices reads the national statistics (``sanad.statistics.indicators.compute``):
the tests below check the values against real referrals and reports, that they are exactly the
statistics' numbers for the same period, and that a value the statistics suppress is "suppressed"
(value None, flagged), neither 0 nor "no data"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.cases.tests.conftest import report_input
from sanad.institutions.models import Country, Unit
from sanad.people.services import PersonInput, person_register
from sanad.referrals import services as referral_services
from sanad.referrals.models import Referral
from sanad.referrals.tests.conftest import (  # noqa: F401 - shared fixtures
    case,
    country,
    make_actor,
    receiver_unit,
    referral_input,
    sender_unit,
    v1,
    worker,
)
from sanad.statistics.facts import drain
from sanad.statistics.indicators import compute as statistic
from sanad.statistics.models import StatisticsSettings
from sanad.strategy import computed
from sanad.testing.factories import GovernorateFactory, InstitutionFactory, UnitFactory, sector

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = {"period_start": TODAY - dt.timedelta(days=30), "period_end": TODAY}


def threshold(where: Country, n: int) -> None:
    StatisticsSettings.objects.update_or_create(country=where, defaults={"threshold": n})


def test_the_registry_names_every_source_once() -> None:
    assert set(computed.SOURCES) == {
        "referrals.acknowledged_within_standard",
        "referrals.first_contact_median_hours",
        "institutions.family_protection_offices_live",
        "cases.repeat_victimisation",
    }
    with pytest.raises(KeyError):
        computed.compute("nope", country=Country(), **PERIOD)


def test_referral_response_times(worker: Actor, case: Case, receiver_unit: Unit, country: Country) -> None:  # noqa: F811
    for _ in range(4):
        referral_services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    referrals = list(Referral.objects.order_by("pk"))
    # Acknowledged after 10, 20 and 90 minutes against 60; the fourth not yet and not yet due.
    for referral, minutes, contact_hours in zip(referrals, (10, 20, 90), (2, 6, 30), strict=False):
        sent = referral.sent_at - dt.timedelta(days=2)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent,
            acknowledge_due=sent + dt.timedelta(minutes=60),
            acknowledged_at=sent + dt.timedelta(minutes=minutes),
            first_contact_at=sent + dt.timedelta(hours=contact_hours),
        )
    Referral.objects.filter(pk=referrals[3].pk).update(acknowledge_due=timezone.now() + dt.timedelta(hours=1))
    drain()  # what the statistics' refresh job does within the minute (refresh_computed does it too)

    # The default rule (threshold 5) withholds a share of three referrals: suppressed, not 0.
    for code in ("referrals.acknowledged_within_standard", "referrals.first_contact_median_hours"):
        withheld = computed.compute(code, country=country, **PERIOD)
        assert (withheld.value, withheld.basis, withheld.suppressed) == (None, 0, True)

    threshold(country, 3)
    ack = computed.compute("referrals.acknowledged_within_standard", country=country, **PERIOD)
    # Two of three: 66.7 as the statistics publish it (one decimal).
    assert (ack.value, ack.basis, ack.unit, ack.suppressed) == (Decimal("66.70"), 3, "percent", False)
    median = computed.compute("referrals.first_contact_median_hours", country=country, **PERIOD)
    assert (median.value, median.basis, median.unit) == (Decimal("6.00"), 3, "hours")
    # A period before any referral: no value, not zero, and not suppressed either.
    empty = computed.compute(
        "referrals.acknowledged_within_standard",
        country=country,
        period_start=TODAY - dt.timedelta(days=400),
        period_end=TODAY - dt.timedelta(days=300),
    )
    assert (empty.value, empty.basis, empty.suppressed) == (None, 0, False)


def test_the_strategy_gives_the_statistics_number_for_the_same_period(
    worker: Actor, case: Case, receiver_unit: Unit, sender_unit: Unit, country: Country, v1: object  # noqa: F811
) -> None:
    for n in range(6):
        referral = referral_services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
        sent = referral.sent_at - dt.timedelta(days=3)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent,
            acknowledge_due=sent + dt.timedelta(minutes=60),
            acknowledged_at=sent + dt.timedelta(minutes=25 * n + 7),
            first_contact_at=sent + dt.timedelta(minutes=95 * n + 31),
        )
    intake = make_actor("intake_officer", sender_unit)
    for n in range(6):
        person = person_register(actor=intake, data=PersonInput(first_name=f"ناجية{n}", family_name="البوعينين"))
        for _ in range(1 + n % 3):
            case_services.report_register(actor=intake, data=report_input(person))
    drain()
    threshold(country, 2)
    cid = country.pk
    ack = computed.compute("referrals.acknowledged_within_standard", country=country, **PERIOD)
    published = statistic("referral_acknowledged_within", **PERIOD, country_id=cid).total_value
    assert published is not None and published.value is not None
    assert ack.value == Decimal(str(published.value)).quantize(Decimal("0.01")) == Decimal("50.00")
    assert ack.basis == published.n.value == 6
    contact = computed.compute("referrals.first_contact_median_hours", country=country, **PERIOD)
    minutes = statistic("referral_contact_minutes", **PERIOD, country_id=cid).total_value
    assert minutes is not None and minutes.value is not None
    assert contact.value == (Decimal(str(minutes.value)) / 60).quantize(Decimal("0.01"))
    repeat = computed.compute("cases.repeat_victimisation", country=country, **PERIOD)
    survivors = statistic("survivors", **PERIOD, country_id=cid).total.value
    repeated = statistic("repeat_victimisation", **PERIOD, country_id=cid).total.value
    assert survivors is not None and repeated is not None
    assert repeat.value == (Decimal(repeated) * 100 / survivors).quantize(Decimal("0.01"))
    # The case's own survivor (one report) and six more, four of them reported two or three times.
    assert (repeat.basis, survivors, repeated) == (7, 7, 4)


def test_family_protection_offices_live(country: Country) -> None:  # noqa: F811
    for n, phase in enumerate(("active", "active", "pilot")):
        gov = GovernorateFactory(country=country)
        police = InstitutionFactory(country=country, sector=sector("police"), governorate=gov, rollout_phase=phase)
        UnitFactory(institution=police, code=f"fpo-{n}")
    # The ministry's coordination unit has no governorate: it is not an office.
    UnitFactory(institution=InstitutionFactory(country=country, sector=sector("police")))
    result = computed.compute("institutions.family_protection_offices_live", country=country, **PERIOD)
    assert result.value == Decimal(2)


def test_repeat_victimisation_counts_linked_identities(sender_unit: Unit, country: Country, v1: object) -> None:  # noqa: F811
    intake = make_actor("intake_officer", sender_unit)
    twice = person_register(actor=intake, data=PersonInput(first_name="مريم", family_name="السويدي", sex="female"))
    once = person_register(actor=intake, data=PersonInput(first_name="هدى", family_name="الكعبي", sex="female"))
    for person in (twice, twice, once):
        case_services.report_register(actor=intake, data=report_input(person))
    drain()
    # One of two survivors, and one survivor cannot be published under a threshold of 2.
    assert computed.compute("cases.repeat_victimisation", country=country, **PERIOD).suppressed
    threshold(country, 1)
    result = computed.compute("cases.repeat_victimisation", country=country, **PERIOD)
    assert (result.value, result.basis, result.suppressed) == (Decimal("50.00"), 2, False)
