"""The append-only, hash-chained audit trail of every read and write.

Rows are spread over a few chains (by user) so that concurrent requests do not all wait on one
lock; each row carries the hash of the previous row of its chain and its own hash over its
content. PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the table (migration 0002), and
``verify_audit`` recomputes every chain.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    chain = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    membership_id = models.BigIntegerField(null=True)
    unit_id = models.BigIntegerField(null=True)
    institution_id = models.BigIntegerField(null=True)
    role = models.CharField(max_length=40, blank=True)
    system = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering: ClassVar = ["-occurred_at", "-id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_seq_unique_per_chain")]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_by_object"),
            models.Index(fields=["user_id", "-occurred_at"], name="audit_by_user"),
            models.Index(fields=["action", "-occurred_at"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}/{self.seq} {self.action} {self.object_type}:{self.object_id} ({self.outcome})"


class ChainHead(models.Model):
    """The latest row of each chain: locked while a row is appended, exported for safekeeping."""

    chain = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"chain {self.chain} @ {self.seq}"
