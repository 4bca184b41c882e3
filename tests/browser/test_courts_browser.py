"""In a real browser: a sharia court clerk records a visitation ruling; the Muharraq social centre
sees the sessions, records two missed sessions, and the court receives the compliance report. An
execution court refers an unpaid alimony judgment; the fund approves and records two monthly
payments, and the court sees them without calling anyone."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services as case_services
from sanad.cases.models import Case
from sanad.courts.models import ComplianceReport, CourtOrder, FundStatus, Payment, SessionStatus
from sanad.courts.services import add_months
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.models import Person
from sanad.people.services import PersonInput, person_register
from sanad.referrals import services as referral_services
from sanad.testing.factories import member
from tests.browser.test_cases_browser import csp_watch
from tests.browser.test_referrals_browser import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = "ضربها زوجها أمام ابنهما وهددها بأخذه"


def muharraq_case(*courts: Unit) -> tuple[Case, dict[str, Person]]:
    load_country_pack("bh")
    fpo = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    intake = member(Role.INTAKE_OFFICER, unit=fpo, username="maryam")
    actor = Actor(user=intake.user, membership=intake)
    persons = {
        name: person_register(actor=actor, data=PersonInput(first_name=first, family_name="الدوسري", sex=sex))
        for name, first, sex in (("mother", "نورة", "female"), ("father", "خالد", "male"), ("child", "يوسف", "male"))
    }
    report = case_services.report_register(
        actor=actor,
        data=case_services.ReportInput(
            received_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=1),
            channel_code="walk_in_fpo",
            reporter_type_code="survivor",
            narrative=NARRATIVE,
            persons=[
                (persons["mother"].pk, "survivor"),
                (persons["father"].pk, "alleged_perpetrator"),
                (persons["child"].pk, "child"),
            ],
        ),
    )
    case = case_services.case_open(actor=actor, report=report)
    for court in courts:
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
    return case, persons


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607


def test_sharia_court_ruling_centre_records_two_missed_sessions_court_receives_the_report(
    page: Any, login: Any
) -> None:
    load_country_pack("bh")
    sharia = Unit.objects.get(institution__code="sharia-court", code="registry")
    centre = Unit.objects.get(institution__code="social-centre-muharraq", code="visitation")
    case, persons = muharraq_case(sharia)
    member(Role.COURT_CLERK, unit=sharia, username="ahmed")
    member(Role.SOCIAL_CENTRE_OFFICER, unit=centre, username="huda")
    refused = csp_watch(page)
    start = timezone.localdate() - dt.timedelta(days=20)

    login("ahmed")
    page.goto("/courts/")
    page.locator(f"[data-testid=court-case][data-number='{case.number}'] [data-testid=new-visitation]").click()
    page.fill("#id_reference", "2026/4411 شرعي")
    page.fill("#id_issued_on", start.isoformat())
    page.fill("#id_starts_on", start.isoformat())
    # A mistake first: the end is before the start; refused by its field, with what was typed kept.
    page.fill("#id_ends_on", (start - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_child", str(persons["child"].pk))
    page.select_option("#id_custodial_parent", str(persons["mother"].pk))
    page.select_option("#id_visiting_parent", str(persons["father"].pk))
    page.select_option("#id_centre_unit", str(centre.pk))
    page.check("#id_supervised")
    page.fill("#id_handover", "يسلم الطفل في قاعة الاستقبال ويغادر الأب بعد ربع ساعة")
    page.select_option("#id_weekday", str(start.weekday()))
    page.fill("#id_session_start", "16:00")
    page.fill("#id_session_end", "18:00")
    page.select_option("#id_session_frequency", "weekly")
    page.click("[data-testid=save-order]")
    assert page.locator("[data-testid=error-ends_on]").is_visible()
    assert page.input_value("#id_reference") == "2026/4411 شرعي"
    page.fill("#id_ends_on", (start + dt.timedelta(weeks=12)).isoformat())
    page.click("[data-testid=save-order]")
    page.wait_for_selector("[data-testid=sessions]")
    order = CourtOrder.objects.get()
    assert order.link_referral is not None and order.link_referral.to_unit == centre
    assert page.locator("[data-testid=session-row]").count() == order.sessions.count() == 13
    sign_out(page)

    login("huda")
    page.goto("/courts/")
    page.locator("[data-testid=order-row] a").first.click()
    page.wait_for_selector("[data-testid=sessions]")
    assert "يوسف الدوسري" in page.locator("[data-testid=child]").inner_text()
    assert NARRATIVE not in page.content()
    first, second = order.sessions.all()[:2]
    # A date that is not in the schedule is refused with the reason.
    page.fill("#id_on", (first.on + dt.timedelta(days=1)).isoformat())
    page.select_option("#id_status", "held")
    page.click("[data-testid=record-session]")
    assert (first.on + dt.timedelta(days=1)).isoformat() in page.locator("[data-testid=error-on]").inner_text()
    assert not order.sessions.exclude(status=SessionStatus.SCHEDULED).exists()
    for session, status in ((first, "visitor_absent"), (second, "child_not_brought")):
        page.fill("#id_on", session.on.isoformat())
        page.select_option("#id_status", status)
        page.select_option("#id_reported_by", "centre_staff")
        page.fill("#id_note", "انتظر الطرف الآخر ساعة كاملة")
        page.click("[data-testid=record-session]")
        page.wait_for_selector(f"[data-testid=session-row][data-on='{session.on.isoformat()}'][data-status='{status}']")
    assert order.sessions.exclude(status=SessionStatus.SCHEDULED).count() == 2
    report = ComplianceReport.objects.get()
    sign_out(page)

    login("ahmed")
    page.goto("/notices/?box=unit")
    notice = page.locator("[data-testid=notice]").filter(has_text=f"CO-{order.pk}").filter(has_text="2")
    assert notice.count() >= 1
    page.locator("[data-testid=notice] a", has_text=f"CO-{order.pk}").last.click()
    page.wait_for_selector("[data-testid=compliance-report]")
    assert page.locator("[data-testid=missed]").first.inner_text() == "2"
    href = page.locator("[data-testid=compliance-pdf]").first.get_attribute("href")
    assert href == f"/courts/reports/{report.pk}.pdf"
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    assert "يوسف" in text and "انتظر الطرف الآخر" in text and NARRATIVE not in text
    assert not refused, refused


def test_execution_court_refers_unpaid_judgment_fund_approves_and_pays_two_months(page: Any, login: Any) -> None:
    load_country_pack("bh")
    execution = Unit.objects.get(institution__code="execution-court", code="sharia-execution")
    fund = Unit.objects.get(institution__code="alimony-fund", code="payments")
    case, persons = muharraq_case(execution)
    member(Role.COURT_CLERK, unit=execution, username="mohammed")
    member(Role.ALIMONY_OFFICER, unit=fund, username="layla")
    refused = csp_watch(page)
    start = add_months(timezone.localdate().replace(day=1), -2)

    login("mohammed")
    page.goto("/courts/")
    page.locator(f"[data-testid=court-case][data-number='{case.number}'] [data-testid=new-alimony]").click()
    page.fill("#id_reference", "2026/902 تنفيذ")
    page.fill("#id_issued_on", (start - dt.timedelta(days=10)).isoformat())
    page.fill("#id_starts_on", start.isoformat())
    page.select_option("#id_obligor", str(persons["father"].pk))
    page.check(f"input[name=beneficiaries][value='{persons['mother'].pk}']")
    page.check(f"input[name=beneficiaries][value='{persons['child'].pk}']")
    page.fill("#id_amount", "120")
    page.select_option("#id_payment_frequency", "monthly")
    page.click("[data-testid=save-order]")
    page.wait_for_selector("[data-testid=refer-form]")
    page.select_option("#id_fund_unit", str(fund.pk))
    page.fill("#id_note", "لم يدفع المحكوم عليه منذ شهرين")
    page.click("[data-testid=refer-to-fund]")
    page.wait_for_selector("[data-testid=fund-status]")
    order = CourtOrder.objects.get()
    assert order.fund_status == FundStatus.PENDING
    sign_out(page)

    login("layla")
    page.goto("/courts/")
    page.locator("[data-testid=order-row] a").first.click()
    page.wait_for_selector("[data-testid=decide-form]")
    assert "خالد الدوسري" in page.locator("[data-testid=obligor]").inner_text()
    assert "نورة الدوسري" in page.locator("[data-testid=beneficiaries]").inner_text()
    assert NARRATIVE not in page.content()
    page.check("input[name=approve][value=yes]")
    page.click("[data-testid=decide]")
    page.wait_for_selector("[data-testid=payment-form]")
    # More than the judgment allows, with no variation recorded: refused by its field.
    page.fill("#id_due_on", start.isoformat())
    page.fill("#id_paid_on", start.isoformat())
    page.fill("#id_amount", "130")
    page.click("[data-testid=record-payment]")
    assert "130" in page.locator("[data-testid=error-amount]").inner_text()
    assert not Payment.objects.exists()
    for due, paid in ((start, start + dt.timedelta(days=2)), (add_months(start, 1), add_months(start, 1))):
        page.fill("#id_due_on", due.isoformat())
        page.fill("#id_paid_on", paid.isoformat())
        page.fill("#id_amount", "120")
        page.click("[data-testid=record-payment]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=payment-row]").count() == 2
    assert sorted(Payment.objects.values_list("due_on", flat=True)) == [start, add_months(start, 1)]
    sign_out(page)

    login("mohammed")
    page.goto(f"/courts/{order.pk}/")
    assert page.locator("[data-testid=payment-row]").count() == 2
    order.refresh_from_db()
    assert order.fund_status == FundStatus.APPROVED
    assert order.link_referral is not None and order.link_referral.status == "in_progress"
    page.goto("/notices/?box=unit")
    # The court heard of each step of its referral to the fund.
    assert page.locator("[data-testid=notice]").filter(has_text=f"RF-{order.link_referral.pk}").count() >= 3
    assert not refused, refused
