from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.cases.risk import instrument
from sanad.cases.tests.conftest import country, report_input, v1  # noqa: F401 - shared fixtures
from sanad.institutions.models import Country, Unit
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.taxonomy.models import DefinitionVersion
from sanad.testing.factories import InstitutionFactory, UnitFactory, member


def actor(role: str, unit: Unit, **user_fields: Any) -> Actor:
    m = member(role, unit=unit, **user_fields)
    return Actor(user=m.user, membership=m)


def flagged_case(unit: Unit, *, flagged: bool = True) -> Case:
    """An open case of ``unit``; with every DASH item answered yes it is high risk and flagged."""
    intake = actor(Role.INTAKE_OFFICER, unit)
    person = person_register(actor=intake, data=PersonInput(first_name="سلمى", family_name="الخياط", sex="female"))
    report = case_services.report_register(actor=intake, data=report_input(person))
    case = case_services.open_case_of(actor=intake, report=report) or case_services.case_open(
        actor=intake, report=report
    )
    answers = {item.code: flagged for item in instrument("dash").items}
    case_services.case_assess_risk(actor=intake, case=case, answers=answers)
    return Case.objects.get(pk=case.pk)


@dataclass
class World:
    convening: Unit  # family-protection office that convenes
    convening_sibling: Unit  # another unit of the convening institution
    shelter: Unit  # a participating institution's unit, owner of the flagged case
    outsider: Unit  # an institution that does not take part
    case: Case  # flagged, owned by the shelter


@pytest.fixture
def world(country: Country, v1: DefinitionVersion) -> World:  # noqa: F811 - fixtures imported above
    fpo = UnitFactory(institution=InstitutionFactory(country=country))
    shelter = UnitFactory(institution=InstitutionFactory(country=country))
    return World(
        convening=fpo,
        convening_sibling=UnitFactory(institution=fpo.institution),
        shelter=shelter,
        outsider=UnitFactory(institution=InstitutionFactory(country=country)),
        case=flagged_case(shelter),
    )
