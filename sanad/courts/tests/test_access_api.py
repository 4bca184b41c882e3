from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import Denied, can
from sanad.courts import selectors, services
from sanad.courts.models import ComplianceReport, CourtOrder, OrderBreach, OrderEvent, Payment, VisitSession
from sanad.courts.tests.conftest import (
    NARRATIVE,
    World,
    alimony_input,
    approved_alimony,
    make_actor,
    protection_input,
    today,
    visitation,
)
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.referrals.tests.test_scope import signed_in

pytestmark = pytest.mark.django_db

ROLES = [
    Role.COURT_CLERK,
    Role.SOCIAL_CENTRE_OFFICER,
    Role.ALIMONY_OFFICER,
    Role.INTAKE_OFFICER,
    Role.CASE_WORKER,
    Role.SUPERVISOR,
    Role.EXAMINER,
    Role.STATISTICIAN,
    Role.NATIONAL_ADMIN,
]


def _state() -> tuple[Any, ...]:
    return (
        list(CourtOrder.objects.order_by("pk").values_list("pk", "status", "row_version", "fund_status", "amount")),
        OrderEvent.objects.count(),
        list(VisitSession.objects.order_by("pk").values_list("status", flat=True)),
        Payment.objects.count(),
        OrderBreach.objects.count(),
        ComplianceReport.objects.count(),
    )


def test_authorization_matrix_roles_by_institutions_nothing_changes_on_denial(world: World) -> None:
    ruling = visitation(world)
    alimony = approved_alimony(world)
    protection = services.order_record(actor=world.clerk, case=world.case, data=protection_input(world))
    session_day = ruling.sessions.first().on  # type: ignore[union-attr]
    due = services.payment_due_dates(alimony, until=today())[0]
    units: dict[str, Unit] = {
        "fpo": world.fpo,
        "sharia": world.sharia,
        "execution": world.execution,
        "centre": world.centre,
        "other_centre": world.other_centre,
        "fund": world.fund,
        "prosecution": world.prosecution,
    }
    attempts: dict[str, tuple[Callable[[Actor], object], set[tuple[str, str]]]] = {
        "create": (
            lambda a: services.order_record(actor=a, case=world.case, data=protection_input(world)),
            {(Role.COURT_CLERK, "sharia"), (Role.COURT_CLERK, "execution")},
        ),
        "vary": (
            lambda a: services.order_vary(actor=a, order=ruling, varied_on=today(), note="x", ends_on=ruling.ends_on),
            {(Role.COURT_CLERK, "sharia")},
        ),
        "revoke": (
            lambda a: services.order_revoke(actor=a, order=protection, reason="x"),
            {(Role.COURT_CLERK, "sharia")},
        ),
        "session": (
            lambda a: services.session_record(actor=a, order=ruling, on=session_day, status="held"),
            {(Role.SOCIAL_CENTRE_OFFICER, "centre")},
        ),
        "pay": (
            lambda a: services.payment_record(actor=a, order=alimony, due_on=due, paid_on=due, amount=Decimal("1")),
            {(Role.ALIMONY_OFFICER, "fund")},
        ),
        "breach": (
            lambda a: services.breach_report(
                actor=a, order=protection, occurred_at=dt.datetime.now(tz=dt.UTC), account="x"
            ),
            {
                (Role.INTAKE_OFFICER, "fpo"),
                (Role.CASE_WORKER, "fpo"),
                (Role.SUPERVISOR, "fpo"),
                (Role.SOCIAL_CENTRE_OFFICER, "centre"),
            },
        ),
    }
    alimony_readers = {
        (Role.COURT_CLERK, "execution"),
        (Role.ALIMONY_OFFICER, "fund"),
        (Role.INTAKE_OFFICER, "fpo"),
        (Role.CASE_WORKER, "fpo"),
        (Role.SUPERVISOR, "fpo"),
    }
    checked = 0
    for role in ROLES:
        for where, unit in units.items():
            actor = make_actor(role, unit)
            reads = (role, where) in alimony_readers
            assert can(actor, "court.order.view", alimony) is reads, (role, where)
            if not reads:
                with pytest.raises(Http404):
                    selectors.order_get(actor=actor, pk=alimony.pk)
            for name, (attempt, allowed) in attempts.items():
                obj = {"create": world.case, "vary": ruling, "revoke": protection, "session": ruling}.get(name)
                action = {
                    "create": "court.order.create",
                    "vary": "court.order.change",
                    "revoke": "court.order.change",
                    "session": "court.session.record",
                    "pay": "court.fund.act",
                    "breach": "court.breach.report",
                }[name]
                target = obj if obj is not None else (alimony if name == "pay" else protection)
                expected = (role, where) in allowed
                assert can(actor, action, target) is expected, (name, role, where)
                if not expected:
                    before = _state()
                    with pytest.raises(Denied):
                        attempt(actor)
                    assert _state() == before, (name, role, where)
                    checked += 1
    assert checked > 300


def put(client: Any, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def test_api_every_action_versioned_idempotent_and_scoped(world: World) -> None:
    clerk = signed_in(world.exec_clerk)
    cases = clerk.get("/api/v1/court-orders/cases/").json()
    assert [c["number"] for c in cases] == [world.case.number]
    assert {p["name"] for p in cases[0]["persons"]} == {"مريم العلوي", "جاسم العلوي", "سلمان العلوي"}
    body = {
        "case": world.case.pk,
        "order_type": "alimony",
        "reference": "2026/77",
        "issued_on": "2026-01-01",
        "starts_on": "2026-01-01",
        "ends_on": "2025-12-01",
        "obligor": world.father.pk,
        "beneficiaries": [world.mother.pk],
        "amount": "150.000",
        "payment_frequency": "monthly",
    }
    refused = put(clerk, "/api/v1/court-orders/", body)
    assert refused.status_code == 400 and "ends_on" in refused.json()
    assert not CourtOrder.objects.exists()
    data = alimony_input(world)
    body.update(
        issued_on=data.issued_on.isoformat(),
        starts_on=data.starts_on.isoformat(),
        ends_on=None,  # type: ignore[union-attr]
    )
    created = put(clerk, "/api/v1/court-orders/", body, **{"Idempotency-Key": "co-1"})
    assert created.status_code == 201 and created["ETag"] == '"1"', created.content
    again = put(clerk, "/api/v1/court-orders/", body, **{"Idempotency-Key": "co-1"})
    assert again["Idempotent-Replayed"] == "true" and CourtOrder.objects.count() == 1
    pk = created.json()["id"]
    assert put(clerk, f"/api/v1/court-orders/{pk}/refer-to-fund/", {"fund_unit": world.fund.pk}).status_code == 428
    referred = put(
        clerk, f"/api/v1/court-orders/{pk}/refer-to-fund/", {"fund_unit": world.fund.pk}, **{"If-Match": '"1"'}
    )
    assert referred.status_code == 200 and referred.json()["fund_status"] == "pending"
    fund = signed_in(world.fund_officer)
    seen = fund.get(f"/api/v1/court-orders/{pk}/")
    assert seen.status_code == 200 and NARRATIVE not in seen.content.decode()
    version = seen["ETag"]
    stale = put(fund, f"/api/v1/court-orders/{pk}/decide/", {"approve": True}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    approved = put(fund, f"/api/v1/court-orders/{pk}/decide/", {"approve": True}, **{"If-Match": version})
    assert approved.status_code == 200 and approved.json()["fund_status"] == "approved"
    due = data.starts_on.isoformat()  # type: ignore[union-attr]
    over = put(
        fund,
        f"/api/v1/court-orders/{pk}/payments/",
        {"due_on": due, "paid_on": due, "amount": "151.000"},
        **{"If-Match": approved["ETag"]},
    )
    assert over.status_code == 400 and "amount" in over.json()
    paid = put(
        fund,
        f"/api/v1/court-orders/{pk}/payments/",
        {"due_on": due, "paid_on": due, "amount": "150.000"},
        **{"If-Match": approved["ETag"], "Idempotency-Key": "pay-1"},
    )
    assert paid.status_code == 201 and paid.json()["payments"][0]["delay_days"] == 0
    # The court sees the status without calling anyone.
    status = clerk.get(f"/api/v1/court-orders/{pk}/").json()
    assert status["fund_status"] == "approved" and len(status["payments"]) == 1
    assert status["link"]["status"] == "in_progress"
    # Others: 404 alike for missing and forbidden.
    centre = signed_in(world.centre_officer)
    assert centre.get(f"/api/v1/court-orders/{pk}/").status_code == 404
    assert centre.get("/api/v1/court-orders/").json() == []


def test_api_sessions_and_the_compliance_report_pdf(world: World) -> None:
    order = visitation(world)
    centre = signed_in(world.centre_officer)
    days = [s.on.isoformat() for s in order.sessions.all()[:2]]
    version = centre.get(f"/api/v1/court-orders/{order.pk}/")["ETag"]
    wrong = put(
        centre,
        f"/api/v1/court-orders/{order.pk}/sessions/",
        {"on": "2020-01-01", "status": "held"},
        **{"If-Match": version},
    )
    assert wrong.status_code == 400 and "لا توجد جلسة مجدولة" in wrong.json()["on"][0]
    for day in days:
        done = put(
            centre,
            f"/api/v1/court-orders/{order.pk}/sessions/",
            {"on": day, "status": "visitor_absent", "reported_by": "centre_staff"},
            **{"If-Match": version},
        )
        assert done.status_code == 200, done.content
        version = done["ETag"]
    reports = done.json()["compliance_reports"]
    assert len(reports) == 1 and reports[0]["visitor_absent"] == 2
    court = signed_in(world.clerk)
    pdf = court.get(f"/api/v1/compliance-reports/{reports[0]['id']}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert signed_in(world.fund_officer).get(f"/api/v1/compliance-reports/{reports[0]['id']}.pdf").status_code == 404
