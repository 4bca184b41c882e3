"""The issue's test: a receiver cannot reach an unconsented field through pages, API, export or search."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.referrals import services
from sanad.referrals.tests.conftest import consent, referral_input
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NARRATIVE = "ضربها زوجها أمس"
PLAN_GOAL = "تبقى عند أختها في العين"


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def shared_identity_only(worker: Actor, case: Case, receiver_unit: Unit) -> Any:
    case_services.case_add_plan_action(
        actor=worker,
        case=case,
        plan="safety",
        goal=PLAN_GOAL,
        action="نقلها ليلاً",
        responsible="الأخصائية",
        due_on=case.created_at.date(),
    )
    # The sender offers identity, contact and narrative; the survivor consented to identity and contact only.
    return services.referral_send(
        actor=worker,
        case=case,
        data=referral_input(
            receiver_unit, shared_fields=["identity", "contact"], consent=consent(["identity", "contact"])
        ),
    )


def test_receiver_reaches_no_unconsented_field_by_page_api_export_or_search(
    shared_identity_only: Any, receiver: Actor, case: Case
) -> None:
    referral = shared_identity_only
    client = signed_in(receiver)
    survivor_name = case.survivor.full_name

    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert survivor_name in page and "0501234567" in page
    assert NARRATIVE not in page and PLAN_GOAL not in page

    # The case itself stays out of reach, like a missing one.
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404

    body = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["case_view"]["fields"] == ["contact", "identity"]
    assert body["case_view"]["survivor"]["name"] == survivor_name
    assert "narrative" not in body["case_view"] and "plans" not in body["case_view"]
    raw = str(body)
    assert NARRATIVE not in raw and PLAN_GOAL not in raw
    listed = str(client.get("/api/v1/referrals/?box=incoming").json())
    assert NARRATIVE not in listed and PLAN_GOAL not in listed

    export = client.get("/referrals/export.csv").content.decode("utf-8-sig")
    assert survivor_name in export
    assert NARRATIVE not in export and PLAN_GOAL not in export

    # Search: the receiver's case search does not find the survivor's case by name or number.
    assert client.get("/api/v1/cases/", {"q": case.survivor.first_name}).json() == []
    assert client.get("/api/v1/cases/", {"q": case.number}).json() == []
    assert 'data-testid="case-row"' not in client.get("/cases/", {"view": "all", "q": case.number}).content.decode()


def test_after_the_consent_is_withdrawn_the_receiver_reads_nothing(
    shared_identity_only: Any, receiver: Actor, worker: Actor, case: Case
) -> None:
    referral = shared_identity_only
    services.consent_withdraw(actor=worker, referral=referral)
    client = signed_in(receiver)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert case.survivor.full_name not in page and "0501234567" not in page
    body = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["case_view"] == {"fields": [], "basis": "none"}
    assert case.survivor.full_name not in client.get("/referrals/export.csv").content.decode("utf-8-sig")


def test_consented_narrative_is_shown_to_the_receiver(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    referral = services.referral_send(
        actor=worker,
        case=case,
        data=referral_input(receiver_unit, shared_fields=["narrative"], consent=consent(["narrative"])),
    )
    client = signed_in(receiver)
    assert NARRATIVE in client.get(f"/referrals/{referral.pk}/").content.decode()
    assert client.get(f"/api/v1/referrals/{referral.pk}/").json()["case_view"]["narrative"] == [NARRATIVE]
    # Still not the identity: it was not shared.
    assert case.survivor.full_name not in client.get(f"/referrals/{referral.pk}/").content.decode()
