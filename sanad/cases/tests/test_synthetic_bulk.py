"""The bulk path of generate_synthetic (COPY) writes data the services, the pages and the API take
as their own: real ciphertexts, the registry's name keys and blind indexes, row history, and case
numbers that the next case opened through the services simply continues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.accounts.models import User
from sanad.cases import services
from sanad.cases.models import (
    Case,
    CaseCounter,
    CaseStatus,
    ClosureDecision,
    ClosureRequest,
    Incident,
    PersonRole,
    Report,
    ReportStatus,
    RiskAssessment,
    ServiceDelivered,
    TimelineEntry,
    TimelineKind,
)
from sanad.cases.synthetic import NARRATIVES
from sanad.cases.synthetic_bulk import generate_cases_bulk
from sanad.crypto.blind_index import blind_index
from sanad.institutions.models import Country, Membership
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.models import IdentityDocument, Person
from sanad.people.search_keys import name_key
from sanad.people.services import PersonInput, person_register
from sanad.testing.auth import sign_in

from .conftest import report_input


def _actor(case: Case, role: str) -> Actor:
    membership = Membership.objects.select_related("unit", "unit__institution").get(
        unit=case.owner_unit, role=role, user__username__startswith="synthetic-"
    )
    return Actor(user=membership.user, membership=membership)


@pytest.mark.django_db
def test_bulk_rows_are_what_the_services_would_have_written() -> None:
    load_country_pack("bh")
    summary = generate_cases_bulk(country_code="bh", cases=80, seed=11, workers=1)
    assert summary.cases == Case.objects.count() == 80
    assert summary.reports == Report.objects.count() > 80
    assert Report.objects.filter(status=ReportStatus.CASE_OPENED).count() == 80
    assert {ReportStatus.NEW, ReportStatus.CASE_OPENED} <= set(Report.objects.values_list("status", flat=True))
    # Spread over units, governorates and years; every report has its persons and an incident.
    assert Case.objects.values("owner_unit").distinct().count() > 3
    assert Incident.objects.values("governorate").distinct().count() > 1
    assert Report.objects.dates("received_at", "year").count() >= 2
    assert not Report.objects.filter(incidents__isnull=True).exists()
    assert not Report.objects.exclude(persons__role=PersonRole.SURVIVOR).exists()
    # Ciphertexts decrypt under their own column's purpose.
    for report in Report.objects.all()[:20]:
        assert report.narrative in NARRATIVES
    persons = list(Person.objects.all())
    assert sum(1 for p in persons if p.phones and p.phones.startswith("3")) > len(persons) // 2
    # Name keys and blind indexes exactly as registration computes them.
    assert all(p.name_key == name_key(p) for p in persons)
    documents = list(IdentityDocument.objects.all())
    assert documents and all(d.number_index == blind_index(d.number, purpose=d.kind) for d in documents)
    # Arabic names with the spelling variation of real registries (hamza, taa marbuta... dropped).
    assert Person.objects.values("first_name").distinct().count() > 30
    # Row history as the insert triggers write it.
    for model in (Person, Report, Case):
        events = model.pgh_event_model.objects  # type: ignore[attr-defined]
        assert events.filter(pgh_label="insert").count() == model.objects.count()
    # Assessments, timelines, services and closures consistent with each case's state.
    for case in Case.objects.all():
        kinds = list(case.timeline.values_list("kind", flat=True))
        assert kinds[0] == TimelineKind.OPENED
        last = case.assessments.order_by("assessed_at", "pk").last()
        assert last is not None and case.risk_level == last.level
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at is not None and case.closure_reason_code
            assert case.closure_requests.filter(decision=ClosureDecision.APPROVED).exists()
    assert RiskAssessment.objects.count() >= 80
    assert ServiceDelivered.objects.exists() and ClosureRequest.objects.exists()
    assert TimelineEntry.objects.filter(kind=TimelineKind.RISK_ASSESSED).count() == RiskAssessment.objects.count()
    # Numbers: unique, dense per year, and the counter row knows the last one.
    country = Country.objects.get(code="bh")
    for counter in CaseCounter.objects.filter(country=country):
        sequences = sorted(Case.objects.filter(year=counter.year).values_list("sequence", flat=True))
        assert sequences == list(range(1, counter.last + 1))
    # The ids come from the sequences: the ORM's next insert does not collide.
    assert Person.objects.filter(pk__gt=max(p.pk for p in persons)).count() == 0


@pytest.mark.django_db
def test_a_generated_case_works_in_the_pages_and_the_services(client: Client) -> None:
    load_country_pack("bh")
    generate_cases_bulk(country_code="bh", cases=30, seed=5, workers=1)
    case = Case.objects.exclude(status=CaseStatus.CLOSED).order_by("pk").first()
    assert case is not None
    worker = _actor(case, Role.CASE_WORKER)
    assert worker.user is not None
    sign_in(client, worker.user)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert case.number in page.content.decode()
    listing = client.get("/cases/?view=open&q=" + case.survivor.first_name)
    assert listing.status_code == 200 and case.number in listing.content.decode()
    # Add to the generated case through the services and the page.
    services.case_add_note(actor=worker, case=case, text="متابعة هاتفية")
    assert client.post(f"/cases/{case.pk}/note/", {"text": "زيارة منزلية"}).status_code in (200, 302)
    assert case.notes.count() == 2
    # A case opened now continues the yearly sequence without a collision.
    year = timezone.localdate().year
    before = CaseCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    intake = _actor(case, Role.INTAKE_OFFICER)
    person = person_register(actor=intake, data=PersonInput(first_name="مريم", family_name="النعيمي", sex="female"))
    report = services.report_register(
        actor=intake, data=report_input(person, received_at=timezone.now() - dt.timedelta(minutes=5))
    )
    opened = services.case_open(actor=intake, report=report)
    assert opened.year == year and opened.sequence == before + 1
    assert Case.objects.filter(number=opened.number).count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_processes_and_the_index_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    import sanad.cases.synthetic_bulk as bulk

    load_country_pack("bh")
    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 1)
    monkeypatch.setattr(bulk, "CHUNK", 25)

    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(bulk.BULK_TABLES)]
            )
            return {(str(name), str(definition)) for name, definition in cursor.fetchall()}

    before = indexes()
    assert any(" USING gin " in definition for _, definition in before)
    call_command("generate_synthetic", cases=120, seed=3, method="bulk", workers=2)
    # Every index dropped for the run is back as it was, and none is left waiting to be rebuilt.
    assert indexes() == before
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {bulk.DROPPED_TABLE}")  # noqa: S608 - a fixed name
        assert cursor.fetchone()[0] == 0
    assert Case.objects.count() == 120
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # Both workers wrote (chunks are dealt out in turn) and the name indexes are back.
    assert Report.objects.count() > 120
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"person_name_key_trgm", "person_name_words"} <= names
    assert User.objects.filter(username__startswith="synthetic-").exists()


@pytest.mark.django_db(transaction=True)
def test_references_skipped_per_row_are_checked_at_the_end() -> None:
    import sanad.cases.synthetic_bulk as bulk

    load_country_pack("bh")
    generate_cases_bulk(country_code="bh", cases=5, seed=4)
    after = bulk._last_ids()
    bulk._check_references(after)  # what the run wrote holds
    case = Case.objects.order_by("pk").first()
    assert case is not None
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(
                "INSERT INTO cases_timelineentry (case_id, at, kind, by_id, params) "
                "VALUES (%s, now(), 'note_added', NULL, '{}')",
                [case.pk + 10_000],
            )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(RuntimeError, match="cases_timelineentry_case_id"):
        bulk._check_references(after)
    with pytest.raises(RuntimeError):
        bulk._check_references(dict.fromkeys(bulk.CHECKED_TABLES, 0))
    TimelineEntry.objects.filter(case_id=case.pk + 10_000).delete()
    bulk._check_references(dict.fromkeys(bulk.CHECKED_TABLES, 0))
