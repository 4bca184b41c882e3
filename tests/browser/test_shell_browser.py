from __future__ import annotations

from typing import Any

import pytest

from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_sees_arabic_rtl_then_switches_to_english_ltr(page: Any, login: Any) -> None:
    load_country_pack("bh")
    from sanad.institutions.models import Unit

    unit = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    m = member(Role.INTAKE_OFFICER, unit=unit, username="maryam")
    login(m.user.username)
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert "ضابط استقبال" in page.locator("[data-testid=role]").inner_text()
    page.click("[data-testid=switch-language]")
    page.wait_for_selector("html[dir=ltr]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Intake officer" in page.locator("[data-testid=role]").inner_text()
    # The choice persists across pages and visits.
    page.goto("/institutions/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Family and Child Protection Office, Muharraq Police Directorate" in page.content()
    page.click("[data-testid=switch-language]")
    page.wait_for_selector("html[dir=rtl]")
    assert "مكتب حماية الأسرة والطفل - مديرية شرطة محافظة المحرق" in page.content()
