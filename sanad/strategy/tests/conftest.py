from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from sanad.access.actor import Actor
from sanad.institutions.models import Country, Institution, Unit
from sanad.institutions.roles import Role
from sanad.strategy import services
from sanad.strategy.models import ReportingRound, Strategy, Submission
from sanad.testing.factories import CountryFactory, InstitutionFactory, UnitFactory, member, sector


def _one_page_pdf() -> bytes:
    """A well-formed one-page PDF: evidence is rewritten without its metadata, so it must parse."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()


def is_one_page_pdf(data: bytes) -> bool:
    """What comes back of ``PDF``: stored rewritten (metadata stripped), so the same document, not the same bytes."""
    return data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) == 1


def actor_for(role: str, unit: Unit, **user: Any) -> Actor:
    m = member(role, unit=unit, **user)
    return Actor(user=m.user, membership=m)


def small_strategy(council: Institution, mosd: Institution, other: Institution) -> dict[str, Any]:
    return {
        "code": "test-strategy",
        "name_ar": "الاستراتيجية الوطنية لحماية المرأة من العنف الأسري",
        "name_en": "National strategy",
        "start_year": 2015,
        "end_year": 2030,
        "status": "active",
        "pillars": [
            {
                "code": "services",
                "name_ar": "الخدمات",
                "name_en": "Services",
                "objectives": [
                    {
                        "code": "services.support",
                        "name_ar": "دعم الناجيات",
                        "name_en": "Support survivors",
                        "initiatives": [
                            {"code": "i1", "name_ar": "الإرشاد", "name_en": "Counselling", "lead": mosd.code}
                        ],
                        "indicators": [
                            {
                                "code": "survivors-supported",
                                "name_ar": "عدد الناجيات المستفيدات",
                                "name_en": "Survivors supported",
                                "initiative": "i1",
                                "kind": "reported",
                                "unit": "count",
                                "baseline": 100,
                                "baseline_year": 2015,
                                "targets": {2025: 300, 2026: 400},
                                "responsible": mosd.code,
                                "supporting": [other.code],
                            },
                            {
                                "code": "safety-plans",
                                "name_ar": "نسبة الحالات ذات خطة أمان",
                                "name_en": "Cases with a safety plan",
                                "kind": "reported",
                                "unit": "percent",
                                "baseline": 40,
                                "targets": {2026: 80},
                                "responsible": mosd.code,
                            },
                        ],
                    }
                ],
            },
            {
                "code": "protection",
                "name_ar": "الحماية",
                "name_en": "Protection",
                "objectives": [
                    {
                        "code": "protection.response",
                        "name_ar": "الاستجابة",
                        "name_en": "Response",
                        "indicators": [
                            {
                                "code": "ack-in-time",
                                "name_ar": "نسبة الإحالات المستلمة ضمن المعيار",
                                "name_en": "Referrals acknowledged in time",
                                "kind": "computed",
                                "source": "referrals.acknowledged_within_standard",
                                "unit": "percent",
                                "baseline": 50,
                                "targets": {2026: 90},
                                "responsible": council.code,
                            },
                            {
                                "code": "campaigns",
                                "name_ar": "عدد حملات التوعية",
                                "name_en": "Awareness campaigns",
                                "kind": "reported",
                                "unit": "count",
                                "baseline": 2,
                                "targets": {2026: 8},
                                "responsible": other.code,
                            },
                        ],
                    }
                ],
            },
        ],
    }


@dataclass
class World:
    country: Country
    council_unit: Unit
    mosd_unit: Unit
    other_unit: Unit
    council: Actor
    mosd_admin: Actor
    other_admin: Actor
    strategy: Strategy


@pytest.fixture
def world(db: Any) -> World:
    country = CountryFactory()
    scw = InstitutionFactory(
        country=country, code="scw", sector=sector("national_council"), name_ar="المجلس الأعلى للمرأة"
    )
    mosd = InstitutionFactory(
        country=country, code="mosd", sector=sector("social_services"), name_ar="وزارة التنمية الاجتماعية"
    )
    other = InstitutionFactory(country=country, code="moinfo", sector=sector("government"), name_ar="وزارة الإعلام")
    council_unit = UnitFactory(institution=scw)
    mosd_unit = UnitFactory(institution=mosd)
    other_unit = UnitFactory(institution=other)
    council = actor_for(Role.NATIONAL_ADMIN, council_unit)
    strategy = services.strategy_load(
        actor=Actor.for_system("test"), country=country, data=small_strategy(scw, mosd, other)
    )
    return World(
        country=country,
        council_unit=council_unit,
        mosd_unit=mosd_unit,
        other_unit=other_unit,
        council=council,
        mosd_admin=actor_for(Role.INSTITUTION_ADMIN, mosd_unit),
        other_admin=actor_for(Role.INSTITUTION_ADMIN, other_unit),
        strategy=strategy,
    )


def open_round(
    world: World, *, period_end: dt.date = dt.date(2026, 6, 30), due_on: dt.date | None = None
) -> ReportingRound:
    return services.round_open(
        actor=world.council,
        strategy=world.strategy,
        name="النصف الأول 2026",
        period_start=period_end.replace(month=1, day=1),
        period_end=period_end,
        due_on=due_on or period_end + dt.timedelta(days=30),
    )


def mosd_form(world: World, rnd: ReportingRound) -> Submission:
    return Submission.objects.get(round=rnd, institution_id=world.mosd_unit.institution_id)


def fill(world: World, submission: Submission, values: dict[str, str]) -> Submission:
    entries = [
        services.EntryInput(indicator_id=e.indicator_id, value=values[e.indicator.code], narrative="تم التنفيذ")
        for e in submission.entries.select_related("indicator")
        if e.indicator.code in values
    ]
    services.submission_save(actor=world.mosd_admin, submission=submission, entries=entries)
    return Submission.objects.get(pk=submission.pk)
