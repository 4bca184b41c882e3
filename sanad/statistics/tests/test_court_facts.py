"""Court orders in the statistics: their facts follow an order's changes through the queue and the
refresh job (and a full rebuild gives the same rows); the court indicators are computed by hand from
the court records of a small dataset and compared; the facts hold nothing that identifies anyone."""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sanad.cases.tests.conftest import country, report_input, v1  # noqa: F401 - fixtures of the world
from sanad.courts import services
from sanad.courts.models import CourtOrder, OrderBreach, Payment, VisitSession
from sanad.courts.tests.conftest import (
    NARRATIVE,
    World,
    approved_alimony,
    protection_input,
    today,
    visitation,
    world,  # noqa: F401 - fixture
)
from sanad.statistics.facts import drain
from sanad.statistics.indicators import compute
from sanad.statistics.models import CourtEventFact, CourtOrderFact, QueuedChange, StatisticsSettings
from sanad.statistics.tasks import refresh_statistics

pytestmark = pytest.mark.django_db

ALL = {"period_start": dt.date(2000, 1, 1), "period_end": dt.date(2100, 12, 31)}


def _order_fact(order: CourtOrder) -> CourtOrderFact:
    return CourtOrderFact.objects.get(court_order_id=order.pk)


def test_an_orders_changes_reach_its_facts_through_the_queue(world: World) -> None:  # noqa: F811
    QueuedChange.objects.all().delete()
    ruling = visitation(world)
    assert QueuedChange.objects.filter(kind="court_order", source_id=ruling.pk).exists()
    assert refresh_statistics(reason="test") > 0
    assert not QueuedChange.objects.exists()
    fact = _order_fact(ruling)
    assert (fact.order_type, fact.status) == ("visitation", ruling.status)
    assert fact.month == ruling.issued_on.replace(day=1)
    assert fact.institution_id == world.sharia.institution_id
    assert fact.sessions_scheduled == ruling.sessions.count() > 0
    assert (fact.sessions_held, fact.sessions_missed) == (0, 0)
    sessions = CourtEventFact.objects.filter(court_order_id=ruling.pk, event="session")
    assert sessions.count() == ruling.sessions.count()
    assert set(sessions.values_list("institution_id", flat=True)) == {world.centre.institution_id}

    # The centre records two sessions: the queue carries the order, the job its new counts.
    days = [s.on for s in ruling.sessions.all()[:2]]
    services.session_record(actor=world.centre_officer, order=ruling, on=days[0], status="held")
    services.session_record(
        actor=world.centre_officer, order=ruling, on=days[1], status="child_not_brought", reported_by="centre_staff"
    )
    assert set(QueuedChange.objects.values_list("kind", "source_id")) >= {("court_order", ruling.pk)}
    drain()
    fact = _order_fact(ruling)
    assert (fact.sessions_held, fact.sessions_missed) == (1, 1)
    assert sessions.get(month=days[0].replace(day=1), session_status="held", held=True) is not None

    # A revocation changes the status; the fact follows.
    services.order_revoke(actor=world.clerk, order=ruling, reason="صلح بين الطرفين")
    drain()
    ruling.refresh_from_db()
    assert _order_fact(ruling).status == ruling.status == "revoked"

    # Payments and a breach, on other orders.
    alimony = approved_alimony(world)
    due = services.payment_due_dates(alimony, until=today())
    services.payment_record(
        actor=world.fund_officer, order=alimony, due_on=due[0], paid_on=due[0] + dt.timedelta(days=4),
        amount=Decimal("150"),
    )
    protection = services.order_record(actor=world.clerk, case=world.case, data=protection_input(world))
    services.breach_report(
        actor=world.intake, order=protection, occurred_at=timezone.now() - dt.timedelta(hours=1), account="اقترب منها"
    )
    assert refresh_statistics(reason="test") > 0
    fact = _order_fact(alimony)
    assert (fact.payments, fact.payments_amount, fact.payment_delay_median) == (1, Decimal("150"), 4.0)
    payment = CourtEventFact.objects.get(court_order_id=alimony.pk, event="payment")
    assert (payment.delay_days, payment.month) == (4, (due[0] + dt.timedelta(days=4)).replace(day=1))
    assert _order_fact(protection).breaches == 1
    assert CourtEventFact.objects.get(court_order_id=protection.pk, event="breach").breach_source == "police"

    # A full rebuild gives exactly the rows the incremental refresh kept.
    def rows() -> tuple[list[Any], list[Any]]:
        orders = list(CourtOrderFact.objects.order_by("pk").values())
        events = sorted(
            tuple(sorted((k, str(v)) for k, v in e.items() if k != "id")) for e in CourtEventFact.objects.values()
        )
        return orders, events

    before = rows()
    call_command("rebuild_statistics")
    assert rows() == before
    # Deleting a session (raw SQL, no signal) is queued by the trigger too.
    scheduled = _order_fact(ruling).sessions_scheduled
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM courts_visitsession WHERE order_id = %s AND status = 'cancelled'", [ruling.pk])
    drain()
    assert _order_fact(ruling).sessions_scheduled == ruling.sessions.count() < scheduled


@pytest.fixture
def dataset(world: World) -> World:  # noqa: F811
    """Two visitation rulings (one at each centre), two approved alimony judgments with payments late
    by 0, 3, 10 and 0 days, two protection orders with three breaches; nothing suppressed."""
    StatisticsSettings.objects.update_or_create(country=world.country, defaults={"threshold": 1})
    first = visitation(world)
    second = visitation(
        world, reference="2026/99 شرعي", centre_unit_id=world.other_centre.pk, weekday=(today().weekday() + 2) % 7,
    )
    outcomes = ["held", "held", "visitor_absent", "cancelled"]
    for order, statuses in ((first, outcomes), (second, ["held", "child_not_brought"])):
        for session, status in zip(order.sessions.all(), statuses, strict=False):
            officer = world.centre_officer
            if order.centre_unit_id == world.other_centre.pk:
                from sanad.courts.tests.conftest import make_actor
                from sanad.institutions.roles import Role

                officer = make_actor(Role.SOCIAL_CENTRE_OFFICER, world.other_centre)
            services.session_record(
                actor=officer, order=order, on=session.on, status=status,
                reported_by="" if status == "held" else "centre_staff",
            )
    for delays in ((0, 3), (10, 0)):
        order = approved_alimony(world)
        due = services.payment_due_dates(order, until=today())
        for due_on, late in zip(due, delays, strict=False):
            services.payment_record(
                actor=world.fund_officer, order=order, due_on=due_on, paid_on=due_on + dt.timedelta(days=late),
                amount=Decimal("150"),
            )
    for n in (1, 2):
        protection = services.order_record(
            actor=world.clerk, case=world.case, data=protection_input(world, reference=f"2026/{n} حماية")
        )
        for hours in range(n):
            services.breach_report(
                actor=world.intake, order=protection, occurred_at=timezone.now() - dt.timedelta(hours=hours + 1),
                account="خرق",
            )
    drain()
    return world


def _rows(result: Any) -> dict[str, int | None]:
    return {k: c.value for k, c in zip(result.table.row_keys, result.table.row_totals, strict=True)}


def test_court_indicators_by_hand(dataset: World) -> None:
    cid = dataset.country.pk
    by_type = Counter(CourtOrder.objects.values_list("order_type", flat=True))
    assert _rows(compute("court_orders", **ALL, by=["order_type"], country_id=cid)) == dict(by_type)
    assert compute("protection_order_breaches", **ALL, country_id=cid).total.value == OrderBreach.objects.count() == 3
    statuses = Counter(VisitSession.objects.values_list("status", flat=True))
    assert _rows(compute("visitation_sessions", **ALL, by=["session_status"], country_id=cid)) == dict(statuses)
    # Held over held or missed: 3 held, 2 missed; the cancelled one and the unrecorded ones left out.
    held = compute("visitation_sessions_held", **ALL, country_id=cid).total_value
    assert held is not None and held.value == round(3 * 100 / 5, 1) and held.n.value == 5
    by_centre = compute("visitation_sessions_held", **ALL, by=["institution"], country_id=cid).values
    assert by_centre[str(dataset.centre.institution_id)].value == round(2 * 100 / 3, 1)
    assert by_centre[str(dataset.other_centre.institution_id)].value == 50.0
    payments = list(Payment.objects.all())
    assert compute("alimony_payments", **ALL, country_id=cid).total.value == len(payments) == 4
    by_month = Counter(p.paid_on.strftime("%Y-%m") for p in payments)
    assert _rows(compute("alimony_payments", **ALL, by=["month"], country_id=cid)) == dict(by_month)
    delay = compute("alimony_payment_delay", **ALL, country_id=cid).total_value
    assert delay is not None and delay.value == float(pystats.median([p.delay_days for p in payments])) == 1.5
    # A period holds what happened in it: no payment is dated before the first judgment started.
    early = compute("alimony_payments", period_start=dt.date(2000, 1, 1), period_end=dt.date(2000, 12, 31),
                    country_id=cid)
    assert early.total.value == 0


def test_court_indicators_are_suppressed_like_every_other(dataset: World) -> None:
    StatisticsSettings.objects.filter(country=dataset.country).update(threshold=5)
    breaches = compute("protection_order_breaches", **ALL, by=["breach_source"], country_id=dataset.country.pk)
    assert breaches.total.value is None and breaches.total.flag == "primary"
    delay = compute("alimony_payment_delay", **ALL, country_id=dataset.country.pk).total_value
    assert delay is not None and delay.value is None and delay.suppressed


def test_court_facts_hold_no_name_reference_case_number_or_narrative(dataset: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM statistics_courtorderfact")
        orders = cursor.fetchall()
        cursor.execute("SELECT * FROM statistics_courteventfact")
        events = cursor.fetchall()
    text = str([orders, events])
    assert orders and events
    for secret in ("العلوي", "شرعي", "حماية", "خرق", NARRATIVE, dataset.case.number):
        assert secret not in text
    columns = {f.name for m in (CourtOrderFact, CourtEventFact) for f in m._meta.get_fields()}
    assert not columns & {"reference", "case_id", "note", "account", "handover", "person_id", "survivor_key"}
