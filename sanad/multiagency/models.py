"""Multi-agency review of high-risk cases: meetings convened by a unit with the institutions taking
part, the agenda of flagged cases, and the actions agreed for each case.

An agenda item holds the case's id and what the meeting decided about it; everything a participant
is shown about the case comes from the item (case number, owning institution, risk level), never
from the case record itself, which stays under the cases' own rules.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.crypto.fields import EncryptedTextField


class ReviewMeeting(models.Model):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    convening_unit = models.ForeignKey(
        "institutions.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("convening unit")
    )
    held_on = models.DateField(_("meeting date"))
    institutions = models.ManyToManyField(
        "institutions.Institution", related_name="+", verbose_name=_("participating institutions")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency for the API (ETag / If-Match): every change to the meeting increments it.
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering: ClassVar = ["-held_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["convening_unit", "-held_on"], name="meeting_unit_date")]

    def __str__(self) -> str:
        return f"MARAC-{self.pk} {self.held_on}"


class ItemOutcome(models.TextChoices):
    PENDING = "", _("Awaiting review")
    REVIEWED = "reviewed", _("Reviewed")
    DEFLAGGED = "deflagged", _("No longer needs multi-agency review")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    # A copy of the minimum the participants need, taken when the case is listed: they never read the case.
    case_number = models.CharField(_("case number"), max_length=24)
    owner_institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("owning institution")
    )
    risk_level = models.CharField(_("risk level"), max_length=10)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ItemOutcome.choices, blank=True, default="")
    # Why the case leaves the agenda; it may describe the survivor's situation, so it is encrypted.
    outcome_reason = EncryptedTextField(
        _("reason"), purpose="multiagency.agendaitem.outcome_reason", null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["added_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once_per_meeting"),
            # A case is awaiting review on one agenda at a time.
            models.UniqueConstraint(fields=["case"], condition=Q(outcome=""), name="agenda_case_pending_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.case_number}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == ItemOutcome.PENDING


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class AgreedAction(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    # What was agreed concerns the survivor's safety: encrypted like plan actions.
    description = EncryptedTextField(_("action"), purpose="multiagency.agreedaction.description")
    responsible_institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible institution"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the overdue scan has put the action on the case timeline and told the responsible, once.
    overdue_noted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["due_on"], condition=Q(status="open"), name="agreed_action_open_due"),
            models.Index(fields=["responsible_user", "status"], name="agreed_action_user"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.due_on}:{self.status}"
