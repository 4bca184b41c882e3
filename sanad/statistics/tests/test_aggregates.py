"""The dashboards' pre-aggregated counts give exactly the numbers read from the facts one by one,
for every period the dashboard offers and every single filter, before and after incremental
changes; after those changes they equal a rebuild from scratch; a stale month is read from the
facts until the refresh catches up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case, Report
from sanad.institutions.models import Country, Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.statistics import aggregates
from sanad.statistics.dashboard import HEADLINES, PANELS, applicable, prefetch_dashboard
from sanad.statistics.facts import drain, refresh_aggregates
from sanad.statistics.indicators import compute
from sanad.statistics.memo import memoised
from sanad.statistics.models import (
    Aggregate,
    AppealFact,
    IncidentFact,
    ReferralFact,
    ServiceFact,
    StaleMonth,
    StatisticsSettings,
)
from sanad.statistics.tasks import refresh_statistics, refresh_statistics_aggregates
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset() -> Country:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=20, seed=11)
    call_command("rebuild_statistics")
    country = Country.objects.get(code="bh")
    # Threshold 1: nothing suppressed, so every raw count is compared.
    StatisticsSettings.objects.update_or_create(country=country, defaults={"threshold": 1})
    _other_facts(country)
    return country


def _other_facts(country: Country) -> None:
    """The generator makes no services, referrals or appeals: facts written directly (as the
    benchmark does), spread over the incidents' months, then their aggregates computed."""
    months = sorted(set(IncidentFact.objects.values_list("month", flat=True)))
    incidents = list(IncidentFact.objects.order_by("incident_id"))
    services = ["counselling", "legal_aid", "shelter"]
    for i in range(60):
        source = incidents[i % len(incidents)]
        base = {
            "country_id": country.pk,
            "month": months[i % len(months)],
            "governorate_id": source.governorate_id,
            "institution_id": source.institution_id,
            "sector_id": source.sector_id if i % 5 else None,
        }
        ServiceFact.objects.create(service_id=i + 1, case_id=i + 1, service=services[i % 3], **base)
        ReferralFact.objects.create(
            referral_id=i + 1,
            urgency="urgent" if i % 4 else "routine",
            acknowledge_minutes=i * 7 if i % 3 else None,
            acknowledged_within=None if i % 7 == 0 else i % 3 != 1,
            **base,
        )
        AppealFact.objects.create(appeal_id=i + 1, platform="x", status=["new", "answered"][i % 2], **base)
    refresh_aggregates()


def _periods() -> list[tuple[dt.date, dt.date]]:
    month = IncidentFact.objects.order_by("-month").values_list("month", flat=True).first()
    assert month is not None
    year = month.year
    quarter = 3 * ((month.month - 1) // 3) + 1
    month_end = aggregates._period_end(month, "M")
    return [
        (dt.date(year, 1, 1), dt.date(year, 12, 31)),
        (dt.date(year, quarter, 1), aggregates._period_end(dt.date(year, quarter, 1), "Q")),
        (month, month_end),
        # Not a month, quarter or year: counts from the aggregates, unique survivors from the facts.
        (dt.date(year - 2, 1, 1), dt.date(year, 12, 31)),
    ]


def _filters(country: Country) -> list[dict[str, list[str]]]:
    incident = IncidentFact.objects.exclude(governorate_id=None).order_by("incident_id").first()
    assert incident is not None
    return [
        {},
        {"governorate": [str(incident.governorate_id)]},
        {"institution": [str(incident.institution_id)]},
        {"sex": ["female"]},
        {"age_group": [incident.age_group]},
        {"nationality_group": [incident.nationality_group]},
        {"violence_type": [incident.violence_type]},
        {"context": [incident.context]},
        {"relationship": [incident.relationship]},
        {"channel": [incident.channel]},
    ]


def _dashboard(country: Country, start: dt.date, end: dt.date, filters: dict[str, list[str]]) -> list[Any]:
    out = []
    for code, by in [(p.indicator, p.by) for p in PANELS] + [(c, ()) for c in HEADLINES]:
        usable, missing = applicable(code, filters)
        if not missing:
            r = compute(code, period_start=start, period_end=end, by=by, filters=usable, country_id=country.pk)
            out.append((code, by, r.table, r.values))
    return out


def _assert_same_as_facts(country: Country, *, served: bool = True) -> None:
    for start, end in _periods():
        for filters in _filters(country):
            from_facts = _dashboard(country, start, end, filters)
            with memoised():
                loaded = aggregates.load(country_id=country.pk, start=start, end=end, filters=filters, consent=False)
                assert (loaded is not None) == served
                prefetch_dashboard(country_id=country.pk, start=start, end=end, filters=filters)
                from_aggregates = _dashboard(country, start, end, filters)
            assert from_aggregates == from_facts, (start, end, filters)


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Aggregate.objects.values_list(
            "country_id", "source", "period", "month", "filter_dim", "filter_value", "dims", "k0", "k1", "n"
        ),
        key=repr,
    )


def test_aggregates_give_the_facts_numbers_for_every_period_and_filter(dataset: Country) -> None:
    assert Aggregate.objects.exists() and not StaleMonth.objects.exists()
    _assert_same_as_facts(dataset)


def test_aggregates_follow_incremental_changes_and_equal_a_rebuild(dataset: Country) -> None:
    unit = Unit.objects.filter(institution__country=dataset, institution__sector__code="police").first()
    assert unit is not None
    m = member(Role.INTAKE_OFFICER, unit=unit, username="agg_intake")
    actor = Actor(user=m.user, membership=m)
    survivor = person_register(actor=actor, data=PersonInput(first_name="مريم", family_name="العلي", sex="female"))
    report = case_services.report_register(
        actor=actor,
        data=case_services.ReportInput(
            received_at=timezone.now() - dt.timedelta(hours=1),
            channel_code="hotline",
            reporter_type_code="survivor",
            narrative="تهديد متكرر",
            persons=[(survivor.pk, "survivor")],
        ),
    )
    case_services.case_open(actor=actor, report=report)
    # Raw SQL as well: a case's risk changes, a report moves to another month (both months change).
    case = Case.objects.order_by("pk").first()
    moved = Report.objects.exclude(pk=report.pk).order_by("pk").first()
    assert case is not None and moved is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET risk_level = 'high' WHERE id = %s", [case.pk])
        cursor.execute("UPDATE cases_report SET received_at = received_at - interval '45 days' WHERE id = %s",
                       [moved.pk])
    refresh_statistics(reason="test")
    assert StaleMonth.objects.exists()  # the facts first; their aggregates by the next job
    assert refresh_statistics_aggregates(reason="test") > 0
    assert not StaleMonth.objects.exists()
    _assert_same_as_facts(dataset)
    incremental = _snapshot()
    refresh_aggregates(everything=True)
    assert _snapshot() == incremental


def test_a_stale_month_is_read_from_the_facts(dataset: Country) -> None:
    # Facts written without the refresh (as a bulk load would): the months are marked stale at once.
    with connection.cursor() as cursor:
        # In the latest month, which every period compared holds.
        cursor.execute("UPDATE statistics_incidentfact SET sex = 'male' "
                       "WHERE month = (SELECT max(month) FROM statistics_incidentfact)")
    assert StaleMonth.objects.exists()
    _assert_same_as_facts(dataset, served=False)
    drain()  # nothing queued: the stale months are left to the aggregates job
    assert StaleMonth.objects.exists()
    refresh_statistics_aggregates(reason="test")
    assert not StaleMonth.objects.exists()
    _assert_same_as_facts(dataset)
