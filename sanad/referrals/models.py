"""Referrals between institutions: the referral and its history, the survivor's consent, the
country's response standards and legal grounds (pack data), and the breaches of those standards.

A referral goes from the unit that holds a case to another unit. What the receiver may read of the
case is the referral's shared fields, bounded by the consent (or by a legal ground when there is
none); ``sanad.referrals.scope`` is the one place that computes it.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanad.crypto.fields import EncryptedTextField
from sanad.taxonomy.coded import code_field, version_field


class ReferralKind(models.TextChoices):
    SERVICE = "service", _("Referral for a service (the sender keeps the case)")
    TRANSFER = "transfer", _("Transfer of the case (ownership moves on acceptance)")
    NOTIFICATION = "notification", _("Mandatory notification")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


URGENCY_ORDER = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


class SharedField(models.TextChoices):
    """The parts of a case a referral can share; the receiver reads exactly the consented ones."""

    IDENTITY = "identity", _("Survivor's name, sex and date of birth")
    CONTACT = "contact", _("Survivor's contact details (phones, address)")
    NARRATIVE = "narrative", _("Narrative of the reports")
    INCIDENTS = "incidents", _("Incidents (dates, types, circumstances)")
    RISK = "risk", _("Risk assessment")
    PLANS = "plans", _("Safety and case plans")
    NOTES = "notes", _("Case notes")


class ConsentGiver(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    GUARDIAN = "guardian", _("A guardian (for a child)")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    SIGNED_FORM = "signed_form", _("Signed form (attached)")


class LegalGround(models.Model):
    """A ground the country's law gives for sharing without consent (pack data)."""

    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    name_ar = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["country", "sort_order", "code"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["country", "code"], name="legal_ground_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar


class ResponseStandard(models.Model):
    """How fast a receiving sector must answer a referral of one urgency (pack data). A shipped
    default stays marked as such until the national administrator confirms it."""

    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("institutions.Sector", on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    acknowledge_minutes = models.PositiveIntegerField(_("time to acknowledge (minutes)"))
    first_contact_minutes = models.PositiveIntegerField(_("time to first contact (minutes)"))
    complete_minutes = models.PositiveIntegerField(_("time to complete (minutes)"))
    # How long the receiver's supervisor has to put a breach right before it goes to the national coordinator.
    escalate_after_minutes = models.PositiveIntegerField(_("escalate a breach after (minutes)"))
    is_default = models.BooleanField(_("shipped default, not yet confirmed"), default=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["country", "sector__sort_order", "urgency"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "sector", "urgency"], name="response_standard_unique"),
            models.CheckConstraint(
                condition=Q(is_default=True) | Q(confirmed_at__isnull=False), name="standard_confirmed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}:{self.sector_id}:{self.urgency}"


class Consent(models.Model):
    """The survivor's (or a guardian's) consent to share with one receiver, for services and fields."""

    given_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentGiver.choices)
    guardian_name = EncryptedTextField(_("guardian's name"), purpose="referrals.consent.guardian_name", null=True)
    receiver = models.ForeignKey("institutions.Unit", on_delete=models.PROTECT, related_name="+")
    service_codes = ArrayField(models.CharField(max_length=60), default=list)
    fields = ArrayField(models.CharField(max_length=20, choices=SharedField.choices), default=list)
    method = models.CharField(_("how"), max_length=12, choices=ConsentMethod.choices)
    signed_form = models.ForeignKey(
        "cases.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(method="signed_form") | Q(signed_form__isnull=False), name="signed_consent_has_form"
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} → {self.receiver_id}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class Referral(models.Model):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=12, choices=ReferralKind.choices)
    # A mandatory notification may come from a body that holds no case (a hospital, a school).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("case")
    )
    # The receiver's own case, when it opens or links one (a notification, a transfer after acceptance).
    receiver_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_referrals"
    )
    from_unit = models.ForeignKey("institutions.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "institutions.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    definitions_version = version_field(verbose_name=_("definitions version"))
    service_codes = ArrayField(models.CharField(max_length=60), default=list, verbose_name=_("services"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    # Computed by PostgreSQL on every write, bulk ones included: the inbox's order (most urgent first)
    # can then be read from an index instead of sorting every open referral of the unit.
    urgency_rank = models.GeneratedField(
        expression=models.Case(
            *(models.When(urgency=u, then=models.Value(rank)) for u, rank in URGENCY_ORDER.items()),
            default=models.Value(len(URGENCY_ORDER)),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    reason = EncryptedTextField(_("reason for the referral"), purpose="referrals.referral.reason")
    shared_fields = ArrayField(
        models.CharField(max_length=20, choices=SharedField.choices), default=list, verbose_name=_("what is shared")
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    legal_ground = models.ForeignKey(LegalGround, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    legal_ground_reason = EncryptedTextField(
        _("why consent could not be sought"), purpose="referrals.referral.legal_ground_reason", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or declined at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact with the survivor"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Deadlines, fixed when the referral is sent from the standard then in force.
    standard = models.ForeignKey(ResponseStandard, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    first_contact_due = models.DateTimeField(_("first contact by"), null=True, blank=True)
    complete_due = models.DateTimeField(_("complete by"), null=True, blank=True)
    # The earliest deadline not yet met (PostgreSQL keeps it on every write): a referral is overdue
    # when it is open and this has passed, which an index can answer per unit.
    next_due_at = models.GeneratedField(
        expression=Least(
            models.Case(models.When(acknowledged_at__isnull=True, then=models.F("acknowledge_due"))),
            models.Case(models.When(first_contact_at__isnull=True, then=models.F("first_contact_due"))),
            models.F("complete_due"),
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    decline_reason_code = code_field(_("decline reason"))
    outcome_code = code_field(_("outcome"))
    closing_note = models.TextField(_("note"), blank=True)
    # Optimistic concurrency, as for cases: every change increments it.
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering: ClassVar = ["-sent_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(legal_ground__isnull=False), name="referral_consent_or_ground"
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(kind="notification"), name="referral_case_unless_notification"
            ),
            models.CheckConstraint(condition=~Q(from_unit=models.F("to_unit")), name="referral_to_another_unit"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["to_unit", "status", "-sent_at"], name="referral_inbox"),
            # The open referrals of a unit in inbox order (overdue ones are read apart, from the
            # deadline indexes below).
            models.Index(
                fields=["to_unit", "urgency_rank", "sent_at", "id"],
                condition=Q(status__in=["sent", "received", "accepted", "in_progress"]),
                name="referral_inbox_open",
            ),
            models.Index(
                fields=["from_unit", "urgency_rank", "sent_at", "id"],
                condition=Q(status__in=["sent", "received", "accepted", "in_progress"]),
                name="referral_outbox_open",
            ),
            models.Index(
                fields=["to_unit", "next_due_at"],
                condition=Q(status__in=["sent", "received", "accepted", "in_progress"]),
                name="referral_inbox_due",
            ),
            models.Index(
                fields=["from_unit", "next_due_at"],
                condition=Q(status__in=["sent", "received", "accepted", "in_progress"]),
                name="referral_outbox_due",
            ),
            models.Index(fields=["from_unit", "status", "-sent_at"], name="referral_outbox"),
            # The deadline scan reads only open referrals past a due time.
            models.Index(
                fields=["acknowledge_due"], condition=Q(acknowledged_at__isnull=True, status="sent"), name="ref_ack_due"
            ),
            models.Index(
                fields=["first_contact_due"],
                condition=Q(first_contact_at__isnull=True, status__in=["sent", "received", "accepted", "in_progress"]),
                name="ref_contact_due",
            ),
            models.Index(
                fields=["complete_due"],
                condition=Q(status__in=["sent", "received", "accepted", "in_progress"]),
                name="ref_complete_due",
            ),
        ]

    def __str__(self) -> str:
        return f"RF-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEvent(models.Model):
    """The referral's own history, seen by both sides: codes and ids only, never personal data."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    event = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.event}"


class DeliveredService(models.Model):
    """A service the receiver delivered under the referral; linked to the case's service row when the
    referral has a case, so the case counts it once."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="delivered")
    service_code = code_field(_("service"))
    delivered_on = models.DateField(_("date delivered"))
    case_service = models.ForeignKey(
        "cases.ServiceDelivered", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.service_code}"


class BreachKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Not acknowledged in time")
    FIRST_CONTACT = "first_contact", _("No first contact in time")
    COMPLETE = "complete", _("Not completed in time")


class Breach(models.Model):
    """One missed deadline of one referral: found by the periodic scan, counted by the statistics."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="breaches")
    kind = models.CharField(max_length=14, choices=BreachKind.choices)
    # Copied from the referral so the statistics count breaches without reading referrals.
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("institutions.Unit", on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    due_at = models.DateTimeField()
    detected_at = models.DateTimeField(default=timezone.now)
    supervisor_told_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Put right (acknowledged, contacted, completed, closed) before it was escalated.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-detected_at", "pk"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["referral", "kind"], name="breach_once_per_kind")]
        indexes: ClassVar = [
            models.Index(
                fields=["supervisor_told_at"],
                condition=Q(escalated_at__isnull=True, resolved_at__isnull=True),
                name="breach_to_escalate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.kind}"
