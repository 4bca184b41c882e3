from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.cases.models import Report
from sanad.institutions.models import Country, Governorate, Unit
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.people.services import PersonInput, person_register
from sanad.taxonomy.files import read_shipped
from sanad.taxonomy.models import DefinitionVersion
from sanad.taxonomy.services import publish_content
from sanad.testing.factories import CountryFactory, GovernorateFactory, InstitutionFactory, UnitFactory, member


@pytest.fixture
def country() -> Country:
    return CountryFactory()


@pytest.fixture
def v1(country: Country) -> DefinitionVersion:
    content, problems = read_shipped("v1")
    assert not problems
    return publish_content(actor=Actor.for_system("test"), country=country, content=content, source="test")


@pytest.fixture
def governorate(country: Country) -> Governorate:
    return GovernorateFactory(country=country, code="muharraq", name_ar="محافظة المحرق", name_en="Muharraq")


@pytest.fixture
def unit(country: Country, v1: DefinitionVersion) -> Unit:
    return UnitFactory(institution=InstitutionFactory(country=country))


@pytest.fixture
def actor_for(unit: Unit) -> Any:
    def make(role: str, where: Unit | None = None, **user_fields: Any) -> Actor:
        m = member(role, unit=where or unit, **user_fields)
        return Actor(user=m.user, membership=m)

    return make


@pytest.fixture
def intake(actor_for: Any) -> Actor:
    return actor_for(Role.INTAKE_OFFICER, username="intake")


@pytest.fixture
def survivor(intake: Actor) -> Person:
    return person_register(
        actor=intake, data=PersonInput(first_name="فاطمة", family_name="الحداد", sex="female", phones="36001234")
    )


def incident(**overrides: Any) -> services.IncidentInput:
    values: dict[str, Any] = {
        "occurred_on": timezone.localdate() - dt.timedelta(days=1),
        "location_type_code": "shared_home",
        "violence_type_codes": ["physical_assault"],
        "context_code": "intimate_partner",
        "relationship_code": "spouse",
        "injuries": True,
    }
    values.update(overrides)
    return services.IncidentInput(**values)


def report_input(person: Person | None = None, **overrides: Any) -> services.ReportInput:
    values: dict[str, Any] = {
        "received_at": timezone.now() - dt.timedelta(minutes=10),
        "channel_code": "walk_in_fpo",
        "reporter_type_code": "survivor",
        "narrative": "ضربني زوجي أمس في البيت",
        "persons": [(person.pk, "survivor")] if person else [],
        "incidents": [incident()],
    }
    values.update(overrides)
    return services.ReportInput(**values)


@pytest.fixture
def report(intake: Actor, survivor: Person) -> Report:
    return services.report_register(actor=intake, data=report_input(survivor))
