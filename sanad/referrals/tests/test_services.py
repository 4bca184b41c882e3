from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.audit.models import AuditEvent
from sanad.cases.models import Case, ServiceDelivered, TimelineEntry, TimelineKind
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.notices.models import Notice, NoticeKind
from sanad.referrals import services
from sanad.referrals.models import LegalGround, Referral, ReferralEvent, ReferralStatus, ResponseStandard
from sanad.referrals.scope import consented_scope
from sanad.referrals.tests.conftest import consent, make_actor, referral_input

pytestmark = pytest.mark.django_db


def test_send_computes_deadlines_records_both_sides_and_tells_the_receiver(
    worker: Actor, case: Case, receiver_unit: Unit, standard: ResponseStandard
) -> None:
    before = timezone.now()
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    assert referral.status == ReferralStatus.SENT
    assert referral.consent is not None and referral.consent.fields == ["contact", "identity"]
    assert before + dt.timedelta(minutes=60) <= referral.acknowledge_due <= timezone.now() + dt.timedelta(minutes=60)
    assert referral.complete_due - referral.sent_at == dt.timedelta(days=14)
    assert TimelineEntry.objects.filter(case=case, kind=TimelineKind.REFERRAL, params__event="sent").count() == 1
    assert ReferralEvent.objects.filter(referral=referral, event="sent").count() == 1
    notice = Notice.objects.get(unit=receiver_unit)
    assert notice.kind == NoticeKind.REFERRAL_RECEIVED and notice.recipient_id is None
    # Neither the notice nor the audit trail copies the reason or anything personal.
    assert "إيواء" not in str(notice.params)
    event = AuditEvent.objects.get(action="referral.send")
    assert "إيواء" not in str(event.details)


def test_refused_input_says_which_field_and_writes_nothing(worker: Actor, case: Case, receiver_unit: Unit) -> None:
    bad = referral_input(
        receiver_unit,
        urgency="soon",
        reason=" ",
        service_codes=["no_such_service"],
        shared_fields=["identity", "narrative"],
    )
    with pytest.raises(ValidationError) as caught:
        services.referral_send(actor=worker, case=case, data=bad)
    assert {"urgency", "reason", "service_codes", "shared_fields"} <= set(caught.value.message_dict)
    assert not Referral.objects.exists()
    assert not Notice.objects.exists()


def test_without_consent_only_with_the_right_on_a_pack_ground_and_the_supervisor_is_told(
    worker: Actor, case: Case, receiver_unit: Unit, sender_unit: Unit
) -> None:
    LegalGround.objects.create(country=case.country, code="child_at_risk", name_ar="طفل معرض للخطر", name_en="Child")
    supervisor = make_actor(Role.SUPERVISOR, sender_unit)
    data = referral_input(
        receiver_unit, consent=None, legal_ground_code="child_at_risk", legal_ground_reason="الطفل في خطر الليلة"
    )
    with pytest.raises(Denied):
        services.referral_send(actor=worker, case=case, data=data)
    assert not Referral.objects.exists()
    entitled = make_actor(Role.CASE_WORKER, sender_unit, may_refer_without_consent=True)
    with pytest.raises(ValidationError) as caught:
        services.referral_send(
            actor=entitled, case=case, data=referral_input(receiver_unit, consent=None, legal_ground_code="whim")
        )
    assert {"legal_ground", "legal_ground_reason"} <= set(caught.value.message_dict)
    referral = services.referral_send(actor=entitled, case=case, data=data)
    assert referral.legal_ground is not None and referral.consent is None
    told = Notice.objects.get(kind=NoticeKind.REFERRAL_WITHOUT_CONSENT)
    assert told.recipient_id == supervisor.user_id
    assert AuditEvent.objects.get(action="referral.send").reason == "الطفل في خطر الليلة"
    assert consented_scope(referral).basis == "legal_ground"


def test_only_the_unit_holding_the_case_refers_it(case: Case, receiver_unit: Unit, receiver: Actor) -> None:
    with pytest.raises(Denied):
        services.referral_send(actor=receiver, case=case, data=referral_input(Unit.objects.get(pk=case.owner_unit_id)))
    assert not Referral.objects.exists()


def _through_completion(referral: Referral, receiver: Actor) -> Referral:
    referral = services.referral_acknowledge(actor=receiver, referral=referral)
    referral = services.referral_accept(actor=receiver, referral=referral)
    referral = services.referral_record_contact(actor=receiver, referral=referral)
    services.referral_deliver_service(
        actor=receiver, referral=referral, service_code="shelter", delivered_on=timezone.localdate()
    )
    referral.refresh_from_db()
    return services.referral_complete(actor=receiver, referral=referral, outcome_code="safe_elsewhere")


def test_full_path_one_timeline_entry_per_change_and_service_on_the_case(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor, standard: ResponseStandard
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    referral = _through_completion(referral, receiver)
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome_code == "safe_elsewhere"
    events = list(
        TimelineEntry.objects.filter(case=case, kind=TimelineKind.REFERRAL).values_list("params__event", flat=True)
    )
    assert events == ["sent", "acknowledged", "accepted", "first_contact", "service_delivered", "completed"]
    assert list(referral.events.values_list("event", flat=True)) == events
    delivered = ServiceDelivered.objects.get(case=case)
    assert delivered.provider_id == receiver_unit.institution_id and delivered.service_code == "shelter"
    # The sender's unit inbox heard of every change made by the receiver.
    assert Notice.objects.filter(unit_id=case.owner_unit_id, kind=NoticeKind.REFERRAL_CHANGED).count() == 5


def test_order_is_enforced_and_the_sender_may_withdraw_before_completion(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    with pytest.raises(services.ReferralConflict):
        services.referral_accept(actor=receiver, referral=referral)
    with pytest.raises(Denied):
        services.referral_acknowledge(actor=worker, referral=referral)
    with pytest.raises(Denied):
        services.referral_withdraw(actor=receiver, referral=referral, reason="x")
    referral = services.referral_withdraw(actor=worker, referral=referral, reason="وجدنا مكاناً أقرب")
    assert referral.status == ReferralStatus.WITHDRAWN
    with pytest.raises(services.ReferralConflict):
        services.referral_acknowledge(actor=receiver, referral=referral)
    assert consented_scope(referral).fields == frozenset()


def test_decline_needs_a_reason_from_the_definitions(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    with pytest.raises(ValidationError) as caught:
        services.referral_decline(actor=receiver, referral=referral, reason_code="busy")
    assert "decline_reason_code" in caught.value.message_dict
    referral = services.referral_decline(actor=receiver, referral=referral, reason_code="no_capacity")
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason_code == "no_capacity"


def test_transfer_moves_the_case_on_acceptance(worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor) -> None:
    referral = services.referral_send(
        actor=worker, case=case, data=referral_input(receiver_unit, kind="transfer", shared_fields=["identity"])
    )
    referral = services.referral_acknowledge(actor=receiver, referral=referral)
    referral = services.referral_accept(actor=receiver, referral=referral)
    case.refresh_from_db()
    assert case.owner_unit_id == receiver_unit.pk
    assert referral.receiver_case_id == case.pk


def test_withdrawn_consent_stops_reading_and_delivering_at_once(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    referral = services.referral_send(
        actor=worker,
        case=case,
        data=referral_input(
            receiver_unit, service_codes=["shelter", "legal_aid"], consent=consent(["identity", "contact"])
        ),
    )
    referral = services.referral_acknowledge(actor=receiver, referral=referral)
    referral = services.referral_accept(actor=receiver, referral=referral)
    services.referral_deliver_service(
        actor=receiver, referral=referral, service_code="shelter", delivered_on=timezone.localdate()
    )
    assert consented_scope(referral).fields == {"identity", "contact"}
    services.consent_withdraw(actor=worker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert consented_scope(referral).fields == frozenset()
    with pytest.raises(ValidationError):
        services.referral_deliver_service(
            actor=receiver, referral=referral, service_code="legal_aid", delivered_on=timezone.localdate()
        )
    # What was delivered before stays recorded.
    assert list(referral.delivered.values_list("service_code", flat=True)) == ["shelter"]


@pytest.mark.django_db(transaction=True)
def test_two_users_accepting_at_once_one_wins_the_other_is_told(worker: Actor, case: Case, receiver_unit: Unit) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    first, second = make_actor(Role.CASE_WORKER, receiver_unit), make_actor(Role.SUPERVISOR, receiver_unit)
    services.referral_acknowledge(actor=first, referral=referral)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(name: str, actor: Actor) -> None:
        try:
            barrier.wait(timeout=10)
            services.referral_accept(actor=actor, referral=referral)
            outcomes[name] = "won"
        except services.ReferralConflict as exc:
            outcomes[name] = f"conflict:{exc.status}"
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n, a)) for n, a in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict:accepted", "won"]
    referral.refresh_from_db()
    assert referral.events.filter(event="accepted").count() == 1
    assert TimelineEntry.objects.filter(case=case, params__event="accepted").count() == 1


def test_the_receiver_links_its_own_case_and_later_changes_reach_both_timelines(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    from sanad.cases import services as case_services
    from sanad.cases.tests.conftest import report_input
    from sanad.people.services import PersonInput, person_register

    intake = make_actor(Role.INTAKE_OFFICER, receiver_unit)
    survivor = person_register(actor=intake, data=PersonInput(first_name="ريم", family_name="علي", sex="female"))
    own = case_services.case_open(
        actor=intake, report=case_services.report_register(actor=intake, data=report_input(survivor))
    )
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    with pytest.raises(Denied):  # the sender's case is not the receiver's to link
        services.referral_link_receiver_case(actor=receiver, referral=referral, case=case)
    referral = services.referral_link_receiver_case(actor=receiver, referral=referral, case=own)
    referral = services.referral_acknowledge(actor=receiver, referral=referral)
    for side in (case, own):
        events = TimelineEntry.objects.filter(case=side, kind=TimelineKind.REFERRAL).values_list(
            "params__event", flat=True
        )
        assert "acknowledged" in list(events)
