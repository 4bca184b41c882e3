from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sanad.courts import facts, services
from sanad.courts.models import OrderStatus, Reminder
from sanad.courts.reminders import run
from sanad.courts.tasks import court_reminders
from sanad.courts.tests.conftest import NARRATIVE, World, approved_alimony, protection_input, today, visitation
from sanad.notices.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


def test_reminders_before_expiry_and_before_a_session_are_sent_exactly_once(world: World) -> None:
    protection = services.order_record(
        actor=world.clerk, case=world.case, data=protection_input(world, ends_on=today() + dt.timedelta(days=3))
    )
    ruling = visitation(world, starts_on=today(), weekday=today().weekday(), ends_on=today() + dt.timedelta(weeks=4))
    first = run(now=timezone.now())
    assert first.reminders == 2
    second = run(now=timezone.now())
    court_reminders()
    assert second.reminders == 0
    expiring = Notice.objects.filter(kind=NoticeKind.COURT_ORDER_EXPIRING)
    assert set(expiring.values_list("unit_id", flat=True)) == {world.sharia.pk, world.fpo.pk}
    assert expiring.first().object_id == str(protection.pk)  # type: ignore[union-attr]
    soon = Notice.objects.filter(kind=NoticeKind.COURT_SESSION_SOON)
    assert set(soon.values_list("unit_id", flat=True)) == {world.centre.pk, world.fpo.pk}
    assert soon.first().object_id == str(ruling.pk)  # type: ignore[union-attr]
    assert Reminder.objects.count() == 2
    # A variation moving the end sends a new reminder for the new date, once.
    services.order_vary(
        actor=world.clerk, order=protection, varied_on=today(), note="تمديد", ends_on=today() + dt.timedelta(days=5)
    )
    assert run(now=timezone.now()).reminders == 1


def test_a_variation_moves_the_link_completion_to_the_new_end(world: World) -> None:
    ruling = visitation(world)
    new_end = ruling.starts_on + dt.timedelta(weeks=20)
    services.order_vary(actor=world.clerk, order=ruling, varied_on=today(), note="تمديد الرؤية", ends_on=new_end)
    assert ruling.sessions.count() == 21
    link = ruling.link_referral
    assert link is not None
    link.refresh_from_db()
    assert link.complete_due is not None and timezone.localtime(link.complete_due).date() == new_end
    assert link.events.filter(event="completion_due_changed").count() == 1


def test_orders_take_effect_and_expire_on_their_dates(world: World) -> None:
    order = services.order_record(
        actor=world.clerk,
        case=world.case,
        data=protection_input(world, starts_on=today() + dt.timedelta(days=1), ends_on=today() + dt.timedelta(days=2)),
    )
    assert order.status == OrderStatus.ISSUED
    run(now=timezone.now() + dt.timedelta(days=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_FORCE
    run(now=timezone.now() + dt.timedelta(days=3))
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert list(order.events.values_list("event", flat=True)) == ["issued", "in_force", "expired"]


def test_facts_are_aggregates_without_names_or_narratives(world: World) -> None:
    ruling = visitation(world)
    days = [s.on for s in ruling.sessions.all()[:3]]
    services.session_record(actor=world.centre_officer, order=ruling, on=days[0], status="held")
    services.session_record(
        actor=world.centre_officer, order=ruling, on=days[1], status="visitor_absent", reported_by="centre_staff"
    )
    order = approved_alimony(world)
    due = services.payment_due_dates(order, until=today())
    services.payment_record(actor=world.fund_officer, order=order, due_on=due[0], paid_on=due[0], amount=Decimal("150"))
    services.payment_record(
        actor=world.fund_officer,
        order=order,
        due_on=due[1],
        paid_on=due[1] + dt.timedelta(days=6),
        amount=Decimal("150"),
    )
    protection = services.order_record(actor=world.clerk, case=world.case, data=protection_input(world))
    services.breach_report(
        actor=world.intake, order=protection, occurred_at=timezone.now() - dt.timedelta(hours=1), account="اقترب منها"
    )
    start, end = today() - dt.timedelta(days=400), today() + dt.timedelta(days=400)
    issued = facts.orders_issued(country_id=world.country.pk, start=start, end=end)
    assert sum(r["orders"] for r in issued) == 3
    assert {r["order_type"] for r in issued} == {"visitation", "alimony", "protection"}
    assert facts.breaches(country_id=world.country.pk, start=start, end=end)[0]["source"] == "police"
    sessions = facts.sessions(country_id=world.country.pk, start=start, end=end)
    assert sum(r["due"] for r in sessions) == ruling.sessions.count()
    assert sum(r["held"] for r in sessions) == 1 and sum(r["visitor_absent"] for r in sessions) == 1
    paid = facts.payments(country_id=world.country.pk, start=start, end=end)
    assert sum(r["payments"] for r in paid) == 2 and sum(r["late"] for r in paid) == 1
    everything = str([issued, sessions, paid, facts.breaches(country_id=world.country.pk, start=start, end=end)])
    for secret in ("العلوي", NARRATIVE, "اقترب", world.case.number):
        assert secret not in everything
