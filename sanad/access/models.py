"""Record-level confidentiality and the grants that open a record beyond its owner unit.

A protected record (a person, a case, ...) is owned by one unit and has a confidentiality level:
normal (the owner unit), restricted (only named users), sealed (its existence shown only to those
allowed to unseal; its content only after an explicit, time-limited unseal). Grants are the only
way past that: named access, break-glass, unseal (and later, referrals).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted (named users only)")
    SEALED = "sealed", _("Sealed")


class ProtectedRecord(models.Model):
    owner_unit = models.ForeignKey(
        "institutions.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class GrantKind(models.TextChoices):
    NAMED = "named", _("Named access")
    BREAK_GLASS = "break_glass", _("Break-glass")
    UNSEAL = "unseal", _("Unsealed")


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def live(self) -> AccessGrantQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class AccessGrant(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    kind = models.CharField(max_length=16, choices=GrantKind.choices)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "content_type", "object_id"], name="grant_lookup")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind="named") | Q(expires_at__isnull=False), name="grant_temporary_unless_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.content_type_id}:{self.object_id} → {self.user_id}"
