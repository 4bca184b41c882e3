from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanad.access.policy import Denied
from sanad.audit.models import AuditEvent
from sanad.courts import selectors, services
from sanad.courts.compliance_pdf import export_compliance_report
from sanad.courts.models import (
    ComplianceReport,
    CourtOrder,
    FundStatus,
    OrderBreach,
    OrderStatus,
    Payment,
    SessionStatus,
    VisitSession,
)
from sanad.courts.tests.conftest import (
    NARRATIVE,
    World,
    alimony_input,
    approved_alimony,
    protection_input,
    today,
    visitation,
    visitation_input,
)
from sanad.notices.models import Notice, NoticeKind
from sanad.referrals.models import ReferralStatus
from sanad.referrals.scope import consented_scope

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607


def test_a_visitation_ruling_becomes_sessions_at_the_centre_and_a_referral_sharing_nothing_of_the_case(
    world: World,
) -> None:
    order = visitation(world)
    assert order.status == OrderStatus.IN_FORCE
    sessions = list(order.sessions.all())
    assert len(sessions) == 13 and all(s.on.weekday() == order.weekday for s in sessions)
    assert sessions[0].on == order.starts_on and sessions[-1].on <= order.ends_on
    link = order.link_referral
    assert link is not None and link.to_unit_id == world.centre.pk and link.from_unit_id == world.sharia.pk
    assert link.legal_ground is not None and link.legal_ground.code == "court_order"
    assert link.acknowledge_due is not None  # the social centres' response standard applies
    # The work lasts as long as the ruling: completion is due after its last session, not in 60 days.
    assert link.complete_due is not None and timezone.localtime(link.complete_due).date() == sessions[-1].on
    scope = consented_scope(link)
    assert scope.basis == "legal_ground" and scope.fields == frozenset()
    assert Notice.objects.filter(unit=world.centre, kind=NoticeKind.REFERRAL_RECEIVED).count() == 1
    assert Notice.objects.filter(unit=world.fpo, kind=NoticeKind.COURT_ORDER_CHANGED).count() == 1
    assert list(order.events.values_list("event", flat=True)) == ["issued"]
    assert AuditEvent.objects.filter(action="court.order.create", object_id=str(order.pk)).exists()


def test_an_order_ending_before_it_starts_is_refused_with_the_reason_and_nothing_saved(world: World) -> None:
    data = visitation_input(world, ends_on=today() - dt.timedelta(days=30), child_id=world.fpo.pk + 10_000)
    with pytest.raises(ValidationError) as caught:
        services.order_record(actor=world.clerk, case=world.case, data=data)
    errors = caught.value.message_dict
    assert "لا يمكن أن ينتهي الأمر قبل أن يبدأ" in errors["ends_on"][0]
    assert errors["child"] == ["اختر شخصاً من أشخاص هذه الحالة."]
    assert not CourtOrder.objects.exists() and not VisitSession.objects.exists()


def test_overlapping_schedules_for_one_child_are_flagged_not_refused(world: World) -> None:
    first = visitation(world)
    second = visitation(world, centre_unit_id=world.other_centre.pk, reference="2026/99")
    assert second.overlaps_with == [first.pk]
    assert "overlap_flagged" in list(second.events.values_list("event", flat=True))
    third = visitation(world, reference="2026/100", session_start=dt.time(9, 0), session_end=dt.time(10, 0))
    assert third.overlaps_with == []


def test_centre_records_sessions_outside_the_schedule_refused_two_missed_send_a_report_to_the_court(
    world: World,
) -> None:
    order = visitation(world)
    first, second, third = order.sessions.all()[:3]
    with pytest.raises(ValidationError) as caught:
        services.session_record(
            actor=world.centre_officer, order=order, on=first.on + dt.timedelta(days=1), status="held"
        )
    assert "لا توجد جلسة مجدولة في" in caught.value.message_dict["on"][0]
    services.session_record(
        actor=world.centre_officer, order=order, on=first.on, status="held", wellbeing="الطفل مرتاح ويلعب"
    )
    link = order.link_referral
    assert link is not None
    link.refresh_from_db()
    # Recording the first session answered the referral: the response standard is met.
    assert link.status == ReferralStatus.IN_PROGRESS and link.acknowledged_at and link.first_contact_at
    with pytest.raises(ValidationError) as caught:
        services.session_record(actor=world.centre_officer, order=order, on=second.on, status="visitor_absent")
    assert "reported_by" in caught.value.message_dict
    services.session_record(
        actor=world.centre_officer, order=order, on=second.on, status="visitor_absent", reported_by="centre_staff"
    )
    assert not ComplianceReport.objects.exists()
    services.session_record(
        actor=world.centre_officer,
        order=order,
        on=third.on,
        status="child_not_brought",
        reported_by="visiting_parent",
        note="انتظر الأب ساعتين",
    )
    report = ComplianceReport.objects.get(order=order)
    assert (report.held, report.visitor_absent, report.child_not_brought, report.trigger) == (1, 1, 1, "repeated")
    notice = Notice.objects.get(unit=world.sharia, kind=NoticeKind.COURT_COMPLIANCE_REPORT)
    assert notice.params["missed"] == "2"
    text = pdf_text(export_compliance_report(actor=world.clerk, report=report, language="ar"))
    assert "CR-" in text and "سلمان" in text and "انتظر الأب ساعتين" in text
    assert NARRATIVE not in text
    with pytest.raises(Denied):
        export_compliance_report(actor=world.fund_officer, report=report, language="ar")


def test_a_future_session_can_only_be_cancelled(world: World) -> None:
    order = visitation(world)
    future = order.sessions.filter(on__gt=today()).first()
    assert future is not None
    with pytest.raises(ValidationError):
        services.session_record(actor=world.centre_officer, order=order, on=future.on, status="held")
    services.session_record(actor=world.centre_officer, order=order, on=future.on, status="cancelled")
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED


def test_execution_court_refers_unpaid_judgment_fund_approves_and_pays_two_months(world: World) -> None:
    order = services.order_record(actor=world.exec_clerk, case=world.case, data=alimony_input(world))
    order = services.order_refer_to_fund(actor=world.exec_clerk, order=order, fund_unit_id=world.fund.pk)
    assert order.fund_status == FundStatus.PENDING
    # An alimony obligation without an end is never "late to complete"; acknowledging keeps its standard.
    assert order.link_referral is not None
    assert order.link_referral.complete_due is None and order.link_referral.acknowledge_due is not None
    assert Notice.objects.filter(unit=world.fund, kind=NoticeKind.REFERRAL_RECEIVED).count() == 1
    # The fund sees payment details, never the violence narrative.
    view = selectors.order_view(
        actor=world.fund_officer, order=selectors.order_get(actor=world.fund_officer, pk=order.pk)
    )
    assert view["obligor"] == "جاسم العلوي" and view["amount"] == "150.000"
    assert sorted(view["beneficiaries"]) == ["سلمان العلوي", "مريم العلوي"]
    assert NARRATIVE not in str(view) and view["link"]["case_fields_shared"] == []
    order = services.fund_decide(actor=world.fund_officer, order=order, approve=True)
    assert order.fund_status == FundStatus.APPROVED
    assert order.link_referral is not None
    order.link_referral.refresh_from_db()
    assert order.link_referral.status == ReferralStatus.IN_PROGRESS
    # The court hears of each step without calling anyone.
    assert Notice.objects.filter(unit=world.execution, kind=NoticeKind.REFERRAL_CHANGED).exists()
    first, second = services.payment_due_dates(order, until=today())[:2]
    services.payment_record(actor=world.fund_officer, order=order, due_on=first, paid_on=first, amount=Decimal("150"))
    services.payment_record(
        actor=world.fund_officer,
        order=order,
        due_on=second,
        paid_on=second + dt.timedelta(days=4),
        amount=Decimal("150"),
    )
    assert [p.delay_days for p in Payment.objects.filter(order=order)] == [0, 4]
    with pytest.raises(ValidationError) as caught:
        services.payment_record(
            actor=world.fund_officer,
            order=order,
            due_on=first + dt.timedelta(days=3),
            paid_on=today(),
            amount=Decimal("1"),
        )
    assert "لا يستحق بموجب الحكم أي دفع" in caught.value.message_dict["due_on"][0]


def test_a_payment_above_the_judgment_needs_a_recorded_variation(world: World) -> None:
    order = approved_alimony(world)
    due = services.payment_due_dates(order, until=today())[0]
    with pytest.raises(ValidationError) as caught:
        services.payment_record(
            actor=world.fund_officer, order=order, due_on=due, paid_on=today(), amount=Decimal("200")
        )
    assert "تسجيل تعديل المحكمة" in caught.value.message_dict["amount"][0]
    assert not Payment.objects.exists()
    order = services.order_vary(
        actor=world.exec_clerk, order=order, varied_on=today(), amount=Decimal("200"), note="زيادة النفقة"
    )
    assert order.status == OrderStatus.VARIED
    services.payment_record(actor=world.fund_officer, order=order, due_on=due, paid_on=today(), amount=Decimal("200"))
    order = services.order_vary(
        actor=world.exec_clerk, order=order, varied_on=today(), amount=Decimal("0"), note="إيقاف"
    )
    assert order.fund_status == FundStatus.STOPPED
    with pytest.raises(ValidationError):
        services.payment_record(
            actor=world.fund_officer,
            order=order,
            due_on=services.payment_due_dates(order, until=today())[1],
            paid_on=today(),
            amount=Decimal("1"),
        )
    services.recovery_record(actor=world.fund_officer, order=order, recovered_on=today(), amount=Decimal("350"))
    assert order.recoveries.count() == 1


def test_the_fund_rejects_with_a_reason_and_the_referral_is_declined(world: World) -> None:
    order = services.order_record(actor=world.exec_clerk, case=world.case, data=alimony_input(world))
    order = services.order_refer_to_fund(actor=world.exec_clerk, order=order, fund_unit_id=world.fund.pk)
    with pytest.raises(ValidationError):
        services.fund_decide(actor=world.fund_officer, order=order, approve=False, reason=" ")
    order = services.fund_decide(actor=world.fund_officer, order=order, approve=False, reason="المحكوم له لا يستحق")
    assert order.fund_status == FundStatus.REJECTED
    assert order.link_referral is not None
    order.link_referral.refresh_from_db()
    assert order.link_referral.status == ReferralStatus.DECLINED


def test_a_breach_reaches_the_court_the_prosecution_and_the_case_owner_at_once(world: World) -> None:
    order = services.order_record(actor=world.clerk, case=world.case, data=protection_input(world))
    with pytest.raises(ValidationError) as caught:
        services.breach_report(
            actor=world.intake, order=order, occurred_at=timezone.now() - dt.timedelta(days=30), account="x"
        )
    assert caught.value.message_dict["occurred_at"] == ["لم يكن الأمر نافذاً في ذلك الوقت."]
    breach = services.breach_report(
        actor=world.intake, order=order, occurred_at=timezone.now() - dt.timedelta(hours=2), account="اقترب من منزلها"
    )
    assert breach.source == "police"
    told = set(Notice.objects.filter(kind=NoticeKind.COURT_ORDER_BREACH).values_list("unit_id", flat=True))
    assert told == {world.sharia.pk, world.prosecution.pk, world.fpo.pk}
    assert "اقترب" not in str(
        Notice.objects.filter(kind=NoticeKind.COURT_ORDER_BREACH).values_list("params", flat=True)
    )
    # The prosecution sees the country's protection orders and the breach.
    seen = selectors.order_view(actor=world.prosecutor, order=selectors.order_get(actor=world.prosecutor, pk=order.pk))
    assert seen["breaches"][0]["account"] == "اقترب من منزلها"
    assert OrderBreach.objects.count() == 1


def test_revoking_stops_the_fund_and_calls_off_coming_sessions(world: World) -> None:
    ruling = visitation(world)
    services.order_revoke(actor=world.clerk, order=ruling, reason="اتفاق الطرفين")
    assert not ruling.sessions.filter(on__gte=today(), status=SessionStatus.SCHEDULED).exists()
    assert ruling.link_referral is not None
    ruling.link_referral.refresh_from_db()
    assert ruling.link_referral.status == ReferralStatus.WITHDRAWN
    order = approved_alimony(world)
    order = services.order_revoke(actor=world.exec_clerk, order=order, reason="إلغاء الحكم")
    assert order.status == OrderStatus.REVOKED and order.fund_status == FundStatus.STOPPED
    with pytest.raises(ValidationError):
        services.order_vary(actor=world.exec_clerk, order=order, varied_on=today(), amount=Decimal("1"), note="x")
