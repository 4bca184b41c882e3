"""In a real browser, in Arabic: a statistician of Takatof filters the national dashboard to one
governorate and one quarter, downloads every table as XLSX, and the workbook holds no count under
the country's threshold (suppressed cells are marked, the rule is written)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from openpyxl import load_workbook

from sanad.institutions.models import Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.statistics.models import IncidentFact
from sanad.testing.factories import member
from tests.browser.test_cases_browser import csp_watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THRESHOLD = 5


def test_statistician_filters_to_a_governorate_and_quarter_and_downloads_xlsx(
    page: Any, login: Any, tmp_path: Path
) -> None:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=24, seed=4, years=1)
    call_command("rebuild_statistics")
    member(Role.STATISTICIAN, unit=Unit.objects.get(institution__code="scw", code="takatof"), username="ali_stats")
    # The governorate and quarter with the most incidents: small cells there are the realistic case.
    busiest = (
        IncidentFact.objects.exclude(governorate_id=None)
        .values("governorate_id", "month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    month = busiest["month"]
    quarter = (month.month - 1) // 3 + 1
    refused = csp_watch(page)

    login("ali_stats")
    page.goto("/")
    page.locator("nav.mainnav a[href='/statistics/']").click()
    page.wait_for_selector("[data-testid=stats-filters]")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("#id_year", str(month.year))
    page.select_option("#id_quarter", str(quarter))
    page.select_option("#id_governorate", str(busiest["governorate_id"]))
    page.click("[data-testid=apply-filters]")
    page.wait_for_url(f"**governorate={busiest['governorate_id']}**")
    rule = page.locator("[data-testid=disclosure-rule]").inner_text()
    assert "•" in rule and "4" in rule
    assert page.locator("[data-testid=panel-type_by_sex] svg").count() == 1

    with page.expect_download() as download_info:
        page.click("[data-testid=download-all-xlsx]")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".xlsx"
    book = load_workbook(io.BytesIO(target.read_bytes()))
    # Counts are formatted "0"; medians, shares and rates "0.0".
    numbers = [
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int | float) and not isinstance(c.value, bool) and c.number_format == "0"
    ]
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert numbers, "the workbook holds the tables"
    assert not [n for n in numbers if 0 < n < THRESHOLD], "a count under the threshold was published"
    assert "•" in texts  # at least one suppressed cell, marked
    assert any("•" in t and "4" in t for t in texts)  # the rule, in the file
    assert any(f"{month.year}-{3 * (quarter - 1) + 1:02d}-01" in t for t in texts)  # the period
    assert book.worksheets[0].sheet_view.rightToLeft
    assert not refused, refused
