"""Worklists: Arabic-insensitive search, views by role, and a pinned number of queries per page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

from .conftest import report_input

pytestmark = pytest.mark.django_db


def open_cases(intake: Actor, count: int, first_name: str = "عائشة") -> list[Any]:
    cases = []
    for _ in range(count):
        person = person_register(actor=intake, data=PersonInput(first_name=first_name, family_name="المؤيد"))
        report = services.report_register(actor=intake, data=report_input(person))
        cases.append(services.case_open(actor=intake, report=report))
    return cases


@pytest.mark.parametrize("typed", ["عائشه", "عايشة", "عَائِشَة المويد", "عائشة"])
def test_search_folds_hamza_taa_marbuta_and_diacritics(client: MfaClient, intake: Actor, typed: str) -> None:
    (case,) = open_cases(intake, 1)
    open_cases(intake, 1, first_name="مريم")
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    body = client.get("/cases/", {"view": "all", "q": typed}).content.decode()
    assert case.number in body and body.count('data-testid="case-row"') == 1


def test_worklist_queries_do_not_grow_with_the_rows(client: MfaClient, intake: Actor, actor_for: Any) -> None:
    supervisor = actor_for(Role.SUPERVISOR)
    assert supervisor.user is not None
    client.login(username=supervisor.user.username, password=TEST_PASSWORD)
    open_cases(intake, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/cases/", {"view": "all"}).status_code == 200
    open_cases(intake, 8)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/cases/", {"view": "all"}).status_code == 200
    assert len(many) == len(few) <= 16, [q["sql"] for q in many.captured_queries]


def test_awaiting_my_action(intake: Actor, actor_for: Any) -> None:
    from sanad.cases.selectors import awaiting_action

    worker = actor_for(Role.CASE_WORKER)
    supervisor = actor_for(Role.SUPERVISOR)
    unassessed, assessed, closing = open_cases(intake, 3)
    for case in (unassessed, assessed, closing):
        services.case_assign(actor=supervisor, case=case, user=worker.user, expected_version=None)
    services.case_assess_risk(actor=worker, case=assessed, answers={})
    services.case_assess_risk(actor=worker, case=closing, answers={})
    services.case_request_closure(actor=worker, case=closing, reason_code="needs_met", expected_version=None)
    assert set(awaiting_action(actor=worker)) == {unassessed}
    assert set(awaiting_action(actor=supervisor)) == {closing}


def test_case_page_queries_do_not_grow_with_its_history(client: MfaClient, intake: Actor, actor_for: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    worker = actor_for(Role.CASE_WORKER)
    (case,) = open_cases(intake, 1)
    assert worker.user is not None
    client.login(username=worker.user.username, password=TEST_PASSWORD)

    def add_history() -> None:
        services.case_assess_risk(actor=worker, case=case, answers={})
        services.case_add_note(actor=worker, case=case, text="متابعة")
        services.case_record_service(
            actor=worker,
            case=case,
            service_code="legal_aid",
            provider_id=case.owner_unit.institution_id,
            delivered_on=timezone.localdate(),
        )
        services.case_add_plan_action(
            actor=worker,
            case=case,
            plan="case",
            goal="هدف",
            action="إجراء",
            responsible="الأخصائية",
            due_on=timezone.localdate() + dt.timedelta(days=5),
        )

    add_history()
    # The first request reads what a process keeps (a published version's codes) and the session's once-only work.
    client.get(f"/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    for _ in range(4):
        add_history()
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    # The row and whether its content is readable come in one query; the forms' code lists from
    # the process (a published version never changes).
    assert len(many) == len(few) == 24, [q["sql"] for q in many.captured_queries]


def test_filter_by_status_and_page(client: MfaClient, intake: Actor, actor_for: Any) -> None:
    worker = actor_for(Role.CASE_WORKER)
    cases = open_cases(intake, 3)
    services.case_advance(actor=worker, case=cases[0], to_status="assessment", expected_version=None)
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    body = client.get("/cases/", {"view": "all", "status": "assessment"}).content.decode()
    assert body.count('data-testid="case-row"') == 1 and cases[0].number in body
    ordered = client.get("/cases/", {"view": "all", "sort": "number"}).content.decode()
    assert ordered.index(cases[0].number) < ordered.index(cases[2].number)


def test_filter_by_governorate_on_the_page_and_the_api(
    client: MfaClient, intake: Actor, actor_for: Any, governorate: Any
) -> None:
    from sanad.testing.factories import GovernorateFactory

    other = GovernorateFactory(country=governorate.country, code="capital", name_ar="العاصمة", name_en="Capital")
    assert intake.membership is not None
    unit = intake.membership.unit
    unit.governorate = governorate
    unit.save(update_fields=["governorate"])
    cases = open_cases(intake, 2)
    client.login(username=intake.user.username if intake.user else "", password=TEST_PASSWORD)
    here = client.get("/cases/", {"view": "all", "governorate": governorate.pk}).content.decode()
    assert here.count('data-testid="case-row"') == 2 and 'data-testid="governorate-filter"' in here
    elsewhere = client.get("/cases/", {"view": "all", "governorate": other.pk}).content.decode()
    assert elsewhere.count('data-testid="case-row"') == 0
    # An unknown id is ignored, as an unknown status is.
    assert (
        client.get("/cases/", {"view": "all", "governorate": "x"}).content.decode().count('data-testid="case-row"') == 2
    )
    api_here = client.get("/api/v1/cases/", {"governorate": governorate.pk}).json()
    assert {c["number"] for c in api_here} == {c.number for c in cases}
    assert client.get("/api/v1/cases/", {"governorate": other.pk}).json() == []
    # Falling back to the institution's governorate when the unit names none.
    unit.governorate = None
    unit.save(update_fields=["governorate"])
    unit.institution.governorate = other
    unit.institution.save(update_fields=["governorate"])
    assert len(client.get("/api/v1/cases/", {"governorate": other.pk}).json()) == 2


def add_appeals(actor: Actor, count: int) -> None:
    import datetime as dt

    from django.utils import timezone

    for n in range(count):
        services.appeal_register(
            actor=actor,
            data=services.AppealInput(
                platform="x",
                link=f"https://x.com/someone/status/{n}",
                posted_on=timezone.localdate() - dt.timedelta(days=n),
                posted_by="@someone",
                summary="مناشدة على وسائل التواصل",
            ),
        )


def add_new_reports(intake: Actor, count: int) -> None:
    for _ in range(count):
        person = person_register(actor=intake, data=PersonInput(first_name="سارة", family_name="الحداد"))
        services.report_register(actor=intake, data=report_input(person))


def queries_of(client: MfaClient, path: str, data: dict[str, str] | None = None) -> list[str]:
    client.get(path, data or {})  # the first request of a session does its own once-only work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, data or {})
    assert response.status_code == 200, path
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(
    ("path", "data", "pinned"),
    [
        # The unit's new reports beside the open cases; the page reads one row more than it shows
        # instead of counting them all.
        ("/cases/", {"view": "open"}, 9),
        ("/api/v1/reports/", {}, 6),
        ("/api/v1/reports/", {"queue": "new"}, 6),
        ("/api/v1/reports/", {"status": "case_opened"}, 6),
    ],
)
def test_report_lists_issue_a_fixed_number_of_queries(
    client: MfaClient, intake: Actor, path: str, data: dict[str, str], pinned: int
) -> None:
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    add_new_reports(intake, 2)
    open_cases(intake, 1)
    few = queries_of(client, path, data)
    add_new_reports(intake, 9)
    open_cases(intake, 4)
    many = queries_of(client, path, data)
    assert len(many) == len(few) == pinned, many


@pytest.mark.parametrize(("path", "pinned"), [("/cases/appeals/", 8), ("/api/v1/appeals/", 6)])
def test_appeal_lists_issue_a_fixed_number_of_queries(client: MfaClient, intake: Actor, path: str, pinned: int) -> None:
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    add_appeals(intake, 2)
    few = queries_of(client, path)
    add_appeals(intake, 12)
    many = queries_of(client, path)
    assert len(many) == len(few) == pinned, many


def test_case_list_api_issues_a_fixed_number_of_queries(client: MfaClient, intake: Actor) -> None:
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    open_cases(intake, 2)
    few = queries_of(client, "/api/v1/cases/", {"q": "عائشه"})
    open_cases(intake, 9)
    many = queries_of(client, "/api/v1/cases/", {"q": "عائشه"})
    # One of them finds the words the last typed word may be the beginning of.
    assert len(many) == len(few) == 7, many


def test_report_list_api_shows_the_units_queue_and_hides_other_units(
    client: MfaClient, intake: Actor, actor_for: Any
) -> None:
    from sanad.testing.factories import UnitFactory

    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    add_new_reports(intake, 2)
    (case,) = open_cases(intake, 1)
    queue = client.get("/api/v1/reports/", {"queue": "new"}).json()
    assert len(queue) == 2 and {r["status"] for r in queue} == {"new"} and "narrative" not in queue[0]
    everything = client.get("/api/v1/reports/").json()
    assert len(everything) == 3 and case.pk in {r["case"] for r in everything}
    outsider = actor_for(Role.INTAKE_OFFICER, where=UnitFactory(institution=intake.membership.unit.institution))
    other = MfaClient()
    other.login(username=outsider.user.username, password=TEST_PASSWORD)
    assert other.get("/api/v1/reports/").json() == []
    examiner_elsewhere = actor_for(Role.INTAKE_OFFICER, where=UnitFactory())
    far = MfaClient()
    far.login(username=examiner_elsewhere.user.username, password=TEST_PASSWORD)
    assert far.get("/api/v1/reports/", {"queue": "new"}).json() == []
