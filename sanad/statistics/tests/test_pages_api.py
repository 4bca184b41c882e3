"""The dashboards, downloads, report packs and the statistics API: protected the same way everywhere,
the rule stated, refused input answered next to its field, and the API in the OpenAPI schema."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sanad.institutions.models import Governorate, Unit
from sanad.institutions.packs import load_country_pack
from sanad.institutions.roles import Role
from sanad.statistics.models import IncidentFact
from sanad.testing.factories import member

pytestmark = pytest.mark.django_db

THRESHOLD = 5


@pytest.fixture
def statistician(client: Any) -> Any:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=16, seed=5, years=1)
    call_command("rebuild_statistics")
    unit = Unit.objects.get(institution__code="scw", code="takatof")
    client.force_login(member(Role.STATISTICIAN, unit=unit, username="stat_pages").user)
    return client


def _year() -> int:
    month = IncidentFact.objects.order_by("-month").values_list("month", flat=True).first()
    assert month is not None
    return month.year


def _numbers(book: Any) -> list[float]:
    """The counts of a workbook (medians, shares and rates are formatted "0.0")."""
    return [
        cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and cell.number_format == "0"
    ]


def test_dashboard_states_the_rule_and_marks_suppressed_cells(statistician: Any) -> None:
    response = statistician.get(f"/statistics/?year={_year()}", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="disclosure-rule"' in html and "•" in html
    assert html.count("<svg") >= 10


def test_a_month_outside_the_quarter_is_refused_next_to_the_field(statistician: Any) -> None:
    response = statistician.get(f"/statistics/?year={_year()}&quarter=1&month=9")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This month is not in the quarter chosen." in html or "ليس" in html
    assert 'value="9" selected' in html


def test_xlsx_and_csv_downloads_publish_no_small_count(statistician: Any) -> None:
    year = _year()
    governorate = Governorate.objects.filter(country__code="bh", code="muharraq").get()
    url = f"/statistics/governorate/{governorate.pk}/table/all.xlsx?year={year}&quarter=2"
    response = statistician.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    numbers = _numbers(book)
    assert numbers and not [n for n in numbers if 0 < n < THRESHOLD]
    text = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("•" in t for t in text) and any("4" in t and "•" in t for t in text)  # the rule is written
    csv_text = statistician.get(f"/statistics/table/type_by_sex.csv?year={year}").content.decode("utf-8-sig")
    assert "•" in csv_text.splitlines()[2]  # the rule, under the title and the period
    svg = statistician.get(f"/statistics/table/by_month.svg?year={year}")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_report_packs_for_a_past_period(statistician: Any) -> None:
    year = _year()
    national = statistician.get(f"/statistics/reports/{year}-Q1/national.xlsx")
    assert national.status_code == 200
    book = load_workbook(io.BytesIO(national.content))
    assert len(book.worksheets) > 10
    assert not [n for n in _numbers(book) if 0 < n < THRESHOLD]
    pdf = statistician.get(f"/statistics/reports/{year}/national.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    international = statistician.get(f"/statistics/reports/{year}/international.xlsx")
    sheets = load_workbook(io.BytesIO(international.content)).worksheets
    titles = [str(ws.cell(row=1, column=1).value) for ws in sheets]
    assert len(sheets) == 2 and titles[0] and titles[1]
    assert statistician.get("/statistics/reports/not-a-period/national.xlsx").status_code == 404


def test_api_answers_like_the_pages_and_refuses_bad_queries(statistician: Any) -> None:
    year = _year()
    period = f"period_start={year}-01-01&period_end={year}-12-31"
    url = f"/api/v1/statistics/indicators/incidents/?{period}&by=governorate,sex"
    body = statistician.get(url).json()
    assert body["threshold"] == THRESHOLD and "•" in body["rule"]
    cells = [c for row in body["rows"] for c in row["cells"]] + [row["total"] for row in body["rows"]]
    assert all(c["value"] is None or c["value"] == 0 or c["value"] >= THRESHOLD for c in cells)
    assert all(c["flag"] in ("primary", "secondary") for c in cells if c["value"] is None)
    missing = statistician.get("/api/v1/statistics/indicators/incidents/?by=sex")
    assert missing.status_code == 400 and "period_start" in missing.json()["errors"]
    wrong = statistician.get(
        f"/api/v1/statistics/indicators/referrals/?period_start={year}-01-01&period_end={year}-12-31&by=sex"
    )
    assert wrong.status_code == 400 and "query" in wrong.json()["errors"]
    listing = statistician.get("/api/v1/statistics/indicators/").json()
    assert {"incidents", "survivors", "trafficking_victims"} <= {i["code"] for i in listing}
    schema = statistician.get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/statistics/indicators/", "/api/v1/statistics/indicators/{code}/"} <= set(schema["paths"])


def test_dashboard_query_count_is_fixed(statistician: Any) -> None:
    year = _year()
    statistician.get(f"/statistics/?year={year}")
    with CaptureQueriesContext(connection) as first:
        statistician.get(f"/statistics/?year={year}")
    governorate = Governorate.objects.filter(country__code="bh").first()
    assert governorate is not None
    with CaptureQueriesContext(connection) as filtered:
        statistician.get(f"/statistics/?year={year}&governorate={governorate.pk}&quarter=2")
    # Labels read once, every count, median and share from the pre-aggregated table (a stale check and
    # one read; the year's unique survivors one more): a filter or more rows add none.
    assert len(first) == len(filtered)
    assert len(first) == 32
