"""The case summary PDF: exactly the sections asked for (so a referral can pass the consented scope),
the owner unit's export through the page and the API (access-checked, audited, never cached)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.audit.models import AuditEvent
from sanad.cases import services
from sanad.cases.models import Case, Report
from sanad.cases.tests.conftest import (  # noqa: F401 - shared fixtures
    actor_for,
    country,
    intake,
    report,
    survivor,
    unit,
    v1,
)
from sanad.documents.case_summary import SECTIONS, UnknownSection, build_case_summary, parse_sections
from sanad.documents.pdf import Consent, render
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD, InstitutionFactory, UnitFactory, member

from .pdf_reading import text_lines

pytestmark = pytest.mark.django_db

NARRATIVE = "ضربني زوجي أمس في البيت"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return squeeze("\n".join(text_lines(data)))


@pytest.fixture
def case(intake: Actor, report: Report) -> Case:  # noqa: F811 - fixtures imported above
    opened = services.case_open(actor=intake, report=report)
    return Case.objects.select_related("owner_unit__institution", "survivor").get(pk=opened.pk)


def test_only_the_sections_asked_for_are_printed(case: Case) -> None:
    everything = pdf_text(render(build_case_summary(case, sections=frozenset(SECTIONS))))
    assert squeeze(case.number) in everything and squeeze(NARRATIVE) in everything
    assert squeeze("فاطمة الحداد") in everything and squeeze("اعتداء جسدي") in everything
    scoped = pdf_text(render(build_case_summary(case, sections=frozenset({"case", "risk"}))))
    assert squeeze(case.number) in scoped
    for withheld in (NARRATIVE, "فاطمة الحداد", "اعتداء جسدي"):
        assert squeeze(withheld) not in scoped
    with pytest.raises(UnknownSection):
        build_case_summary(case, sections=frozenset({"case", "everything"}))


def test_a_consent_block_is_printed_when_given_and_english_works(case: Case) -> None:
    consent = Consent(
        title="Consent",
        rows=[("Given by", "the survivor"), ("Receiver", "Aman Centre"), ("How", "signed form")],
        statement="Only the sections above may be shared.",
    )
    text = pdf_text(render(build_case_summary(case, sections=frozenset({"case"}), language="en", consent=consent)))
    assert squeeze(f"Case summary {case.number}") in text
    assert squeeze("Aman Centre") in text and squeeze("Only the sections above may be shared.") in text


def test_parse_sections() -> None:
    assert parse_sections("") == frozenset(SECTIONS)
    assert parse_sections("case, risk") == {"case", "risk"}
    with pytest.raises(UnknownSection):
        parse_sections("case,secrets")


def signed_in(role: str, where: Unit) -> tuple[MfaClient, Any]:
    m = member(role, unit=where)
    client = MfaClient()
    client.login(username=m.user.username, password=TEST_PASSWORD)
    return client, m


def test_the_owner_units_export_is_a_no_store_pdf_and_audited(case: Case, unit: Unit) -> None:  # noqa: F811
    client, m = signed_in(Role.CASE_WORKER, unit)
    page = client.get(f"/documents/cases/{case.pk}/summary.pdf", {"sections": ["case", "narrative"]})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page["Cache-Control"] == "no-store" and "attachment" in page["Content-Disposition"]
    assert squeeze(NARRATIVE) in pdf_text(page.content)
    event = AuditEvent.objects.get(user_id=m.user.pk, action="case.export")
    assert event.details == {"format": "pdf", "document": "case_summary", "sections": ["case", "narrative"]}
    api = client.get(f"/api/v1/cases/{case.pk}/summary.pdf", {"sections": "case,risk"})
    assert api.status_code == 200 and api["Cache-Control"] == "no-store"
    assert squeeze(NARRATIVE) not in pdf_text(api.content)
    bad = client.get(f"/api/v1/cases/{case.pk}/summary.pdf", {"sections": "case,secrets"})
    assert bad.status_code == 400 and "sections" in bad.json()
    assert client.get(f"/documents/cases/{case.pk}/summary.pdf", {"sections": "secrets"}).status_code == 400
    # The case page offers it.
    assert 'data-testid="download-summary"' in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_who_may_export_the_summary(case: Case, unit: Unit, role: str) -> None:  # noqa: F811
    places = {
        "same_unit": unit,
        "same_institution": UnitFactory(institution=unit.institution),
        "other_institution": UnitFactory(institution=InstitutionFactory(country=unit.institution.country)),
    }
    for place, where in places.items():
        client, m = signed_in(role, where)
        responses = [
            client.get(f"/documents/cases/{case.pk}/summary.pdf"),
            client.get(f"/api/v1/cases/{case.pk}/summary.pdf"),
        ]
        exported = AuditEvent.objects.filter(user_id=m.user.pk, action="case.export", outcome="allowed")
        if role in (Role.CASE_WORKER, Role.SUPERVISOR) and place == "same_unit":
            assert [r.status_code for r in responses] == [200, 200]
            assert exported.count() == 2
        else:
            assert all(r.status_code in (403, 404) for r in responses), (place, [r.status_code for r in responses])
            assert not exported.exists()
            assert all(NARRATIVE.encode() not in r.content for r in responses)
            assert AuditEvent.objects.filter(user_id=m.user.pk, outcome="denied").exists()
