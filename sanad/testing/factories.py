"""Factories for tests: real rows in PostgreSQL, no mocks."""

from __future__ import annotations

from typing import Any

import factory

from sanad.accounts.models import User
from sanad.institutions.models import Country, Governorate, Institution, Membership, Sector, Unit
from sanad.institutions.roles import Role
from sanad.institutions.sectors import ensure_sectors

TEST_PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - test data


class CountryFactory(factory.django.DjangoModelFactory[Country]):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "bh"
    name_ar = "مملكة البحرين"
    name_en = "Kingdom of Bahrain"
    case_prefix = "BH"
    time_zone = "Asia/Bahrain"


class GovernorateFactory(factory.django.DjangoModelFactory[Governorate]):
    class Meta:
        model = Governorate

    country = factory.SubFactory(CountryFactory)
    code = factory.Sequence(lambda n: f"gov-{n}")
    name_ar = factory.Sequence(lambda n: f"محافظة {n}")
    name_en = factory.Sequence(lambda n: f"Governorate {n}")


def sector(code: str = "police") -> Sector:
    ensure_sectors()
    return Sector.objects.get(code=code)


class InstitutionFactory(factory.django.DjangoModelFactory[Institution]):
    class Meta:
        model = Institution

    country = factory.SubFactory(CountryFactory)
    code = factory.Sequence(lambda n: f"inst-{n}")
    name_ar = factory.Sequence(lambda n: f"مؤسسة {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    sector = factory.LazyFunction(lambda: sector("police"))
    rollout_phase = "active"


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"unit-{n}")
    name_ar = factory.Sequence(lambda n: f"وحدة {n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name_ar = "مستخدم تجريبي"
    full_name_en = "Test User"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CASE_WORKER


def member(role: str = Role.CASE_WORKER, unit: Unit | None = None, **user_fields: Any) -> Membership:
    """A user with one current membership in ``unit`` (a new unit when omitted)."""
    user = UserFactory.create(**user_fields)
    return Membership.objects.create(user=user, unit=unit or UnitFactory.create(), role=role)
