"""In a real browser, in Arabic: the Dubai Foundation refers a survivor with her consent to the Aman
centre in Ras Al Khaimah, which acknowledges, accepts, delivers shelter and completes while the sender
follows every step; a Jordanian hospital notifies the Family Protection Department, which misses the
response standard and is escalated to the national coordinator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.referrals.deadlines import scan
from sanad.referrals.models import Breach, Referral, ReferralStatus
from sanad.testing.factories import member
from tests.browser.test_cases_browser import csp_watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = "تعرضت للضرب من زوجها وطردها من المنزل"


def sign_out(page: Any) -> None:
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_load_state()


def dubai_case() -> tuple[Case, Unit, Unit]:
    load_country_pack("ae")
    dfwac = Unit.objects.get(institution__code="dfwac", code="case-management")
    aman = Unit.objects.get(institution__code="aman-centre", code="case-management")
    intake = member(Role.INTAKE_OFFICER, unit=dfwac, username="intake_dubai")
    actor = Actor(user=intake.user, membership=intake)
    survivor = person_register(
        actor=actor, data=PersonInput(first_name="ريم", family_name="المنصوري", sex="female", phones="0559876543")
    )
    report = case_services.report_register(
        actor=actor,
        data=case_services.ReportInput(
            received_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=1),
            channel_code="hotline",
            reporter_type_code="survivor",
            narrative=NARRATIVE,
            persons=[(survivor.pk, "survivor")],
        ),
    )
    return case_services.case_open(actor=actor, report=report), dfwac, aman


def test_dubai_foundation_refers_to_aman_with_consent_and_follows_every_step(page: Any, login: Any) -> None:
    case, dfwac, aman = dubai_case()
    member(Role.CASE_WORKER, unit=dfwac, username="amna")
    member(Role.CASE_WORKER, unit=aman, username="noura")
    refused = csp_watch(page)

    login("amna")
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=refer-case]")
    page.select_option("#id_kind", "service")
    page.select_option("#id_to_unit", str(aman.pk))
    page.select_option("#id_urgency", "urgent")
    page.check("input[name=service_codes][value=shelter]")
    page.fill("#id_reason", "تحتاج إلى إيواء آمن بعيداً عن دبي")
    page.check("input[name=shared_fields][value=identity]")
    page.check("input[name=shared_fields][value=contact]")
    page.check("input[name=has_consent][value=yes]")
    page.select_option("#id_given_by", "survivor")
    page.select_option("#id_method", "verbal")
    # A mistake first: the narrative is shared, but the survivor did not consent to it.
    page.check("input[name=shared_fields][value=narrative]")
    page.check("input[name=consent_fields][value=identity]")
    page.check("input[name=consent_fields][value=contact]")
    page.click("[data-testid=send-referral]")
    assert page.locator("[data-testid=error-shared_fields]").is_visible()
    assert "بعيداً عن دبي" in page.input_value("#id_reason")
    page.uncheck("input[name=shared_fields][value=narrative]")
    page.click("[data-testid=send-referral]")
    page.wait_for_selector("[data-testid=referral-status]")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.to_unit == aman
    sign_out(page)

    login("noura")
    page.goto("/referrals/")
    page.locator("[data-testid=referral-row] a").first.click()
    view = page.locator("[data-testid=case-view]")
    assert "ريم" in view.inner_text() and "0559876543" in view.inner_text()
    assert NARRATIVE not in page.content()
    page.click("[data-testid=acknowledge]")
    page.click("[data-testid=accept]")
    page.click("[data-testid=record-contact]")
    page.select_option("#id_service_code", "shelter")
    page.click("[data-testid=deliver]")
    page.select_option("#id_outcome_code", "safe_elsewhere")
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=referral-outcome]")
    assert page.locator("[data-testid=referral-status]").inner_text() == ReferralStatus.COMPLETED.label
    sign_out(page)

    login("amna")
    page.goto(f"/referrals/{referral.pk}/")
    events = page.locator("[data-testid=referral-event]")
    assert [events.nth(i).get_attribute("data-event") for i in range(events.count())] == [
        "sent",
        "acknowledged",
        "accepted",
        "first_contact",
        "service_delivered",
        "completed",
    ]
    assert page.locator("[data-testid=delivered]").is_visible()
    page.goto(f"/cases/{case.pk}/")
    assert page.locator(".timeline li[data-kind=referral]").count() == 6
    page.goto("/notices/?box=unit")
    assert page.locator("[data-testid=notice]").count() == 5
    assert not refused, refused


def test_jordanian_hospital_notifies_the_fpd_which_misses_the_standard_and_is_escalated(page: Any, login: Any) -> None:
    load_country_pack("jo")
    hospital = Unit.objects.get(institution__code="moh", code="al-bashir-hospital")
    fpd = Unit.objects.get(institution__code="fpd", code="amman")
    council = Unit.objects.get(institution__code="ncfa", code="tracking-system")
    doctor = member(Role.EXAMINER, unit=hospital, username="dr_lina")
    doctor.may_refer_without_consent = True
    doctor.save(update_fields=["may_refer_without_consent"])
    member(Role.SUPERVISOR, unit=fpd, username="omar")
    member(Role.NATIONAL_COORDINATOR, unit=council, username="coordinator")
    refused = csp_watch(page)

    login("dr_lina")
    page.goto("/referrals/")
    page.click("[data-testid=new-notification]")
    page.select_option("#id_to_unit", str(fpd.pk))
    page.select_option("#id_urgency", "immediate")
    page.fill("#id_reason", "طفلة في الطوارئ بكسور متعددة وشكوك بالعنف الأسري")
    page.check("input[name=has_consent][value=no]")
    page.select_option("#id_legal_ground", "mandatory_report")
    page.fill("#id_legal_ground_reason", "الإبلاغ الإلزامي عن طفل معرض للخطر")
    page.click("[data-testid=send-referral]")
    page.wait_for_selector("[data-testid=referral-status]")
    referral = Referral.objects.get()
    assert (referral.kind, referral.case, referral.legal_ground.code) == ("notification", None, "mandatory_report")
    sign_out(page)

    # Nobody at the FPD acknowledges within the police standard for immediate referrals (30 minutes);
    # the periodic scan runs as the worker would, later and later.
    scan(now=referral.sent_at + dt.timedelta(minutes=31))
    assert Breach.objects.get().kind == "acknowledge"
    login("omar")
    page.goto("/notices/?box=mine")
    assert page.locator("[data-testid=notice]").count() == 1
    assert f"RF-{referral.pk}" in page.locator("[data-testid=notice]").inner_text()
    sign_out(page)

    scan(now=referral.sent_at + dt.timedelta(minutes=31 + 31))
    assert Breach.objects.get().escalated_at is not None
    login("coordinator")
    page.goto("/notices/")
    notice = page.locator("[data-testid=notice]")
    assert notice.count() == 1 and f"RF-{referral.pk}" in notice.inner_text()
    notice.locator("a").click()
    page.wait_for_selector("[data-testid=referral-status]")
    # The coordinator follows dates and states; the reason stays between the two institutions.
    assert "كسور" not in page.content()
    page.goto("/referrals/response-times/")
    assert page.locator("[data-testid=response-row]").count() == 1
    assert not refused, refused
