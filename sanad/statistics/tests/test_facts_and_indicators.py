"""Indicators computed by hand from the source records of a small generated dataset, compared with
what the app publishes; facts hold nothing that identifies a person; changes reach the facts
through the queue and the refresh job, COPY and raw SQL included."""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case, Incident, Report, ReportPerson
from sanad.institutions.models import Country, Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.models import Person, PersonIdentity
from sanad.people.selectors import count_unique_persons
from sanad.people.services import PersonInput, person_register
from sanad.statistics.facts import FACT_SOURCES, drain
from sanad.statistics.indicators import INDICATORS, IndicatorError, compute
from sanad.statistics.keys import survivor_key
from sanad.statistics.models import CaseFact, IncidentFact, QueuedChange, StatisticsSettings
from sanad.statistics.tasks import refresh_statistics
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db

ALL = {"period_start": dt.date(2000, 1, 1), "period_end": dt.date(2100, 12, 31)}


@pytest.fixture
def dataset() -> Country:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=20, seed=11)
    call_command("rebuild_statistics")
    country = Country.objects.get(code="bh")
    # Threshold 1: nothing suppressed, so the published numbers can be compared with hand counts.
    StatisticsSettings.objects.update_or_create(country=country, defaults={"threshold": 1})
    return country


def _governorate_of(incident: Incident) -> int | None:
    unit = incident.report.owner_unit
    return incident.governorate_id or unit.governorate_id or unit.institution.governorate_id


def test_incidents_by_governorate_by_hand(dataset: Country) -> None:
    incidents = Incident.objects.select_related("report__owner_unit__institution")
    by_hand = Counter(str(_governorate_of(i)) for i in incidents)
    result = compute("incidents", **ALL, by=["governorate"], country_id=dataset.pk)
    published = {k: c.value for k, c in zip(result.table.row_keys, result.table.row_totals, strict=True)}
    assert published == dict(by_hand)
    assert result.total.value == Incident.objects.count() == 20


def test_reports_by_channel_and_cases_by_risk_by_hand(dataset: Country) -> None:
    channels = Counter(Report.objects.values_list("channel_code", flat=True))
    result = compute("reports", **ALL, by=["channel"], country_id=dataset.pk)
    assert {k: c.value for k, c in zip(result.table.row_keys, result.table.row_totals, strict=True)} == dict(channels)
    risks = Counter(Case.objects.values_list("risk_level", flat=True))
    result = compute("cases", **ALL, by=["risk_level"], country_id=dataset.pk)
    assert {k: c.value for k, c in zip(result.table.row_keys, result.table.row_totals, strict=True)} == dict(risks)


def test_unique_survivors_follow_linkage_by_hand(dataset: Country) -> None:
    survivors = ReportPerson.objects.filter(role="survivor").values_list("person_id", flat=True)
    expected = count_unique_persons(persons=Person.objects.filter(pk__in=survivors))
    assert compute("survivors", **ALL, country_id=dataset.pk).total.value == expected
    # Two survivors linked as one person by the national linkage then count once.
    first, second = sorted(survivors)[:2]
    PersonIdentity.objects.update_or_create(person_id=first, defaults={"identity": first})
    PersonIdentity.objects.update_or_create(person_id=second, defaults={"identity": first})
    drain()
    assert compute("survivors", **ALL, country_id=dataset.pk).total.value == expected - 1
    assert count_unique_persons(persons=Person.objects.filter(pk__in=survivors)) == expected - 1


def test_median_days_to_report_and_survivors_by_sex_by_hand(dataset: Country) -> None:
    days = []
    for incident in Incident.objects.select_related("report__country"):
        received = timezone.localtime(incident.report.received_at, timezone=_tz(incident.report.country)).date()
        happened = incident.occurred_on or incident.period_end or incident.period_start
        assert happened is not None
        if (received - happened).days >= 0:
            days.append((received - happened).days)
    result = compute("days_to_report", **ALL, country_id=dataset.pk)
    assert result.total_value is not None
    assert result.total_value.value == round(float(pystats.median(days)), 1)
    survivor_ids = ReportPerson.objects.filter(role="survivor").values_list("person_id", flat=True)
    sexes = Counter(Person.objects.get(pk=pid).sex for pid in survivor_ids)
    result = compute("survivors", **ALL, by=["sex"], country_id=dataset.pk)
    assert {k: c.value for k, c in zip(result.table.row_keys, result.table.row_totals, strict=True)} == dict(sexes)


def _tz(country: Country) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(country.time_zone)


def test_rate_per_100000_uses_the_pack_population(dataset: Country) -> None:
    from sanad.institutions.models import Governorate

    capital = Governorate.objects.get(country=dataset, code="capital")
    result = compute("incident_rate", **ALL, by=["governorate"], country_id=dataset.pk)
    count = result.table.row_totals[result.table.row_keys.index(str(capital.pk))].value
    assert count is not None and capital.population
    assert result.values[str(capital.pk)].value == round(count * 100_000 / capital.population, 1)


def test_default_threshold_suppresses_and_the_rule_is_stated(dataset: Country) -> None:
    StatisticsSettings.objects.filter(country=dataset).update(threshold=5)
    result = compute("incidents", **ALL, by=["governorate", "sex"], country_id=dataset.pk)
    values = [c.value for row in result.table.cells for c in row] + [c.value for c in result.table.row_totals]
    assert all(v is None or v == 0 or v >= 5 for v in values)
    assert "4" in result.rule.text()


def test_a_filter_the_indicator_lacks_is_refused(dataset: Country) -> None:
    with pytest.raises(IndicatorError):
        compute("referrals", **ALL, filters={"sex": ["female"]}, country_id=dataset.pk)
    with pytest.raises(IndicatorError):
        compute("nonsense", **ALL, country_id=dataset.pk)


def test_facts_hold_no_name_identifier_date_of_birth_or_narrative(dataset: Country) -> None:
    forbidden = {"name", "first_name", "family_name", "date_of_birth", "narrative", "address", "phones", "number"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_name LIKE 'statistics_%%fact'"
        )
        columns = cursor.fetchall()
    assert columns and not [c for c in columns if c[1] in forbidden]
    person = Person.objects.filter(pk__in=ReportPerson.objects.filter(role="survivor").values("person_id")).first()
    assert person is not None
    identity = PersonIdentity.objects.filter(person=person).values_list("identity", flat=True).first() or person.pk
    keys = set(IncidentFact.objects.values_list("survivor_key", flat=True))
    # The key is the keyed hash of the linked identity, never the identity itself.
    assert survivor_key(identity) in keys and identity not in keys


def test_a_new_case_reaches_the_facts_through_the_queue_and_the_job(dataset: Country) -> None:
    unit = Unit.objects.filter(institution__country=dataset, institution__sector__code="police").first()
    assert unit is not None
    m = member(Role.INTAKE_OFFICER, unit=unit, username="stats_intake")
    actor = Actor(user=m.user, membership=m)
    survivor = person_register(actor=actor, data=PersonInput(first_name="نورة", family_name="الدوسري", sex="female"))
    report = case_services.report_register(
        actor=actor,
        data=case_services.ReportInput(
            received_at=timezone.now() - dt.timedelta(hours=2),
            channel_code="hotline",
            reporter_type_code="survivor",
            narrative="تعرضت للضرب",
            persons=[(survivor.pk, "survivor")],
        ),
    )
    case = case_services.case_open(actor=actor, report=report)
    assert QueuedChange.objects.filter(kind="case", source_id=case.pk).exists()
    before = compute("cases", **ALL, country_id=dataset.pk).total.value
    assert refresh_statistics(reason="test") > 0
    assert not QueuedChange.objects.exists()
    assert CaseFact.objects.filter(case_id=case.pk).exists()
    assert compute("cases", **ALL, country_id=dataset.pk).total.value == (before or 0) + 1
    fact = CaseFact.objects.get(case_id=case.pk)
    assert fact.sex == "female" and fact.survivor_key is not None


def test_raw_sql_and_copy_are_queued_too(dataset: Country) -> None:
    case = Case.objects.order_by("pk").first()
    assert case is not None
    PersonIdentity.objects.filter(person_id=case.survivor_id).delete()
    QueuedChange.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET risk_level = 'high' WHERE id = %s", [case.pk])
        # As the bulk generator writes: COPY, no Django save, no signal.
        with cursor.copy("COPY people_personidentity (person_id, identity) FROM STDIN") as copy:
            copy.write_row((case.survivor_id, case.survivor_id))
    assert set(QueuedChange.objects.values_list("kind", "source_id")) == {
        ("case", case.pk),
        ("person", case.survivor_id),
    }
    drain()
    assert CaseFact.objects.get(case_id=case.pk).risk_level == "high"
    assert not QueuedChange.objects.exists()


def test_court_orders_can_register_a_fact_source() -> None:
    assert {"cases", "referrals", "appeals", "courts"} <= set(FACT_SOURCES)


@pytest.mark.parametrize("filters", [{}, {"sex": ["female"]}, {"governorate": ["1", "2"]}])
def test_the_dashboard_batch_gives_the_same_numbers_as_one_by_one(dataset: Country, filters: Any) -> None:
    from sanad.statistics.dashboard import HEADLINES, PANELS, applicable, prefetch_dashboard
    from sanad.statistics.memo import memoised

    StatisticsSettings.objects.filter(country=dataset).update(threshold=3)
    wanted = [(p.indicator, p.by) for p in PANELS] + [(code, ()) for code in HEADLINES]
    governorates = list(dataset.areas.order_by("pk").values_list("pk", flat=True)[:2])
    if "governorate" in filters:
        filters = {"governorate": [str(g) for g in governorates]}

    def run() -> list[Any]:
        out = []
        for code, by in wanted:
            usable, missing = applicable(code, filters)
            if missing:
                continue
            r = compute(code, **ALL, by=by, filters=usable, country_id=dataset.pk)
            out.append((code, by, r.table, r.values))
        return out

    one_by_one = run()
    with memoised():
        queries = prefetch_dashboard(country_id=dataset.pk, start=ALL["period_start"], end=ALL["period_end"],
                                     filters=filters)
        with CaptureQueriesContext(connection) as ctx:
            batched = run()
    # One query per fact table and filter clause (the court events: sessions, breaches, payments).
    assert queries <= 14
    assert batched == one_by_one
    # Only medians and shares were left to read one by one.
    assert len(ctx.captured_queries) <= 2 * len([c for c, _ in wanted if not INDICATORS[c].is_count
                                                 and INDICATORS[c].measure != "rate"]) + 3
