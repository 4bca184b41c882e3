"""In-app notices: what a user must know at once (a record of theirs was opened, the audit trail broke).

A notice stores a kind and identifiers, never personal data or free text: it is rendered in the
reader's language when shown, and the record behind it is reached only through its own access policy.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    RECORD_OPENED_BREAK_GLASS = "record_opened.break_glass", _("A record was opened by break-glass")
    RECORD_OPENED_UNSEAL = "record_opened.unseal", _("A sealed record was unsealed")
    AUDIT_BROKEN = "audit.broken", _("The audit trail is broken")
    URGENT_REPORT = "report.urgent", _("An urgent report needs an immediate response")
    CLOSURE_REQUESTED = "case.closure_requested", _("A case closure awaits approval")
    MARAC_CONVENED = "marac.convened", _("A multi-agency review meeting was convened")
    MARAC_ACTION = "marac.action", _("A multi-agency action was given to you")
    MARAC_ACTION_OVERDUE = "marac.action_overdue", _("A multi-agency action is overdue")
    REFERRAL_RECEIVED = "referral.received", _("A referral was sent to your unit")
    REFERRAL_CHANGED = "referral.changed", _("A referral changed")
    REFERRAL_WITHOUT_CONSENT = "referral.without_consent", _("A referral was sent without consent")
    REFERRAL_BREACH = "referral.breach", _("A referral missed its response standard")
    REFERRAL_ESCALATED = "referral.escalated", _("A breach of a response standard was escalated")
    COURT_ORDER_BREACH = "court.order_breach", _("A protection order was breached")
    COURT_ORDER_CHANGED = "court.order_changed", _("A court order changed")
    COURT_COMPLIANCE_REPORT = "court.compliance_report", _("A visitation compliance report was sent to the court")
    COURT_ORDER_EXPIRING = "court.order_expiring", _("A court order expires soon")
    COURT_SESSION_SOON = "court.session_soon", _("A visitation session is coming")
    STRATEGY_ROUND_OPENED = "strategy.round_opened", _("A strategy reporting round was opened")
    STRATEGY_SUBMITTED = "strategy.submitted", _("An institution submitted its strategy progress form")
    STRATEGY_RETURNED = "strategy.returned", _("Your strategy progress form was returned for corrections")
    STRATEGY_APPROVED = "strategy.approved", _("Your strategy progress form was approved")
    STRATEGY_REMINDER = "strategy.reminder", _("A strategy progress form is due soon")
    STRATEGY_OVERDUE = "strategy.overdue", _("A strategy progress form is overdue")


class Notice(models.Model):
    """Addressed to one user, or to one unit (everyone who acts for it reads it; one of them reading it
    marks it read for the unit)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    unit = models.ForeignKey("institutions.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=40, choices=NoticeKind.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # Identifiers and names of institutions only (who opened, for how long); never a survivor's data.
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"),
            models.Index(fields=["unit", "-created_at"], name="notice_unit_inbox"),
            models.Index(fields=["unit"], condition=Q(read_at__isnull=True), name="notice_unit_unread"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, unit__isnull=True) | Q(recipient__isnull=True, unit__isnull=False),
                name="notice_to_a_user_or_a_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or f'unit {self.unit_id}'}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NoticeDelivery(models.Model):
    """One email telling one user that something awaits them. The row is the delivery's memory: a job
    run again (a retry, or after a worker was killed) finds it sent and sends nothing more."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, default="email")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["notice", "user", "channel"], name="delivery_once_per_user_channel")
        ]
        indexes: ClassVar = [models.Index(fields=["status"], condition=Q(status="pending"), name="delivery_pending")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}: {self.status}"
