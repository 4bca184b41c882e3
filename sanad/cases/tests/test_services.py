"""Intake to closure through the services: validation, numbering, risk, closure approval, conflicts."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.cases import services
from sanad.cases.models import Case, CaseStatus, Report, ReportStatus, RiskLevel, TimelineKind
from sanad.cases.risk import instrument
from sanad.institutions.roles import Role
from sanad.notices.models import Notice, NoticeKind
from sanad.people.models import Person
from sanad.testing.factories import UnitFactory

from .conftest import incident, report_input

pytestmark = pytest.mark.django_db


def test_report_keeps_codes_with_their_version_and_encrypts_the_narrative(report: Report) -> None:
    assert report.definitions_version is not None and report.definitions_version.number == 1
    assert report.incidents.get().definitions_version_id == report.definitions_version_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM cases_report WHERE id = %s", [report.pk])
        raw = bytes(cursor.fetchone()[0])
    assert "زوجي".encode() not in raw
    assert Report.objects.get(pk=report.pk).narrative == "ضربني زوجي أمس في البيت"
    assert AuditEvent.objects.filter(action="report.create", object_id=str(report.pk)).exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(intake: Actor, survivor: Person) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = report_input(
        survivor,
        received_at=timezone.now() + dt.timedelta(days=1),
        channel_code="carrier_pigeon",
        incidents=[incident(occurred_on=tomorrow, violence_type_codes=["nonsense"])],
    )
    with pytest.raises(ValidationError) as caught:
        services.report_register(actor=intake, data=data)
    errors = caught.value.message_dict
    assert set(errors) == {
        "received_at",
        "channel_code",
        "incidents.0.occurred_on",
        "incidents.0.violence_type_codes",
    }
    assert Report.objects.count() == 0


def test_incident_after_the_report_is_refused(intake: Actor, survivor: Person) -> None:
    received = timezone.now() - dt.timedelta(days=3)
    data = report_input(survivor, received_at=received, incidents=[incident(occurred_on=timezone.localdate())])
    with pytest.raises(ValidationError) as caught:
        services.report_register(actor=intake, data=data)
    assert "incidents.0.occurred_on" in caught.value.message_dict


def test_urgent_report_reaches_the_units_supervisors_at_once(intake: Actor, actor_for: Any, survivor: Person) -> None:
    supervisor = actor_for(Role.SUPERVISOR)
    elsewhere = actor_for(Role.SUPERVISOR, where=UnitFactory(institution=intake.membership.unit.institution))
    report = services.report_register(actor=intake, data=report_input(survivor, urgent=True))
    notices = Notice.objects.filter(kind=NoticeKind.URGENT_REPORT, object_id=str(report.pk))
    assert list(notices.values_list("recipient_id", flat=True)) == [supervisor.user_id]
    assert not Notice.objects.filter(recipient_id=elsewhere.user_id).exists()


def test_case_numbers_per_country_and_year_without_gaps(intake: Actor, survivor: Person) -> None:
    year = timezone.localdate().year
    numbers = []
    for _ in range(3):
        report = services.report_register(actor=intake, data=report_input(survivor))
        numbers.append(services.case_open(actor=intake, report=report).number)
    assert numbers == [f"BH-{year}-000001", f"BH-{year}-000002", f"BH-{year}-000003"]
    # A failed opening (no survivor in the report) gives no number away.
    bare = services.report_register(actor=intake, data=report_input(None))
    with pytest.raises(ValidationError):
        services.case_open(actor=intake, report=bare)
    report = services.report_register(actor=intake, data=report_input(survivor))
    assert services.case_open(actor=intake, report=report).number == f"BH-{year}-000004"


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_consecutive_numbers(intake: Actor, survivor: Person) -> None:
    reports = [services.report_register(actor=intake, data=report_input(survivor)) for _ in range(6)]

    def open_one(report: Report) -> str:
        try:
            return services.case_open(actor=intake, report=report).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        numbers = sorted(pool.map(open_one, reports))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3, 4, 5, 6]


def test_a_report_is_linked_to_the_survivors_open_case(intake: Actor, report: Report, survivor: Person) -> None:
    case = services.case_open(actor=intake, report=report)
    second = services.report_register(actor=intake, data=report_input(survivor))
    assert services.open_case_of(actor=intake, report=second) == case
    services.case_link_report(actor=intake, report=second, case=case)
    second.refresh_from_db()
    assert second.status == ReportStatus.LINKED and second.case == case
    assert list(case.timeline.values_list("kind", flat=True)) == [TimelineKind.OPENED, TimelineKind.REPORT_LINKED]


@pytest.mark.parametrize(
    ("yes", "expected"),
    [(0, RiskLevel.STANDARD), (9, RiskLevel.STANDARD), (10, RiskLevel.MEDIUM), (13, RiskLevel.MEDIUM), (14, "high")],
)
def test_dash_bands(yes: int, expected: str) -> None:
    dash = instrument("dash")
    assert len(dash.items) == 24
    answers = {item.code: n < yes for n, item in enumerate(dash.items)}
    assert dash.level_for(dash.score(answers)) == expected


def test_judgement_raises_with_a_reason_never_lowers(intake: Actor, actor_for: Any, report: Report) -> None:
    worker = actor_for(Role.CASE_WORKER)
    case = services.case_open(actor=intake, report=report)
    codes = [item.code for item in instrument("dash").items]
    medium = {code: n < 11 for n, code in enumerate(codes)}
    with pytest.raises(ValidationError) as caught:
        services.case_assess_risk(actor=worker, case=case, answers=medium, judged_level="standard")
    assert "level" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.case_assess_risk(actor=worker, case=case, answers=medium, judged_level="high")
    assert "judgement_reason" in caught.value.message_dict
    first = services.case_assess_risk(actor=worker, case=case, answers=medium)
    assert (first.score, first.level) == (11, "medium")
    second = services.case_assess_risk(
        actor=worker, case=case, answers=medium, judged_level="high", reason="تهديد بالقتل أمام الأطفال"
    )
    assert (second.computed_level, second.level) == ("medium", "high")
    case.refresh_from_db()
    assert case.risk_level == "high" and case.multi_agency_review
    assert list(case.assessments.values_list("level", flat=True)) == ["medium", "high"]


def test_closure_needs_another_persons_approval_then_reopens(intake: Actor, actor_for: Any, report: Report) -> None:
    worker = actor_for(Role.CASE_WORKER)
    supervisor = actor_for(Role.SUPERVISOR)
    case = services.case_open(actor=intake, report=report)
    case = services.case_advance(
        actor=worker, case=case, to_status=CaseStatus.ASSESSMENT, expected_version=case.row_version
    )
    with pytest.raises(ValidationError):
        services.case_request_closure(actor=worker, case=case, reason_code="bogus", expected_version=case.row_version)
    services.case_request_closure(actor=worker, case=case, reason_code="needs_met", expected_version=case.row_version)
    assert Notice.objects.filter(kind=NoticeKind.CLOSURE_REQUESTED, recipient_id=supervisor.user_id).exists()
    with pytest.raises(ValidationError):
        services.case_decide_closure(actor=supervisor, case=case, approve=False)  # a rejection says why
    closed = services.case_decide_closure(actor=supervisor, case=case, approve=True)
    assert closed.status == CaseStatus.CLOSED and closed.closure_reason_code == "needs_met"
    reopened = services.case_reopen(actor=supervisor, case=closed, reason="عاد العنف")
    assert reopened.status == CaseStatus.ENGAGEMENT
    assert list(Case.objects.get(pk=case.pk).timeline.values_list("kind", flat=True)) == [
        "opened",
        "status_changed",
        "closure_requested",
        "closure_approved",
        "reopened",
    ]


def test_a_supervisor_does_not_approve_their_own_request(intake: Actor, actor_for: Any, report: Report) -> None:
    supervisor = actor_for(Role.SUPERVISOR)
    case = services.case_open(actor=intake, report=report)
    services.case_request_closure(actor=supervisor, case=case, reason_code="needs_met", expected_version=None)
    with pytest.raises(ValidationError):
        services.case_decide_closure(actor=supervisor, case=case, approve=True)


def test_a_stale_editor_is_refused_and_nothing_changes(intake: Actor, actor_for: Any, report: Report) -> None:
    worker = actor_for(Role.CASE_WORKER)
    case = services.case_open(actor=intake, report=report)
    loaded = case.row_version
    services.case_advance(actor=worker, case=case, to_status="assessment", expected_version=loaded)
    with pytest.raises(services.StaleVersion):
        services.case_request_closure(actor=worker, case=case, reason_code="needs_met", expected_version=loaded)
    assert Case.objects.get(pk=case.pk).status == "assessment"


def test_repeated_assessments_show_the_trend(intake: Actor, actor_for: Any, report: Report) -> None:
    from sanad.testing.auth import MfaClient
    from sanad.testing.factories import TEST_PASSWORD

    worker = actor_for(Role.CASE_WORKER)
    case = services.case_open(actor=intake, report=report)
    codes = [item.code for item in instrument().items]
    for yes in (5, 12, 12, 8):
        services.case_assess_risk(actor=worker, case=case, answers={c: n < yes for n, c in enumerate(codes)})
    client = MfaClient()
    client.login(username=worker.user.username, password=TEST_PASSWORD)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert [body.count(f'data-trend="{t}"') for t in ("", "up", "same", "down")] == [1, 1, 1, 1]
