"""The national administrator publishes a new version of the definitions with one renamed and one
merged violence type, in a real browser, and the comparison page shows both."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.taxonomy.models import DefinitionVersion, Recode, VersionStatus
from sanad.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_admin_publishes_a_renamed_and_a_merged_type(page: Any, login: Any) -> None:
    load_country_pack("bh")
    unit = Unit.objects.get(institution__code="scw", code="secretariat")
    admin = member(Role.NATIONAL_ADMIN, unit=unit, username="sara")
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(admin.user.username)

    page.goto("/definitions/versions/")
    page.fill("#id_notes", "Rename honour-related violence; count threats as psychological abuse")
    page.click("[data-testid=new-draft]")
    page.wait_for_url("**/definitions/versions/2/draft/")
    assert page.locator("[data-testid=no-problems]").is_visible()

    rename = page.locator("[data-testid=rename-form]")
    rename.locator("select[name=code]").select_option("honour_related")
    rename.locator("input[name=new_code]").fill("honour_crime")
    rename.locator("input[name=label_ar]").fill("جريمة بدعوى الشرف")
    rename.locator("input[name=label_en]").fill("Honour crime")
    rename.locator("button[type=submit]").click()
    page.wait_for_selector("tr[data-code=honour_crime]")

    merge = page.locator("[data-testid=merge-form]")
    merge.locator("select[name=from_code]").select_option("threats")
    merge.locator("select[name=to_code]").select_option("psychological_abuse")
    merge.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=recodes] >> text=threats")
    assert page.locator("tr[data-code=threats]").count() == 0

    page.click("[data-testid=publish]")
    page.wait_for_url("**/definitions/compare/?from=1&to=2")
    renamed = page.locator("[data-testid=renamed]").inner_text()
    assert "honour_related" in renamed and "honour_crime" in renamed and "جريمة بدعوى الشرف" in renamed
    merged = page.locator("[data-testid=merged]").inner_text()
    assert "threats" in merged and "psychological_abuse" in merged

    version = DefinitionVersion.objects.get(country__code="bh", number=2)
    assert version.status == VersionStatus.PUBLISHED and version.published_by == admin.user
    assert set(Recode.objects.filter(version=version).values_list("from_code", "to_code", "kind")) == {
        ("honour_related", "honour_crime", "rename"),
        ("threats", "psychological_abuse", "merge"),
    }
    # Everyone then browses the new version, in either language.
    page.goto("/definitions/?list=violence_type")
    assert page.locator("tr[data-code=honour_crime]").is_visible()
    assert not refused, refused
