"""Who may do what to a case: roles × places × confidentiality, through the pages and the API. On
every denial nothing changed, the narrative never left the server, and the denial was audited."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant, Confidentiality
from sanad.audit.models import AuditEvent
from sanad.cases import services
from sanad.cases.models import Case, Report
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, InstitutionFactory, UnitFactory, member

from .conftest import report_input

pytestmark = pytest.mark.django_db

READERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}
PLACES = ["same_unit", "same_institution", "other_institution"]
NARRATIVE = "ضربني زوجي أمس في البيت"


@pytest.fixture
def world(unit: Unit, intake: Actor, survivor: Person) -> dict[str, Any]:
    cases = {}
    for level in Confidentiality.values:
        report = services.report_register(actor=intake, data=report_input(survivor))
        case = services.case_open(actor=intake, report=report)
        Case.objects.filter(pk=case.pk).update(confidentiality=level)
        Report.objects.filter(pk=report.pk).update(confidentiality=level)
        cases[level] = case
    sibling = UnitFactory(institution=unit.institution)
    other = UnitFactory(institution=InstitutionFactory(country=unit.institution.country))
    return {"units": {"same_unit": unit, "same_institution": sibling, "other_institution": other}, "cases": cases}


def signed_in(role: str, unit: Unit) -> tuple[MfaClient, Any]:
    m = member(role, unit=unit)
    client = MfaClient()
    client.login(username=m.user.username, password=TEST_PASSWORD)
    return client, m


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_view_case_and_its_report(world: dict[str, Any], role: str, place: str) -> None:
    # The three confidentiality levels in one test: the world they share is costly to build.
    client, m = signed_in(role, world["units"][place])
    for level in Confidentiality.values:
        case = world["cases"][level]
        report = case.reports.get()
        responses = [
            client.get(f"/cases/{case.pk}/"),
            client.get(f"/api/v1/cases/{case.pk}/"),
            client.get(f"/cases/reports/{report.pk}/"),
            client.get(f"/api/v1/reports/{report.pk}/"),
        ]
        allowed = role in READERS and place == "same_unit" and level == Confidentiality.NORMAL
        if allowed:
            assert [r.status_code for r in responses] == [200, 200, 200, 200]
            assert NARRATIVE in responses[2].content.decode() and responses[3].json()["narrative"] == NARRATIVE
        else:
            # A supervisor of the owner unit sees that a sealed case exists (to unseal it), nothing more.
            closed_page = role == Role.SUPERVISOR and place == "same_unit" and level == Confidentiality.SEALED
            assert responses[0].status_code == (200 if closed_page else 404)
            assert all(r.status_code in (403, 404) for r in responses[1:]), (level, [r.status_code for r in responses])
            assert case.number not in responses[0].content.decode()
            assert all(NARRATIVE not in r.content.decode() for r in responses)
            assert AuditEvent.objects.filter(user_id=m.user.pk, outcome="denied", object_id=str(case.pk)).exists()


ACTIONS = {
    # action: (who may, how to try it through the API)
    "assess": ({Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR}, "assessments", {"answers": {}}),
    "advance": ({Role.CASE_WORKER, Role.SUPERVISOR}, "advance", {"to_status": "assessment"}),
    "closure": ({Role.CASE_WORKER, Role.SUPERVISOR}, "closure-request", {"reason_code": "needs_met"}),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_case_actions_in_the_owner_unit(world: dict[str, Any], role: str, action: str) -> None:
    case = world["cases"][Confidentiality.NORMAL]
    allowed_roles, path, body = ACTIONS[action]
    client, m = signed_in(role, world["units"]["same_unit"])
    before = Case.objects.values_list("status", "risk_level", "row_version").get(pk=case.pk)
    response = client.post(
        f"/api/v1/cases/{case.pk}/{path}/", body, content_type="application/json", headers={"If-Match": '"1"'}
    )
    if role in allowed_roles:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code in (403, 404)
        assert Case.objects.values_list("status", "risk_level", "row_version").get(pk=case.pk) == before
        assert AuditEvent.objects.filter(user_id=m.user.pk, outcome="denied").exists()


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_closure_is_approved_only_by_the_owner_units_supervisor(
    world: dict[str, Any], actor_for: Any, role: str, place: str
) -> None:
    case = world["cases"][Confidentiality.NORMAL]
    services.case_request_closure(
        actor=actor_for(Role.CASE_WORKER), case=case, reason_code="needs_met", expected_version=None
    )
    client, _m = signed_in(role, world["units"][place])
    version = Case.objects.get(pk=case.pk).row_version
    response = client.post(
        f"/api/v1/cases/{case.pk}/closure-decision/",
        {"decision": "approve"},
        content_type="application/json",
        headers={"If-Match": f'"{version}"'},
    )
    if role == Role.SUPERVISOR and place == "same_unit":
        assert response.status_code == 200 and Case.objects.get(pk=case.pk).status == "closed"
    else:
        assert response.status_code in (403, 404)
        assert Case.objects.get(pk=case.pk).status == "closure_requested"


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_lists_show_only_what_is_within_reach(world: dict[str, Any], role: str, place: str) -> None:
    client, _m = signed_in(role, world["units"][place])
    api = client.get("/api/v1/cases/")
    page = client.get("/cases/?view=all")
    if role not in READERS:
        assert api.status_code == 403 and page.status_code == 403
        return
    listed = {row["id"]: row for row in api.json()}
    expected = set()
    if place == "same_unit":
        expected.add(world["cases"]["normal"].pk)
        if role == Role.SUPERVISOR:
            expected.add(world["cases"]["sealed"].pk)
    assert set(listed) == expected
    sealed = world["cases"]["sealed"]
    if sealed.pk in listed:
        assert set(listed[sealed.pk]) == {"id", "confidentiality", "owner_unit"}
    assert sealed.number not in page.content.decode()


def test_sealing_a_case_seals_its_reports_and_is_audited(world: dict[str, Any], actor_for: Any) -> None:
    case = world["cases"][Confidentiality.NORMAL]
    supervisor = actor_for(Role.SUPERVISOR)
    worker = actor_for(Role.CASE_WORKER)
    client = MfaClient()
    client.login(username=supervisor.user.username, password=TEST_PASSWORD)
    response = client.post(
        f"/cases/{case.pk}/confidentiality/", {"level": "sealed", "reason": "الناجية تعمل في الجهة نفسها"}
    )
    assert response.status_code == 302
    assert Report.objects.get(case=case).confidentiality == "sealed"
    assert AuditEvent.objects.filter(action="case.set_confidentiality", object_id=str(case.pk)).exists()
    closed = client.get(f"/cases/{case.pk}/")
    assert closed.status_code == 200 and 'data-testid="unseal"' in closed.content.decode()
    worker_client = MfaClient()
    worker_client.login(username=worker.user.username, password=TEST_PASSWORD)
    assert worker_client.get(f"/cases/{case.pk}/").status_code == 404
    assert worker_client.get(f"/api/v1/cases/{case.pk}/").status_code == 404


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_unseal_a_case_through_the_api(world: dict[str, Any], role: str, place: str) -> None:
    """Only a supervisor of the owner unit unseals, with a reason; nothing changes for anyone else."""
    sealed = world["cases"][Confidentiality.SEALED]
    client, m = signed_in(role, world["units"][place])
    url = f"/api/v1/cases/{sealed.pk}/unseal/"
    grants = AccessGrant.objects.filter(object_id=sealed.pk)
    allowed = role == Role.SUPERVISOR and place == "same_unit"
    short = client.post(url, {"reason": "قصير"}, content_type="application/json")
    assert short.status_code in ((400,) if allowed else (400, 403, 404))
    response = client.post(
        url,
        {"reason": "طلب النيابة العامة الاطلاع على الملف"},
        content_type="application/json",
        headers={"Idempotency-Key": "u-1"},
    )
    if allowed:
        assert short.json()["reason"]
        assert response.status_code == 201 and response.json()["expires_at"]
        assert grants.filter(user=m.user, kind="unseal").count() == 1
        assert client.get(f"/api/v1/cases/{sealed.pk}/").status_code == 200
        replay = client.post(
            url,
            {"reason": "طلب النيابة العامة الاطلاع على الملف"},
            content_type="application/json",
            headers={"Idempotency-Key": "u-1"},
        )
        assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
        assert grants.count() == 1
        assert AuditEvent.objects.filter(action="case.unseal", object_id=str(sealed.pk)).exists()
    else:
        assert response.status_code in (403, 404)
        assert not grants.exists()
