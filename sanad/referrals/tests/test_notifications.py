"""Notices per user and per unit, and the email channel: queued in the transaction of the change,
delivered once however often the job runs, retried until the mail server takes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from sanad.access.actor import Actor
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.notices import email, selectors
from sanad.notices.models import DeliveryStatus, Notice, NoticeDelivery
from sanad.referrals import services
from sanad.referrals.models import Referral
from sanad.referrals.tests.conftest import referral_input


@pytest.fixture
def with_email(settings: Any, receiver: Actor) -> Actor:
    settings.SANAD_NOTICE_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert receiver.user is not None
    receiver.user.email = "aman.worker@example.org"
    receiver.user.save(update_fields=["email"])
    return receiver


@pytest.mark.django_db
def test_a_failure_inside_the_sending_transaction_leaves_no_referral_notice_or_job(
    with_email: Actor, worker: Actor, case: Case, receiver_unit: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_notify = services.notify

    def notify_then_fail(**kwargs: Any) -> int:
        real_notify(**kwargs)  # the notice, its delivery row and its job are written...
        raise RuntimeError("the database went away")  # ...then the sending fails

    monkeypatch.setattr(services, "notify", notify_then_fail)
    jobs_before = ProcrastinateJob.objects.count()
    with pytest.raises(RuntimeError):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    assert not Referral.objects.exists()
    assert not Notice.objects.exists()
    assert not NoticeDelivery.objects.exists()
    assert ProcrastinateJob.objects.count() == jobs_before
    # The same sending without the failure leaves all of them.
    monkeypatch.setattr(services, "notify", real_notify)
    services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    delivery = NoticeDelivery.objects.get()
    assert delivery.user_id == with_email.user_id and delivery.status == DeliveryStatus.PENDING
    assert ProcrastinateJob.objects.count() == jobs_before + 1
    job = ProcrastinateJob.objects.get(args={"delivery_id": delivery.pk})
    assert job.task_name == "sanad.notices.tasks.deliver_notice_email" and job.status == "todo"


@pytest.mark.django_db
def test_unit_inbox_and_unread_counts(worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor) -> None:
    services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    assert selectors.unread_counts(actor=receiver) == {"mine": 0, "unit": 1}
    assert selectors.unread_counts(actor=worker) == {"mine": 0, "unit": 0}
    notice = selectors.notice_list(actor=receiver, box="unit").get()
    from sanad.notices.services import notices_mark_read

    notices_mark_read(actor=receiver, notices=[notice])
    assert selectors.unread_counts(actor=receiver) == {"mine": 0, "unit": 0}
    # Another unit's member never sees it.
    assert not selectors.notice_list(actor=worker).filter(pk=notice.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_delivery_job_run_again_after_a_killed_worker_delivers_exactly_once(
    with_email: Actor, worker: Actor, case: Case, receiver_unit: Unit
) -> None:
    services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    delivery = NoticeDelivery.objects.get()
    # A worker killed mid-job: it had locked the delivery row, then died before committing.
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    killed = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")})
    killed.execute("SELECT 1 FROM notices_noticedelivery WHERE id = %s FOR UPDATE", [delivery.pk])
    killed.close()
    # The job is run again by the restarted worker, and once more (a duplicate job or a retry).
    queued = ProcrastinateJob.objects.filter(
        task_name="sanad.notices.tasks.deliver_notice_email", args={"delivery_id": delivery.pk}
    )
    assert queued.count() == 1
    from sanad.notices.tasks import deliver_notice_email

    deliver_notice_email.defer(delivery_id=delivery.pk)
    try:
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            worker_app.run_worker(
                queues=["notifications"], wait=False, install_signal_handlers=False, listen_notify=False
            )
    finally:
        # The worker also queued the periodic jobs of other queues; the flush between tests does not
        # empty procrastinate's tables, and a queued periodic job would hold its queueing lock.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name <> 'notifications' AND status = 'todo'")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aman.worker@example.org"]
    assert "سجّل الدخول" in message.body and "Sign in" in message.body  # Arabic first, English second
    # Nothing personal and nothing about the case: only that something awaits.
    assert case.number not in message.body and case.survivor.first_name not in message.body
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert email.deliver(delivery.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_outage_is_retried_then_marked_failed(
    with_email: Actor, worker: Actor, case: Case, receiver_unit: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    delivery = NoticeDelivery.objects.get()

    def refused(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(email, "send_mail", refused)
    with pytest.raises(email.DeliveryFailed):
        email.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "mail server down" in delivery.last_error
    assert email.deliver(delivery.pk, final_attempt=True) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert mail.outbox == []
