"""Realistic synthetic intake for demos and load tests: reports, persons, incidents, cases and risk
assessments spread over the family-protection offices and social-service units of a country, its
governorates and the last few years. Everything goes through the services, so it is validated,
audited and numbered exactly like real work. Reproducible from the seed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.cases.models import CaseStatus
from sanad.cases.risk import instrument
from sanad.institutions.models import Country, Governorate, Membership, Unit
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.people.synthetic import Person as Generated
from sanad.people.synthetic import generate_people
from sanad.taxonomy.models import Code, CodeList

# Sectors whose units take complaints and manage cases.
INTAKE_SECTORS = ("police", "social_services", "shelter", "ngo")
NARRATIVES = (
    "أفادت بتعرضها للضرب من زوجها بعد خلاف على المصروف، وكان الأطفال حاضرين.",
    "اتصلت الجارة بعد سماع صراخ متكرر من الشقة المجاورة.",
    "حضرت الأم مع ابنتها وأفادت بتهديد الأخ لهما ومنعهما من الخروج.",
    "أبلغت المدرسة عن كدمات على الطالب وغيابه المتكرر.",
    "أفادت بأن زوجها يحتجز جواز سفرها ويمنعها من العمل.",
    "راجعت المستشفى بإصابات في الذراع وذكرت أن الزوج هو من تسبب بها.",
)


@dataclass
class Summary:
    reports: int = 0
    cases: int = 0
    assessments: int = 0
    closed: int = 0


def _staff(unit: Unit, role: str) -> Actor:
    from sanad.accounts.models import User

    username = f"synthetic-{unit.institution.code}-{unit.code}-{role}"[:150]
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name_ar": "مستخدم تجريبي", "full_name_en": "Synthetic user"}
    )
    if created:
        user.set_unusable_password()  # synthetic staff never sign in
        user.save(update_fields=["password"])
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return Actor(user=user, membership=membership, system="generate_synthetic")


def _codes(country: Country, code_list: str) -> list[str]:
    version = services.current_definitions(country)
    return list(Code.objects.filter(version=version, list=code_list, active=True).values_list("code", flat=True))


def _person_input(g: Generated, today: dt.date) -> PersonInput:
    dob = g.dob if g.dob < today else today - dt.timedelta(days=365 * 20)
    return PersonInput(
        first_name=g.first[0],
        father_name=g.father[0],
        grandfather_name=g.grandfather[0],
        family_name=g.family[0],
        latin_name=f"{g.first[1]} {g.family[1]}",
        sex="female" if g.sex == "f" else "male",
        date_of_birth=dob,
        phones=g.phone,
    )


def generate_cases(*, country_code: str, cases: int, seed: int, years: int = 3) -> Summary:
    rng = np.random.default_rng(seed)
    country = Country.objects.get(code=country_code)
    units = list(
        Unit.objects.filter(institution__country=country, institution__sector__code__in=INTAKE_SECTORS, is_active=True)
        .select_related("institution", "institution__country", "governorate", "institution__governorate")
        .order_by("pk")
    )
    if not units:
        raise ValueError(f"country {country_code!r} has no unit that takes complaints")
    governorates = list(Governorate.objects.filter(country=country, parent__isnull=True).order_by("pk"))
    channels = _codes(country, CodeList.INTAKE_CHANNEL)
    reporters = _codes(country, CodeList.REPORTER_TYPE)
    violence = _codes(country, CodeList.VIOLENCE_TYPE)
    places = _codes(country, CodeList.LOCATION_TYPE)
    contexts = _codes(country, CodeList.CASE_CONTEXT)
    relationships = _codes(country, CodeList.RELATIONSHIP)
    closures = _codes(country, CodeList.CLOSURE_REASON)
    dash = instrument("dash")
    people = generate_people(count=cases * 2, rng=rng)
    now = timezone.now()
    today = timezone.localdate()
    summary = Summary()
    for n in range(cases):
        unit = units[int(rng.integers(0, len(units)))]
        intake, worker, supervisor = (_staff(unit, r) for r in (Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR))
        survivor = person_register(actor=intake, data=_person_input(people[2 * n], today))
        perpetrator = person_register(actor=intake, data=_person_input(people[2 * n + 1], today))
        received = now - dt.timedelta(minutes=int(rng.integers(60, years * 365 * 24 * 60)))
        received_on = timezone.localtime(received).date()
        governorate = unit.governorate or unit.institution.governorate
        if governorate is None and governorates:
            governorate = governorates[int(rng.integers(0, len(governorates)))]
        exact = rng.random() < 0.8
        start = received_on - dt.timedelta(days=int(rng.integers(0, 60)))
        incident = services.IncidentInput(
            occurred_on=start if exact else None,
            period_start=None if exact else start - dt.timedelta(days=90),
            period_end=None if exact else start,
            governorate_id=governorate.pk if governorate else None,
            location_type_code=str(rng.choice(places)),
            violence_type_codes=sorted({str(v) for v in rng.choice(violence, size=int(rng.integers(1, 3)))}),
            context_code=str(rng.choice(contexts)),
            relationship_code=str(rng.choice(relationships)),
            injuries=bool(rng.random() < 0.4),
            weapons=bool(rng.random() < 0.1),
            children_present=bool(rng.random() < 0.35),
            repeated=bool(rng.random() < 0.6),
        )
        report = services.report_register(
            actor=intake,
            data=services.ReportInput(
                received_at=received,
                channel_code=str(rng.choice(channels)),
                reporter_type_code=str(rng.choice(reporters)),
                narrative=str(rng.choice(NARRATIVES)),
                urgent=bool(rng.random() < 0.1),
                persons=[(survivor.pk, "survivor"), (perpetrator.pk, "alleged_perpetrator")],
                incidents=[incident],
            ),
        )
        summary.reports += 1
        if rng.random() < 0.15:
            continue  # still waiting in the unit's queue
        case = services.case_open(
            actor=intake, report=report, assigned_to=worker.user, opened_at=received + dt.timedelta(hours=2)
        )
        summary.cases += 1
        for _ in range(int(rng.integers(1, 3))):
            p = float(rng.choice([0.15, 0.45, 0.7]))
            services.case_assess_risk(
                actor=worker, case=case, answers={item.code: bool(rng.random() < p) for item in dash.items}
            )
            summary.assessments += 1
        steps = int(rng.integers(0, 5))
        for status in (CaseStatus.ASSESSMENT, CaseStatus.PLAN, CaseStatus.IMPLEMENTATION, CaseStatus.FOLLOW_UP)[:steps]:
            case = services.case_advance(actor=worker, case=case, to_status=status, expected_version=None)
        if steps == 4 and rng.random() < 0.6:
            services.case_request_closure(
                actor=worker, case=case, reason_code=str(rng.choice(closures)), expected_version=None
            )
            services.case_decide_closure(actor=supervisor, case=case, approve=True)
            summary.closed += 1
    return summary
