from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.cases.tests.conftest import country, report_input, v1  # noqa: F401 - shared fixtures
from sanad.courts import services
from sanad.courts.models import CourtOrder
from sanad.institutions.models import Country, Unit
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.people.services import PersonInput, person_register
from sanad.referrals import services as referral_services
from sanad.referrals.models import LegalGround, ResponseStandard
from sanad.taxonomy.models import DefinitionVersion
from sanad.testing.factories import InstitutionFactory, UnitFactory, member, sector

NARRATIVE = "ضربها زوجها أمام الأطفال وهددها بالسلاح"


def make_actor(role: str, unit: Unit) -> Actor:
    m = member(role, unit=unit)
    return Actor(user=m.user, membership=m)


@dataclass
class World:
    country: Country
    fpo: Unit
    sharia: Unit
    execution: Unit
    centre: Unit
    other_centre: Unit
    fund: Unit
    prosecution: Unit
    case: Case
    mother: Person
    father: Person
    child: Person
    intake: Actor
    clerk: Actor
    exec_clerk: Actor
    centre_officer: Actor
    fund_officer: Actor
    prosecutor: Actor


def _unit(where: Country, sector_code: str, code: str) -> Unit:
    return UnitFactory(institution=InstitutionFactory(country=where, sector=sector(sector_code), code=code))


def refer_to_court(actor: Actor, case: Case, court: Unit) -> None:
    """The family-protection office refers the case to a court, with the survivor's consent."""
    referral_services.referral_send(
        actor=actor,
        case=case,
        data=referral_services.ReferralInput(
            kind="service",
            to_unit_id=court.pk,
            urgency="routine",
            reason="القضية منظورة أمام المحكمة",
            service_codes=["legal_aid"],
            shared_fields=["identity"],
            consent=referral_services.ConsentInput(
                given_by="survivor",
                method="verbal",
                given_at=timezone.now() - dt.timedelta(minutes=5),
                fields=["identity"],
            ),
        ),
    )


@pytest.fixture
def world(country: Country, v1: DefinitionVersion) -> World:  # noqa: F811
    LegalGround.objects.create(country=country, code="court_order", name_ar="أمر من المحكمة", name_en="Court order")
    for code in ("social_centre", "alimony_fund", "court"):
        for urgency in ("routine", "urgent"):
            ResponseStandard.objects.create(
                country=country,
                sector=sector(code),
                urgency=urgency,
                acknowledge_minutes=2 * 1440,
                first_contact_minutes=10 * 1440,
                complete_minutes=60 * 1440,
                escalate_after_minutes=2 * 1440,
            )
    fpo = _unit(country, "police", "police-muharraq")
    sharia = _unit(country, "court", "sharia-court")
    execution = _unit(country, "court", "execution-court")
    centre = _unit(country, "social_centre", "social-centre-muharraq")
    other_centre = _unit(country, "social_centre", "social-centre-manama")
    fund = _unit(country, "alimony_fund", "alimony-fund")
    prosecution = _unit(country, "prosecution", "family-child-prosecution")
    intake = make_actor(Role.INTAKE_OFFICER, fpo)
    mother = person_register(actor=intake, data=PersonInput(first_name="مريم", family_name="العلوي", sex="female"))
    father = person_register(actor=intake, data=PersonInput(first_name="جاسم", family_name="العلوي", sex="male"))
    child = person_register(actor=intake, data=PersonInput(first_name="سلمان", family_name="العلوي", sex="male"))
    report = case_services.report_register(
        actor=intake,
        data=report_input(
            narrative=NARRATIVE,
            persons=[(mother.pk, "survivor"), (father.pk, "alleged_perpetrator"), (child.pk, "child")],
        ),
    )
    case = case_services.case_open(actor=intake, report=report)
    for court in (sharia, execution):
        refer_to_court(intake, case, court)
    return World(
        country=country,
        fpo=fpo,
        sharia=sharia,
        execution=execution,
        centre=centre,
        other_centre=other_centre,
        fund=fund,
        prosecution=prosecution,
        case=case,
        mother=mother,
        father=father,
        child=child,
        intake=intake,
        clerk=make_actor(Role.COURT_CLERK, sharia),
        exec_clerk=make_actor(Role.COURT_CLERK, execution),
        centre_officer=make_actor(Role.SOCIAL_CENTRE_OFFICER, centre),
        fund_officer=make_actor(Role.ALIMONY_OFFICER, fund),
        prosecutor=make_actor(Role.COURT_CLERK, prosecution),
    )


def today() -> dt.date:
    return timezone.localdate()


def visitation_input(w: World, **overrides: Any) -> services.OrderInput:
    start = today() - dt.timedelta(days=21)
    values: dict[str, Any] = {
        "order_type": "visitation",
        "reference": "2026/1234 شرعي",
        "issued_on": start - dt.timedelta(days=3),
        "starts_on": start,
        "ends_on": start + dt.timedelta(weeks=12),
        "child_id": w.child.pk,
        "custodial_parent_id": w.mother.pk,
        "visiting_parent_id": w.father.pk,
        "centre_unit_id": w.centre.pk,
        "supervised": True,
        "handover": "تسليم الطفل في قاعة الاستقبال",
        "weekday": start.weekday(),
        "session_start": dt.time(16, 0),
        "session_end": dt.time(18, 0),
        "session_frequency": "weekly",
    }
    values.update(overrides)
    return services.OrderInput(**values)


def alimony_input(w: World, **overrides: Any) -> services.OrderInput:
    start = today().replace(day=1) - dt.timedelta(days=62)
    start = start.replace(day=1)
    values: dict[str, Any] = {
        "order_type": "alimony",
        "reference": "2026/77 تنفيذ",
        "issued_on": start - dt.timedelta(days=10),
        "starts_on": start,
        "obligor_id": w.father.pk,
        "beneficiary_ids": [w.mother.pk, w.child.pk],
        "amount": Decimal("150.000"),
        "payment_frequency": "monthly",
    }
    values.update(overrides)
    return services.OrderInput(**values)


def protection_input(w: World, **overrides: Any) -> services.OrderInput:
    values: dict[str, Any] = {
        "order_type": "protection",
        "reference": "2026/55 حماية",
        "issued_on": today() - dt.timedelta(days=2),
        "starts_on": today() - dt.timedelta(days=2),
        "ends_on": today() + dt.timedelta(days=60),
        "protected_person_id": w.mother.pk,
        "restrained_person_id": w.father.pk,
        "conditions": ["no_contact", "keep_distance"],
        "distance_metres": 500,
    }
    values.update(overrides)
    return services.OrderInput(**values)


def visitation(w: World, **overrides: Any) -> CourtOrder:
    return services.order_record(actor=w.clerk, case=w.case, data=visitation_input(w, **overrides))


def approved_alimony(w: World) -> CourtOrder:
    order = services.order_record(actor=w.exec_clerk, case=w.case, data=alimony_input(w))
    order = services.order_refer_to_fund(actor=w.exec_clerk, order=order, fund_unit_id=w.fund.pk)
    return services.fund_decide(actor=w.fund_officer, order=order, approve=True)
