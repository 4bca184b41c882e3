from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanad.courts.models import CourtOrder, SessionStatus
from sanad.courts.tests.conftest import NARRATIVE, World, approved_alimony, today, visitation
from sanad.referrals.tests.test_scope import signed_in

pytestmark = pytest.mark.django_db


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    start = today() - dt.timedelta(days=14)
    values: dict[str, Any] = {
        "reference": "2026/321",
        "issued_on": start.isoformat(),
        "starts_on": start.isoformat(),
        "ends_on": (start - dt.timedelta(days=1)).isoformat(),
        "child": world.child.pk,
        "custodial_parent": world.mother.pk,
        "visiting_parent": world.father.pk,
        "centre_unit": world.centre.pk,
        "supervised": "on",
        "weekday": start.weekday(),
        "session_start": "16:00",
        "session_end": "18:00",
        "session_frequency": "weekly",
    }
    values.update(overrides)
    return values


def test_clerk_records_a_ruling_on_the_page_an_end_before_the_start_is_refused_by_its_field(world: World) -> None:
    client = signed_in(world.clerk)
    home = client.get("/courts/").content.decode()
    assert world.case.number in home and 'data-testid="new-visitation"' in home
    url = f"/courts/cases/{world.case.pk}/new/visitation/"
    refused = client.post(url, _form(world))
    page = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="error-ends_on"' in page
    assert "2026/321" in page  # what was typed is kept
    assert not CourtOrder.objects.exists()
    done = client.post(url, _form(world, ends_on=(today() + dt.timedelta(days=60)).isoformat()))
    assert done.status_code == 302
    order = CourtOrder.objects.get()
    detail = client.get(done["Location"]).content.decode()
    assert 'data-testid="session-row"' in detail and NARRATIVE not in detail
    # Another court's clerk, or a clerk of a case not referred to it, gets nothing.
    assert signed_in(world.prosecutor).get(f"/courts/{order.pk}/").status_code == 404
    assert signed_in(world.prosecutor).get(url).status_code == 404


def test_centre_records_missed_sessions_on_the_page_and_the_court_gets_the_report(world: World) -> None:
    order = visitation(world)
    client = signed_in(world.centre_officer)
    first, second = order.sessions.all()[:2]
    wrong = client.post(
        f"/courts/{order.pk}/session/",
        {"version": order.row_version, "on": (first.on + dt.timedelta(days=2)).isoformat(), "status": "held"},
    )
    assert wrong.status_code == 400 and 'data-testid="error-on"' in wrong.content.decode()
    for session in (first, second):
        order.refresh_from_db()
        response = client.post(
            f"/courts/{order.pk}/session/",
            {
                "version": order.row_version,
                "on": session.on.isoformat(),
                "status": "child_not_brought",
                "reported_by": "visiting_parent",
            },
        )
        assert response.status_code == 302
    assert order.sessions.filter(status=SessionStatus.CHILD_NOT_BROUGHT).count() == 2
    court = signed_in(world.clerk)
    page = court.get(f"/courts/{order.pk}/").content.decode()
    assert 'data-testid="compliance-pdf"' in page
    report = order.compliance_reports.get()
    pdf = court.get(f"/courts/reports/{report.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_order_list_reads_a_fixed_number_of_queries(world: World, django_assert_num_queries: Any) -> None:
    client = signed_in(world.exec_clerk)
    approved_alimony(world)
    client.get("/courts/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/courts/").status_code == 200
    approved_alimony(world)
    approved_alimony(world)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/courts/").content.decode()
    assert page.count('data-testid="order-row"') == 3
    assert len(three.captured_queries) == len(one.captured_queries)
    # Pinned: the same whatever the number of orders (courts, cases and links come with the orders).
    with django_assert_num_queries(8):
        client.get("/courts/")


def test_the_fund_page_shows_payment_details_only(world: World) -> None:
    order = approved_alimony(world)
    page = signed_in(world.fund_officer).get(f"/courts/{order.pk}/").content.decode()
    assert "جاسم العلوي" in page and "150.000" in page and 'data-testid="payment-form"' in page
    assert NARRATIVE not in page


def test_api_breach_and_revocation_need_the_current_version(world: World) -> None:
    from sanad.courts import services
    from sanad.courts.tests.conftest import protection_input

    order = services.order_record(actor=world.clerk, case=world.case, data=protection_input(world))
    police = signed_in(world.intake)
    url = f"/api/v1/court-orders/{order.pk}/breaches/"
    body = {"occurred_at": (dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=1)).isoformat(), "account": "اقترب منها"}
    assert police.post(url, body, content_type="application/json").status_code == 428
    reported = police.post(url, body, content_type="application/json", headers={"If-Match": '"1"'})
    assert reported.status_code == 201 and reported.json()["breaches"][0]["source"] == "police"
    clerk = signed_in(world.clerk)
    stale = clerk.post(
        f"/api/v1/court-orders/{order.pk}/revoke/",
        {"reason": "x"},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    revoked = clerk.post(
        f"/api/v1/court-orders/{order.pk}/revoke/",
        {"reason": "x"},
        content_type="application/json",
        headers={"If-Match": '"2"'},
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    # The fund may not report a breach (403 on an order it cannot even see: 404).
    assert (
        signed_in(world.fund_officer)
        .post(url, body, content_type="application/json", headers={"If-Match": '"3"'})
        .status_code
        == 404
    )
