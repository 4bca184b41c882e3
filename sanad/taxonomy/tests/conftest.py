from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.institutions.models import Country, Unit
from sanad.institutions.roles import Role
from sanad.taxonomy.files import read_shipped
from sanad.taxonomy.models import DefinitionVersion
from sanad.taxonomy.services import publish_content
from sanad.testing.factories import CountryFactory, InstitutionFactory, UnitFactory, member


@pytest.fixture
def country() -> Country:
    return CountryFactory()


@pytest.fixture
def unit(country: Country) -> Unit:
    return UnitFactory(institution=InstitutionFactory(country=country))


@pytest.fixture
def v1(country: Country) -> DefinitionVersion:
    content, problems = read_shipped("v1")
    assert not problems
    return publish_content(actor=Actor.for_system("test"), country=country, content=content, source="test")


@pytest.fixture
def admin(unit: Unit) -> Actor:
    m = member(Role.NATIONAL_ADMIN, unit=unit, username="natadmin")
    return Actor(user=m.user, membership=m)


@pytest.fixture
def actor_for(unit: Unit) -> Any:
    def make(role: str) -> Actor:
        m = member(role, unit=unit)
        return Actor(user=m.user, membership=m)

    return make
