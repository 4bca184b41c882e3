"""Court orders attached to a case and its persons, and the electronic links that carry them out.

A protection order, a custody and visitation ruling or an alimony judgment is one ``CourtOrder``
(the columns of the other types stay empty) with its status and its own history (``OrderEvent``).
The links to a social centre (a visitation ruling) and to the alimony fund (an unpaid judgment)
are referrals (``link_referral``): consent or legal ground, the receiver's scope, the response
standards, breaches and notices all come from ``sanad.referrals``; this app adds what the link does
(the sessions, the payments) on top.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.crypto.fields import EncryptedTextField


class OrderType(models.TextChoices):
    PROTECTION = "protection", _("Protection order")
    VISITATION = "visitation", _("Custody and visitation ruling")
    ALIMONY = "alimony", _("Alimony judgment")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    IN_FORCE = "in_force", _("In force")
    VARIED = "varied", _("Varied")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


LIVE_STATUSES = (OrderStatus.ISSUED, OrderStatus.IN_FORCE, OrderStatus.VARIED)


class Condition(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact in any form")
    KEEP_DISTANCE = "keep_distance", _("Keep a distance")
    LEAVE_HOME = "leave_home", _("Leave the family home")
    NO_WEAPONS = "no_weapons", _("Hand over and hold no weapons")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class FundStatus(models.TextChoices):
    NOT_REFERRED = "", _("Not referred to the fund")
    PENDING = "pending", _("Awaiting the fund's decision")
    APPROVED = "approved", _("Approved: the fund pays")
    REJECTED = "rejected", _("Rejected by the fund")
    STOPPED = "stopped", _("Payments stopped")


class CourtOrder(models.Model):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    order_type = models.CharField(_("type of order"), max_length=12, choices=OrderType.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="court_orders")
    court_unit = models.ForeignKey(
        "institutions.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("court")
    )
    reference = models.CharField(_("court reference"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    # Protection order.
    protected_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restrained_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conditions = ArrayField(
        models.CharField(max_length=20, choices=Condition.choices),
        default=list,
        blank=True,
        verbose_name=_("conditions"),
    )
    distance_metres = models.PositiveIntegerField(_("distance (metres)"), null=True, blank=True)
    # Custody and visitation ruling.
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    custodial_parent = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visiting_parent = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    centre_unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social centre"),
    )
    supervised = models.BooleanField(_("supervised"), default=False)
    handover = EncryptedTextField(_("handover arrangements"), purpose="courts.order.handover", null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("day of the week"), null=True, blank=True)
    session_start = models.TimeField(_("from"), null=True, blank=True)
    session_end = models.TimeField(_("to"), null=True, blank=True)
    session_frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices, blank=True)
    # Other live rulings for the same child whose sessions fall at the same times (flagged, not refused).
    overlaps_with = ArrayField(models.IntegerField(), default=list, blank=True)
    # Alimony judgment.
    obligor = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    beneficiaries = models.ManyToManyField("people.Person", blank=True, related_name="+")
    amount = models.DecimalField(_("amount per period"), max_digits=10, decimal_places=3, null=True, blank=True)
    payment_frequency = models.CharField(_("paid"), max_length=12, choices=Frequency.choices, blank=True)
    # The referral that carries the order to the social centre or to the alimony fund.
    link_referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="court_order"
    )
    fund_status = models.CharField(_("fund"), max_length=10, choices=FundStatus.choices, blank=True, default="")
    fund_decided_at = models.DateTimeField(null=True, blank=True)
    fund_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("court order")
        verbose_name_plural = _("court orders")
        ordering: ClassVar = ["-issued_on", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="order_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="order_amount_positive"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["court_unit", "-issued_on"], name="order_by_court"),
            models.Index(fields=["centre_unit", "-issued_on"], name="order_by_centre"),
            models.Index(
                fields=["ends_on"], condition=Q(status__in=["issued", "in_force", "varied"]), name="order_live_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"CO-{self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class OrderEvent(models.Model):
    """The order's history: codes and ids only."""

    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    event = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.event}"


class Variation(models.Model):
    """A variation by the court: what changed, so a payment above the old amount is allowed only after it."""

    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="variations")
    varied_on = models.DateField(_("varied on"))
    amount_before = models.DecimalField(max_digits=10, decimal_places=3, null=True)
    amount_after = models.DecimalField(max_digits=10, decimal_places=3, null=True)
    ends_on_before = models.DateField(null=True)
    ends_on_after = models.DateField(null=True)
    note = models.TextField(_("what the court decided"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["varied_on", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.varied_on}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    VISITOR_ABSENT = "visitor_absent", _("The visiting parent did not come")
    CHILD_NOT_BROUGHT = "child_not_brought", _("The child was not brought")
    CANCELLED = "cancelled", _("Cancelled")


MISSED = (SessionStatus.VISITOR_ABSENT, SessionStatus.CHILD_NOT_BROUGHT)


class Reporter(models.TextChoices):
    CENTRE_STAFF = "centre_staff", _("Centre staff")
    CUSTODIAL_PARENT = "custodial_parent", _("The custodial parent")
    VISITING_PARENT = "visiting_parent", _("The visiting parent")


class VisitSession(models.Model):
    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("date"))
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    status = models.CharField(
        _("outcome"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    reported_by = models.CharField(_("reported by"), max_length=20, choices=Reporter.choices, blank=True)
    note = EncryptedTextField(_("what was reported"), purpose="courts.session.note", null=True, blank=True)
    wellbeing = EncryptedTextField(
        _("the child's wellbeing"), purpose="courts.session.wellbeing", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["on", "pk"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["order", "on"], name="session_once_a_day")]
        indexes: ClassVar = [
            models.Index(fields=["on"], condition=Q(status="scheduled"), name="session_scheduled_on"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.on}"

    @property
    def missed(self) -> bool:
        return self.status in MISSED


class ComplianceReport(models.Model):
    """A report to the court on how a visitation ruling is kept, generated from the session records."""

    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="compliance_reports")
    generated_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # "repeated": produced by the repeated non-compliance rule; "requested": asked for by the centre.
    trigger = models.CharField(max_length=12)
    up_to = models.DateField()
    scheduled = models.PositiveIntegerField()
    held = models.PositiveIntegerField()
    visitor_absent = models.PositiveIntegerField()
    child_not_brought = models.PositiveIntegerField()
    cancelled = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"CR-{self.pk}"


class Payment(models.Model):
    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="payments")
    period = models.DateField(_("for the period starting"))
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=3)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["period", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["order", "period"], name="payment_once_per_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.period}"

    @property
    def delay_days(self) -> int:
        return max(0, (self.paid_on - self.due_on).days)


class Recovery(models.Model):
    """What the fund recovered from the obligor."""

    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="recoveries")
    recovered_on = models.DateField(_("recovered on"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=3)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["recovered_on", "pk"]
        constraints: ClassVar = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.recovered_on}"


class BreachSource(models.TextChoices):
    POLICE = "police", _("The police")
    CASE_WORKER = "case_worker", _("The survivor's case worker")
    SOCIAL_CENTRE = "social_centre", _("A social centre")


class OrderBreach(models.Model):
    """A breach of a protection order, reported against the order."""

    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="breaches")
    occurred_at = models.DateTimeField(_("when it happened"))
    source = models.CharField(_("reported by"), max_length=14, choices=BreachSource.choices)
    account = EncryptedTextField(_("what happened"), purpose="courts.breach.account")
    reporter_unit = models.ForeignKey("institutions.Unit", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.occurred_at}"


class Reminder(models.Model):
    """A reminder sent: its key is unique, so a job run twice (or two workers) sends it once."""

    key = models.CharField(max_length=60, unique=True)
    order = models.ForeignKey(CourtOrder, on_delete=models.CASCADE, related_name="reminders")
    session = models.ForeignKey(VisitSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
