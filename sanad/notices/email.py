"""The email channel: a short message that something awaits in Sanad, never what it is about.

Deliveries are rows written and jobs queued in the transaction of the change that causes them, so a
rolled-back change sends nothing and a broker or mail outage loses nothing: the job is retried until
the mail server takes the message, and the row is marked failed when the retries run out.
Switched on by ``SANAD_NOTICE_EMAIL``; the mail server is Django's (``EMAIL_BACKEND``, ``EMAIL_HOST``...).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanad.notices.models import DeliveryStatus, Notice, NoticeDelivery


def enabled() -> bool:
    return bool(getattr(settings, "SANAD_NOTICE_EMAIL", False))


def _addressees(notice: Notice) -> list[int]:
    from sanad.institutions.models import Membership

    if notice.recipient_id is not None:
        users = [notice.recipient_id]
    else:
        users = list(
            Membership.objects.current()
            .filter(unit_id=notice.unit_id or 0, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    from sanad.accounts.models import User

    return list(User.objects.filter(pk__in=users).exclude(email="").values_list("pk", flat=True))


def queue_email_deliveries(notices: Sequence[Notice]) -> list[int]:
    """A delivery row and a job per addressee with an email address; inside the caller's transaction."""
    if not enabled():
        return []
    from sanad.notices.tasks import deliver_notice_email

    rows = [NoticeDelivery(notice=notice, user_id=uid) for notice in notices for uid in _addressees(notice)]
    NoticeDelivery.objects.bulk_create(rows)
    for row in rows:
        deliver_notice_email.defer(delivery_id=row.pk)
    return [row.pk for row in rows]


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; the job is retried."""


def deliver(delivery_id: int, *, final_attempt: bool = False) -> bool:
    """Send one delivery unless it was sent already. The row stays locked while the mail server is
    spoken to, so two runs of the same job never both send; a failure is recorded on the row and
    raised for the job's retry (the last attempt marks the row failed instead)."""
    with transaction.atomic():
        row = NoticeDelivery.objects.select_for_update().select_related("user").filter(pk=delivery_id).first()
        if row is None or row.status != DeliveryStatus.PENDING:
            return False
        row.attempts += 1
        # Arabic first, English second, whatever the reader's language: the server does not know it here.
        parts = []
        for language in ("ar", "en"):
            with translation.override(language):
                parts.append(
                    (
                        _("Sanad: something awaits you"),
                        _(
                            "A new notice awaits you in Sanad. Sign in to read it.\n\n"
                            "This message says nothing more on purpose: what it is about is only in Sanad."
                        ),
                    )
                )
        subject = f"{parts[0][0]} / {parts[1][0]}"
        body = f"{parts[0][1]}\n\n---\n\n{parts[1][1]}"
        try:
            send_mail(subject, body, None, [row.user.email], fail_silently=False)
        except OSError as exc:  # smtplib's errors are OSErrors: recorded, then retried
            row.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if final_attempt:
                row.status = DeliveryStatus.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
        else:
            row.status = DeliveryStatus.SENT
            row.sent_at = timezone.now()
            row.save(update_fields=["attempts", "status", "sent_at"])
            return True
    if not final_attempt:
        raise DeliveryFailed(row.last_error)
    return False
