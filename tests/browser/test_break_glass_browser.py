"""Break-glass in a real browser, in Arabic: a short reason is refused next to the field and what was
typed stays; a real reason opens the record; the owner unit's supervisor finds the notice in the inbox."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant
from sanad.access.tasks import notify_record_opened
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.testing.factories import UnitFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_break_glass_then_the_owner_supervisor_is_told(page: Any, login: Any) -> None:
    owner_unit = UnitFactory()
    registrar = member(Role.INTAKE_OFFICER, unit=owner_unit)
    supervisor = member(Role.SUPERVISOR, unit=owner_unit, username="owner_supervisor")
    person = person_register(
        actor=Actor(user=registrar.user, membership=registrar),
        data=PersonInput(first_name="نورة", family_name="البوعينين", phones="33004455"),
    )
    opener = member(Role.CASE_WORKER, username="er_doctor")
    opener.may_break_glass = True
    opener.save()

    login(opener.user.username)
    page.goto(f"/people/{person.pk}/")
    assert "33004455" not in page.content()
    page.click("[data-testid=break-glass]")
    page.fill("#id_reason", "عاجل")
    page.click("button[type=submit].primary")
    assert page.locator("[role=alert]").is_visible()
    assert page.input_value("#id_reason") == "عاجل"  # kept for the user to complete
    assert not AccessGrant.objects.exists()
    page.fill("#id_reason", "الناجية في قسم الطوارئ الآن وحياتها في خطر")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/people/{person.pk}/")
    assert "33004455" in page.locator("[data-testid=phones]").inner_text()

    notify_record_opened(grant_id=AccessGrant.objects.get().pk)  # what the worker runs on commit
    page.context.clear_cookies()
    login(supervisor.user.username)
    assert page.locator("[data-testid=inbox-link] .badge").inner_text() == "1"
    page.click("[data-testid=inbox-link]")
    notice = page.locator("[data-testid=notice]")
    assert "فُتح سجل بكسر الزجاج" in notice.inner_text() and "er_doctor" in notice.inner_text()
    assert "الطوارئ" not in notice.inner_text()  # the reason stays in the record's access log
    page.click("[data-testid=mark-all-read]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=inbox-link] .badge").count() == 0
