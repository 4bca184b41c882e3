"""The printable referral form: exactly the consented scope, on both sides, never cached, audited."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.documents.tests.pdf_reading import text_lines
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.referrals import services
from sanad.referrals.models import LegalGround
from sanad.referrals.tests.conftest import consent, make_actor, referral_input
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, InstitutionFactory, UnitFactory, sector

pytestmark = pytest.mark.django_db

NARRATIVE = "ضربها زوجها أمس"
PLAN_GOAL = "تبقى عند أختها في العين"


def signed_in(actor: Actor) -> MfaClient:
    client = MfaClient()
    assert actor.user is not None
    client.login(username=actor.user.username, password=TEST_PASSWORD)
    return client


def squeezed(data: bytes) -> str:
    # pdftotext moves spaces around kerned Arabic and Latin runs: compare the characters only.
    return "".join(text_lines(data)).replace(" ", "")


def has(text: str, needle: str) -> bool:
    return needle.replace(" ", "") in text


@pytest.fixture
def identity_and_contact(worker: Actor, case: Case, receiver_unit: Unit) -> Any:
    case_services.case_add_plan_action(
        actor=worker,
        case=case,
        plan="safety",
        goal=PLAN_GOAL,
        action="نقلها ليلاً",
        responsible="الأخصائية",
        due_on=case.created_at.date(),
    )
    # The case holds a narrative and a plan; the survivor consented to identity and contact only.
    return services.referral_send(
        actor=worker,
        case=case,
        data=referral_input(
            receiver_unit,
            shared_fields=["identity", "contact"],
            consent=consent(["identity", "contact", "narrative", "plans"]),
        ),
    )


def test_both_sides_print_exactly_the_consented_fields(
    identity_and_contact: Any, worker: Actor, receiver: Actor, case: Case
) -> None:
    referral = identity_and_contact
    for actor in (receiver, worker):
        response = signed_in(actor).get(f"/referrals/{referral.pk}/form.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        text = squeezed(response.content)
        assert has(text, f"RF-{referral.pk}") and has(text, case.number)
        assert has(text, case.survivor.first_name) and has(text, "0501234567")
        assert has(text, "تحتاج إلى إيواء آمن")  # the reason for the referral
        assert not has(text, NARRATIVE) and not has(text, PLAN_GOAL)
    exports = AuditEvent.objects.filter(action="referral.export", object_id=str(referral.pk))
    assert exports.count() == 2
    assert all(e.details["fields"] == ["contact", "identity"] for e in exports)


def test_after_consent_is_withdrawn_the_form_prints_nothing_of_the_case(
    identity_and_contact: Any, worker: Actor, receiver: Actor, case: Case
) -> None:
    referral = identity_and_contact
    services.consent_withdraw(actor=worker, referral=referral)
    response = signed_in(receiver).get(f"/api/v1/referrals/{referral.pk}/form.pdf")
    assert response.status_code == 200, response.content[:300]
    text = squeezed(response.content)
    assert not has(text, case.survivor.first_name) and not has(text, "0501234567")
    assert has(text, "سُحبت الموافقة")


def test_a_form_on_a_legal_ground_names_the_ground_and_why(case: Case, sender_unit: Unit, receiver_unit: Unit) -> None:
    LegalGround.objects.create(country=case.country, code="child_at_risk", name_ar="طفل معرض للخطر", name_en="Child")
    entitled = make_actor(Role.CASE_WORKER, sender_unit, may_refer_without_consent=True)
    referral = services.referral_send(
        actor=entitled,
        case=case,
        data=referral_input(
            receiver_unit, consent=None, legal_ground_code="child_at_risk", legal_ground_reason="الطفل في خطر الليلة"
        ),
    )
    text = squeezed(signed_in(entitled).get(f"/referrals/{referral.pk}/form.pdf").content)
    assert has(text, "طفل معرض للخطر") and has(text, "الطفل في خطر الليلة")


@pytest.mark.parametrize("who", ["other_unit_worker", "coordinator", "receiver_auditor"])
def test_those_outside_either_side_get_not_found_and_nothing_is_exported(
    identity_and_contact: Any, receiver_unit: Unit, who: str
) -> None:
    referral = identity_and_contact
    if who == "other_unit_worker":
        other = UnitFactory(
            institution=InstitutionFactory(country=referral.country, sector=sector("shelter"), code="other")
        )
        actor = make_actor(Role.CASE_WORKER, other)
    elif who == "coordinator":
        actor = make_actor(Role.NATIONAL_COORDINATOR, UnitFactory(institution=receiver_unit.institution))
    else:
        actor = make_actor(Role.AUDITOR, receiver_unit)
    client = signed_in(actor)
    assert client.get(f"/referrals/{referral.pk}/form.pdf").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}/form.pdf").status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="referral.export").exists()
