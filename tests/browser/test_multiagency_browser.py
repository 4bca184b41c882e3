"""In a real browser, in Arabic: a family-protection supervisor convenes a multi-agency review with the
social-development ministry, adds the ministry's flagged case, records an action for one of its case
workers; the case worker finds it in their worklist and marks it done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases import services
from sanad.cases.models import Case, TimelineEntry, TimelineKind
from sanad.cases.risk import instrument
from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.multiagency.models import ActionStatus, AgreedAction
from sanad.notices.models import Notice, NoticeKind
from sanad.people.services import PersonInput, person_register
from sanad.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTION = "زيارة منزلية وتحديث خطة الأمان مع الناجية"


def flagged_case_of(unit: Unit) -> Case:
    officer = member(Role.INTAKE_OFFICER, unit=unit)
    intake = Actor(user=officer.user, membership=officer)
    survivor = person_register(actor=intake, data=PersonInput(first_name="ليلى", family_name="الجودر", sex="female"))
    report = services.report_register(
        actor=intake,
        data=services.ReportInput(
            received_at=timezone.now() - dt.timedelta(hours=2),
            channel_code="hotline",
            reporter_type_code="survivor",
            persons=[(survivor.pk, "survivor")],
            incidents=[
                services.IncidentInput(
                    occurred_on=timezone.localdate() - dt.timedelta(days=1), violence_type_codes=["physical_assault"]
                )
            ],
        ),
    )
    case = services.case_open(actor=intake, report=report)
    services.case_assess_risk(actor=intake, case=case, answers={i.code: True for i in instrument().items})
    return Case.objects.get(pk=case.pk)


def test_supervisor_convenes_adds_a_flagged_case_and_the_responsible_sees_the_action(page: Any, login: Any) -> None:
    load_country_pack("bh")
    fpo = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    counselling = Unit.objects.get(institution__code="mosd", code="family-counselling")
    member(Role.SUPERVISOR, unit=fpo, username="huda")
    member(Role.CASE_WORKER, unit=counselling, username="salma")
    case = flagged_case_of(counselling)
    assert case.multi_agency_review

    login("huda")
    page.goto("/multiagency/")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("#id_held_on", (timezone.localdate() + dt.timedelta(days=2)).isoformat())
    page.check(f"input[name=institutions][value='{counselling.institution_id}']")
    page.click("[data-testid=convene]")
    page.wait_for_selector("[data-testid=meeting-title]")
    assert "وزارة التنمية الاجتماعية" in page.locator("[data-testid=participants]").inner_text()

    page.select_option("#id_case", str(case.pk))
    page.click("[data-testid=add-case]")
    item = page.locator(f"[data-testid=agenda-item][data-case='{case.number}']")
    item.wait_for()
    # The agenda entry carries the number, institution and risk level: never the survivor's name.
    assert "ليلى" not in page.content()

    item.locator("summary", has_text="تسجيل إجراء متفق عليه").click()
    form = item.locator("[data-testid=action-form]")
    form.locator("textarea[name=description]").fill(ACTION)
    form.locator("select[name=institution]").select_option(str(counselling.institution_id))
    form.locator("select[name=user]").select_option(label="salma · وزارة التنمية الاجتماعية")
    form.locator("input[name=due_on]").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    form.locator("[data-testid=save-action]").click()
    page.wait_for_selector(f"[data-testid=agreed-action] >> text={ACTION}")

    page.context.clear_cookies()
    login("salma")
    page.goto("/multiagency/actions/")
    row = page.locator("[data-testid=my-action]")
    assert row.count() == 1
    assert case.number in row.inner_text() and ACTION in row.inner_text()
    row.locator("[data-testid=action-done]").click()
    page.wait_for_selector("text=لا توجد إجراءات مفتوحة.")
    assert AgreedAction.objects.get().status == ActionStatus.DONE
    kinds = set(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert {TimelineKind.MARAC_LISTED, TimelineKind.MARAC_ACTION_AGREED, TimelineKind.MARAC_ACTION_DONE} <= kinds
    # Her inbox told her when it was given to her.
    assert Notice.objects.filter(recipient__username="salma", kind=NoticeKind.MARAC_ACTION).count() == 1
