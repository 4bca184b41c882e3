"""In a real browser, in Arabic: an intake officer takes a walk-in complaint to an open case with a
risk assessment; a case worker takes a case to closure, which a supervisor approves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.cases.models import Case, CaseStatus, Report, ReportStatus
from sanad.cases.risk import instrument
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fpo() -> Unit:
    load_country_pack("bh")
    return Unit.objects.get(institution__code="police-muharraq", code="fpo")


def csp_watch(page: Any) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    return refused


def test_intake_officer_from_walk_in_complaint_to_open_case_with_risk_assessment(page: Any, login: Any) -> None:
    unit = fpo()
    officer = member(Role.INTAKE_OFFICER, unit=unit, username="maryam")
    supervisor = member(Role.SUPERVISOR, unit=unit, username="huda")
    person_register(
        actor=Actor(user=officer.user, membership=officer),
        data=PersonInput(first_name="فاطمة", father_name="أحمد", family_name="الحداد", sex="female"),
    )
    refused = csp_watch(page)
    login("maryam")
    page.goto("/cases/")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.click("[data-testid=new-report]")
    page.select_option("#id_channel_code", "walk_in_fpo")
    page.select_option("#id_reporter_type_code", "survivor")
    page.check("#id_urgent")
    page.fill("#id_narrative", "حضرت إلى المكتب وأفادت بأن زوجها ضربها وهددها أمام الأطفال")
    # First a mistake: a date in the future. The page says so in Arabic, by the field, and keeps the rest.
    page.fill("#id_occurred_on", (timezone.localdate() + dt.timedelta(days=5)).isoformat())
    page.check("input[name=violence_type_codes][value=physical_assault]")
    page.select_option("#id_relationship_code", "spouse")
    page.click("[data-testid=save-report]")
    assert "المستقبل" in page.locator("[data-testid=error-occurred_on]").inner_text()
    assert "زوجها ضربها" in page.input_value("#id_narrative")
    assert page.is_checked("input[name=violence_type_codes][value=physical_assault]")
    page.fill("#id_occurred_on", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_governorate", label="محافظة المحرق")
    page.select_option("#id_location_type_code", "shared_home")
    page.check("#id_children_present")
    page.click("[data-testid=save-report]")
    page.wait_for_selector("[data-testid=report-status]")
    report = Report.objects.get()
    assert report.urgent and report.owner_unit == unit

    # The survivor is found while typing, spelt differently (taa marbuta as haa, no hamza).
    page.fill("[data-testid=person-search]", "فاطمه احمد")
    page.wait_for_selector("[data-testid=match]")
    match = page.locator("[data-testid=match]").first
    match.locator("select[name=role]").select_option("survivor")
    match.locator("[data-testid=add-person]").click()
    page.wait_for_selector("[data-testid=persons] >> text=فاطمة أحمد الحداد")
    # The alleged perpetrator is not registered yet: register him from the report.
    page.click("[data-testid=register-new]")
    form = page.locator("[data-testid=register-person-form]")
    form.locator("select[name=role]").select_option("alleged_perpetrator")
    form.locator("input[name=first_name]").fill("خالد")
    form.locator("input[name=family_name]").fill("الحداد")
    form.locator("select[name=sex]").select_option("male")
    form.locator("[data-testid=register-person]").click()
    page.wait_for_selector("[data-testid=persons] >> text=خالد الحداد")

    page.click("[data-testid=open-case]")
    page.wait_for_selector("[data-testid=case-number]")
    case = Case.objects.get()
    assert page.locator("[data-testid=case-number]").inner_text() == case.number
    assert case.number == f"BH-{timezone.localdate().year}-000001"
    assert Report.objects.get().status == ReportStatus.CASE_OPENED

    page.click("[data-testid=assess]")
    for item in instrument().items[:12]:
        page.check(f"#id_item_{item.code}")
    page.select_option("#id_level", "high")
    page.click("[data-testid=save-assessment]")
    assert page.locator("[data-testid=error-judgement_reason]").is_visible()  # raising needs a reason
    assert page.is_checked(f"#id_item_{instrument().items[0].code}")
    page.fill("#id_judgement_reason", "تهديد بالقتل أمام الأطفال")
    page.click("[data-testid=save-assessment]")
    page.wait_for_selector("[data-testid=marac]")
    assert page.locator("[data-testid=risk-level]").inner_text() == "مرتفع"
    assert page.locator("[data-testid=timeline] li").count() == 2
    case.refresh_from_db()
    assert case.risk_level == "high" and case.multi_agency_review
    # The unit's supervisor was told of the urgent report at once.
    assert supervisor.user.notices.filter(kind="report.urgent", object_id=str(report.pk)).exists()
    assert not refused, refused


def test_case_worker_to_closure_approved_by_supervisor(page: Any, login: Any) -> None:
    unit = fpo()
    officer = member(Role.INTAKE_OFFICER, unit=unit, username="maryam")
    member(Role.CASE_WORKER, unit=unit, username="salma")
    member(Role.SUPERVISOR, unit=unit, username="huda")
    intake = Actor(user=officer.user, membership=officer)
    survivor = person_register(actor=intake, data=PersonInput(first_name="زينب", family_name="علي", sex="female"))
    report = services.report_register(
        actor=intake,
        data=services.ReportInput(
            received_at=timezone.now() - dt.timedelta(days=20),
            channel_code="hotline",
            reporter_type_code="survivor",
            persons=[(survivor.pk, "survivor")],
            incidents=[
                services.IncidentInput(
                    occurred_on=timezone.localdate() - dt.timedelta(days=21),
                    violence_type_codes=["psychological_abuse"],
                )
            ],
        ),
    )
    case = services.case_open(actor=intake, report=report)
    refused = csp_watch(page)

    login("salma")
    page.goto(f"/cases/{case.pk}/")
    for status in ("التقييم", "خطة العمل", "التنفيذ", "المتابعة"):
        page.click("[data-testid=advance]")
        page.wait_for_selector(f"[data-testid=case-status] >> text={status}")
    page.select_option("#id_reason_code", "needs_met")
    page.fill("#id_note", "تحققت أهداف الخطة وأصبحت آمنة")
    page.click("[data-testid=request-closure]")
    page.wait_for_selector("[data-testid=pending-closure]")
    assert page.locator("[data-testid=approve-closure]").count() == 0  # not by the one who asked
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSURE_REQUESTED

    page.context.clear_cookies()
    login("huda")
    page.goto("/cases/?view=awaiting")
    page.click(f"text={case.number}")
    page.click("[data-testid=approve-closure]")
    page.wait_for_selector("[data-testid=closure-reason]")
    assert page.locator("[data-testid=case-status]").inner_text() == "مغلقة"
    kinds = page.locator("[data-testid=timeline] li").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == ["opened", *["status_changed"] * 4, "closure_requested", "closure_approved"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert not refused, refused


def test_correcting_a_report_in_arabic_refuses_a_future_time_then_tells_a_stale_editor(page: Any, login: Any) -> None:
    unit = fpo()
    officer = member(Role.INTAKE_OFFICER, unit=unit, username="maryam")
    colleague = member(Role.INTAKE_OFFICER, unit=unit, username="noora")
    actor = Actor(user=officer.user, membership=officer)
    report = services.report_register(
        actor=actor,
        data=services.ReportInput(
            received_at=timezone.now() - dt.timedelta(hours=1),
            channel_code="walk_in_fpo",
            reporter_type_code="survivor",
            narrative="حضرت إلى المكتب",
        ),
    )
    login("maryam")
    page.goto(f"/cases/reports/{report.pk}/")
    page.click("[data-testid=edit-report]")
    page.fill("#id_narrative", "حضرت إلى المكتب برفقة أختها")
    page.fill("#id_received_at", (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=save-report-edit]")
    assert "المستقبل" in page.locator("[data-testid=error-received_at]").inner_text()
    assert "برفقة أختها" in page.input_value("#id_narrative")

    # Meanwhile a colleague corrects the same report: saving on the old version is refused, the
    # officer's text stays in the form and the colleague's is shown beside it.
    services.report_update(
        actor=Actor(user=colleague.user, membership=colleague),
        report=report,
        data=services.ReportEdit(
            received_at=report.received_at,
            channel_code="walk_in_fpo",
            reporter_type_code="survivor",
            narrative="نص الزميلة",
        ),
        expected_version=1,
    )
    page.fill("#id_received_at", timezone.localtime(report.received_at).strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=save-report-edit]")
    assert page.locator("[data-testid=conflict]").is_visible()
    assert "نص الزميلة" in page.locator("[data-testid=current-values]").inner_text()
    assert "برفقة أختها" in page.input_value("#id_narrative")
    page.click("[data-testid=save-report-edit]")
    assert "برفقة أختها" in page.locator("[data-testid=narrative]").inner_text()
    report.refresh_from_db()
    assert report.row_version == 3
