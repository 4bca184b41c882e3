from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.notices.models import Notice, NoticeKind
from sanad.referrals import services
from sanad.referrals.deadlines import scan
from sanad.referrals.models import Breach, LegalGround, ResponseStandard
from sanad.referrals.tests.conftest import make_actor, referral_input
from sanad.testing.factories import InstitutionFactory, UnitFactory, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(case: Case) -> Actor:
    council = UnitFactory(institution=InstitutionFactory(country=case.country, sector=sector("national_council")))
    return make_actor(Role.NATIONAL_COORDINATOR, council)


def test_breach_told_to_the_supervisor_then_escalated_to_the_coordinator_once(
    worker: Actor, case: Case, receiver_unit: Unit, standard: ResponseStandard, coordinator: Actor
) -> None:
    supervisor = make_actor(Role.SUPERVISOR, receiver_unit)
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    assert scan(now=referral.sent_at + dt.timedelta(minutes=59)).breaches == 0
    first = scan(now=referral.sent_at + dt.timedelta(minutes=61))
    assert (first.breaches, first.escalated) == (1, 0)
    breach = Breach.objects.get()
    assert (breach.kind, breach.to_unit_id, breach.urgency) == ("acknowledge", receiver_unit.pk, "urgent")
    told = Notice.objects.get(kind=NoticeKind.REFERRAL_BREACH)
    assert told.recipient_id == supervisor.user_id and told.object_id == str(referral.pk)
    # Again at the same time: nothing new.
    assert scan(now=referral.sent_at + dt.timedelta(minutes=62)).breaches == 0
    # Not put right within the standard's escalation delay (120 minutes): to the national coordinator.
    later = scan(now=referral.sent_at + dt.timedelta(minutes=61 + 121))
    assert later.escalated == 1
    escalated = Notice.objects.get(kind=NoticeKind.REFERRAL_ESCALATED)
    assert escalated.recipient_id == coordinator.user_id
    assert scan(now=referral.sent_at + dt.timedelta(minutes=61 + 300)).escalated == 0
    # The coordinator follows the referral (dates and states), not the case or the reason.
    from sanad.referrals.tests.test_scope import signed_in

    client = signed_in(coordinator)
    assert f'href="/referrals/{referral.pk}/"' in client.get("/referrals/").content.decode()
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "إيواء آمن" not in page and 'data-testid="case-view"' not in page
    body = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert "reason" not in body and "case" not in body and "case_view" not in body


def test_a_breach_put_right_before_the_delay_is_not_escalated(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor, standard: ResponseStandard, coordinator: Actor
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    scan(now=referral.sent_at + dt.timedelta(minutes=61))
    services.referral_acknowledge(actor=receiver, referral=referral)
    result = scan(now=referral.sent_at + dt.timedelta(minutes=61 + 121))
    assert (result.resolved, result.escalated) == (1, 0)
    assert Breach.objects.get().resolved_at is not None
    assert not Notice.objects.filter(kind=NoticeKind.REFERRAL_ESCALATED).exists()


def test_pack_loads_standards_as_defaults_and_a_confirmed_one_survives_a_reload() -> None:
    load_country_pack("ae")
    standards = ResponseStandard.objects.filter(country__code="ae")
    assert standards.count() == 33 and not standards.filter(is_default=False).exists()
    assert set(LegalGround.objects.filter(country__code="ae").values_list("code", flat=True)) == {
        "child_at_risk",
        "threat_to_life",
        "court_order",
    }
    council = Unit.objects.get(institution__code="gwu", code="secretariat")
    admin = make_actor(Role.NATIONAL_ADMIN, council)
    shelter = standards.get(sector__code="shelter", urgency="immediate")
    with pytest.raises(Denied):
        services.standard_confirm(
            actor=make_actor(Role.SUPERVISOR, council),
            standard=shelter,
            acknowledge_minutes=30,
            first_contact_minutes=120,
            complete_minutes=10080,
            escalate_after_minutes=60,
        )
    with pytest.raises(ValidationError) as caught:
        services.standard_confirm(
            actor=admin,
            standard=shelter,
            acknowledge_minutes=300,
            first_contact_minutes=120,
            complete_minutes=10080,
            escalate_after_minutes=60,
        )
    assert "first_contact_minutes" in caught.value.message_dict
    services.standard_confirm(
        actor=admin,
        standard=shelter,
        acknowledge_minutes=30,
        first_contact_minutes=120,
        complete_minutes=10080,
        escalate_after_minutes=60,
    )
    load_country_pack("ae")
    shelter.refresh_from_db()
    assert (shelter.is_default, shelter.acknowledge_minutes) == (False, 30)


@pytest.mark.django_db(transaction=True)
def test_demo_referrals_load_after_the_demo_users_and_synthetic_cases(settings: Any) -> None:
    from django.core.management import call_command

    settings.SANAD_DEMO_MODE = True
    from sanad.referrals.models import ReferralStatus

    load_country_pack("bh")
    call_command("load_demo_users", "bh", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    call_command("generate_synthetic", cases=12, seed=7)
    call_command("load_demo_referrals", stdout=open(os.devnull, "w"))  # noqa: SIM115
    statuses = sorted(services.Referral.objects.values_list("status", flat=True))
    assert ReferralStatus.COMPLETED in statuses and ReferralStatus.SENT in statuses
    assert scan(now=services.timezone.now()).breaches >= 1
