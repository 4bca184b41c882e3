from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.cases.tests.conftest import country, governorate, report_input, v1  # noqa: F401 - shared fixtures
from sanad.institutions.models import Country, Unit
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.referrals import services
from sanad.referrals.models import ResponseStandard
from sanad.taxonomy.models import DefinitionVersion
from sanad.testing.factories import InstitutionFactory, UnitFactory, member, sector


def make_actor(role: str, unit: Unit, **membership: Any) -> Actor:
    m = member(role, unit=unit)
    for name, value in membership.items():
        setattr(m, name, value)
    m.save()
    return Actor(user=m.user, membership=m)


@pytest.fixture
def sender_unit(country: Country, v1: DefinitionVersion) -> Unit:  # noqa: F811
    return UnitFactory(institution=InstitutionFactory(country=country, sector=sector("shelter"), code="dfwac"))


@pytest.fixture
def receiver_unit(country: Country, v1: DefinitionVersion) -> Unit:  # noqa: F811
    return UnitFactory(institution=InstitutionFactory(country=country, sector=sector("shelter"), code="aman"))


@pytest.fixture
def standard(country: Country) -> ResponseStandard:  # noqa: F811
    return ResponseStandard.objects.create(
        country=country,
        sector=sector("shelter"),
        urgency="urgent",
        acknowledge_minutes=60,
        first_contact_minutes=240,
        complete_minutes=60 * 24 * 14,
        escalate_after_minutes=120,
    )


@pytest.fixture
def worker(sender_unit: Unit) -> Actor:
    return make_actor(Role.CASE_WORKER, sender_unit)


@pytest.fixture
def receiver(receiver_unit: Unit) -> Actor:
    return make_actor(Role.CASE_WORKER, receiver_unit)


@pytest.fixture
def case(sender_unit: Unit) -> Case:
    intake = make_actor(Role.INTAKE_OFFICER, sender_unit)
    survivor = person_register(
        actor=intake,
        data=PersonInput(
            first_name="مريم", family_name="السويدي", sex="female", phones="0501234567", address="دبي، البرشاء"
        ),
    )
    report = case_services.report_register(actor=intake, data=report_input(survivor, narrative="ضربها زوجها أمس"))
    return case_services.case_open(actor=intake, report=report)


def consent(fields: list[str] | None = None, **overrides: Any) -> services.ConsentInput:
    values: dict[str, Any] = {
        "given_by": "survivor",
        "method": "verbal",
        "given_at": timezone.now() - dt.timedelta(minutes=5),
        "fields": fields if fields is not None else ["identity", "contact"],
    }
    values.update(overrides)
    return services.ConsentInput(**values)


def referral_input(to_unit: Unit, **overrides: Any) -> services.ReferralInput:
    values: dict[str, Any] = {
        "kind": "service",
        "to_unit_id": to_unit.pk,
        "urgency": "urgent",
        "reason": "تحتاج إلى إيواء آمن بعيداً عن دبي",
        "service_codes": ["shelter"],
        "shared_fields": ["identity", "contact"],
        "consent": consent(),
    }
    values.update(overrides)
    return services.ReferralInput(**values)
