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


class Notice(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
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
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
