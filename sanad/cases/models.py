"""Reports (complaints from every channel), the persons involved with their role in the report,
incidents, cases with their per-country yearly number and status workflow, the case timeline, risk
assessments and closure requests.

Every coded value is stored with the published version of the definitions it was coded under
(``definitions_version``, one per record: all codes of a record are chosen from the same version).
"""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.access.models import ProtectedRecord
from sanad.crypto.fields import EncryptedTextField
from sanad.taxonomy.coded import code_field, version_field


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    CASE_OPENED = "case_opened", _("Case opened")
    LINKED = "linked", _("Linked to an existing case")
    NOT_A_CASE = "not_a_case", _("Closed: not a case")


@pghistory.track()
class Report(ProtectedRecord):
    """A complaint or report as received by a unit through one channel."""

    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    definitions_version = version_field(verbose_name=_("definitions version"))
    channel_code = code_field(_("channel"))
    reporter_type_code = code_field(_("reporter"))
    reporter_name = EncryptedTextField(
        _("reporter's name"), purpose="cases.report.reporter_name", null=True, blank=True
    )
    narrative = EncryptedTextField(_("narrative"), purpose="cases.report.narrative", null=True, blank=True)
    urgent = models.BooleanField(_("urgent: immediate response needed"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW)
    case = models.ForeignKey(
        "Case", on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("case")
    )
    # Optimistic concurrency for edits of the report's own fields, as for cases.
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering: ClassVar = ["-received_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["owner_unit", "status", "-received_at"], name="report_unit_queue"),
            # The unit's queue of new reports in the order it is worked (urgent first, oldest first):
            # read straight from the index instead of sorting every new report of the unit.
            models.Index(
                fields=["owner_unit", "-urgent", "received_at", "id"],
                condition=Q(status="new"),
                name="report_new_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"R-{self.pk}"


class PersonRole(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    ALLEGED_PERPETRATOR = "alleged_perpetrator", _("Alleged perpetrator")
    CHILD = "child", _("Child in the household")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")


class ReportPerson(models.Model):
    """A person's role belongs to the report (and through it the case), never to the person."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "person", "role"], name="report_person_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.person_id}:{self.role}"


class Incident(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="incidents")
    # An exact date when known; otherwise an approximate period (both bounds inclusive).
    occurred_on = models.DateField(_("date of the incident"), null=True, blank=True)
    period_start = models.DateField(_("from (approximate)"), null=True, blank=True)
    period_end = models.DateField(_("to (approximate)"), null=True, blank=True)
    governorate = models.ForeignKey(
        "institutions.Governorate", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("governorate")
    )
    definitions_version = version_field(verbose_name=_("definitions version"))
    location_type_code = code_field(_("place"))
    violence_type_codes = ArrayField(models.CharField(max_length=60), default=list, verbose_name=_("violence types"))
    context_code = code_field(_("context"))
    relationship_code = code_field(_("relationship of the alleged perpetrator"))
    injuries = models.BooleanField(_("injuries"), default=False)
    weapons = models.BooleanField(_("weapons used or threatened"), default=False)
    children_present = models.BooleanField(_("children present"), default=False)
    repeated = models.BooleanField(_("repeated (not the first time)"), default=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=False) | Q(period_start__isnull=False),
                name="incident_has_a_date_or_period",
            ),
        ]

    def __str__(self) -> str:
        return f"I-{self.pk}"


class CaseStatus(models.TextChoices):
    ENGAGEMENT = "engagement", _("Engagement")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Action plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSURE_REQUESTED = "closure_requested", _("Closure awaiting approval")
    CLOSED = "closed", _("Closed")


# The inter-agency steps, in order; a worker moves a case one step forward (or back, to correct).
WORK_STEPS = [
    CaseStatus.ENGAGEMENT,
    CaseStatus.ASSESSMENT,
    CaseStatus.PLAN,
    CaseStatus.IMPLEMENTATION,
    CaseStatus.FOLLOW_UP,
]


class RiskLevel(models.TextChoices):
    STANDARD = "standard", _("Standard")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


RISK_ORDER = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class CaseCounter(models.Model):
    """The last number given per country and year. Locked row by row, so numbers have no gaps: a
    rolled-back opening rolls its increment back with it."""

    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["country", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.year}: {self.last}"


# The survivor's name words are a copy kept for search: a rename of the person is not a change of
# the case, so it neither makes nor needs a history row of its own.
@pghistory.track(exclude=["survivor_words"])
class Case(ProtectedRecord):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("case number"), max_length=24, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    survivor = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("survivor")
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ENGAGEMENT)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    multi_agency_review = models.BooleanField(_("flagged for multi-agency review"), default=False)
    definitions_version = version_field(verbose_name=_("definitions version"))
    closure_reason_code = code_field(_("closure reason"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Optimistic concurrency: every change increments it; an edit made on an older one is refused.
    row_version = models.PositiveIntegerField(default=1)
    # The words of the survivor's ``name_key``, kept on the case by database triggers (a new case,
    # a change of survivor as in a merge or an unmerge, an edit of the person's names): the worklist
    # search then narrows the cases through their own word index, where going through the persons
    # looked up the cases of every person sharing a common name (thousands in a million).
    survivor_words = ArrayField(models.TextField(), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "year", "sequence"], name="case_sequence_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["owner_unit", "status"], name="case_unit_status"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee_status"),
            GinIndex(fields=["survivor_words"], name="case_survivor_words"),
            # The worklists' default order: a common name (a tenth of the cases, say) finds its
            # newest page by walking this index, where sorting every match would read them all.
            models.Index(fields=["-created_at", "id"], name="case_newest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class TimelineKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    REPORT_LINKED = "report_linked", _("Report linked")
    STATUS_CHANGED = "status_changed", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    RISK_ASSESSED = "risk_assessed", _("Risk assessed")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSURE_APPROVED = "closure_approved", _("Closure approved")
    CLOSURE_REJECTED = "closure_rejected", _("Closure rejected")
    REOPENED = "reopened", _("Reopened")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality changed")
    PLAN_ACTION_ADDED = "plan_action_added", _("Plan action added")
    PLAN_ACTION_DONE = "plan_action_done", _("Plan action done")
    SERVICE_DELIVERED = "service_delivered", _("Service delivered")
    NOTE_ADDED = "note_added", _("Note added")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    MARAC_LISTED = "marac_listed", _("Listed for multi-agency review")
    MARAC_DECIDED = "marac_decided", _("Multi-agency review outcome")
    MARAC_ACTION_AGREED = "marac_action_agreed", _("Multi-agency action agreed")
    MARAC_ACTION_DONE = "marac_action_done", _("Multi-agency action done")
    MARAC_ACTION_OVERDUE = "marac_action_overdue", _("Multi-agency action overdue")
    # One entry per change of a referral, on the sender's case and on the receiver's (sanad.referrals).
    REFERRAL = "referral", _("Referral")


class TimelineEntry(models.Model):
    """The case's one timeline: appended by the services, never edited. Params hold codes and ids,
    never personal data, so the timeline can be shown to anyone who may read the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24, choices=TimelineKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.CharField(_("instrument"), max_length=20)
    # {item code: true/false}, one entry per item of the instrument (sanad/cases/data/*.yaml).
    answers = models.JSONField(_("answers"))
    score = models.PositiveSmallIntegerField(_("score"))
    computed_level = models.CharField(_("level from the score"), max_length=10, choices=RiskLevel.choices)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    judgement_reason = models.TextField(_("reason for professional judgement"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["assessed_at", "pk"]
        constraints: ClassVar = [
            # Judgement may raise the level but never lower it (RISK_ORDER: standard < medium < high).
            models.CheckConstraint(
                condition=Q(level=models.F("computed_level"))
                | Q(computed_level="standard")
                | Q(computed_level="medium", level="high"),
                name="risk_judgement_never_lowers",
            ),
            models.CheckConstraint(
                condition=Q(level=models.F("computed_level")) | ~Q(judgement_reason=""),
                name="risk_judgement_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.instrument}:{self.level}"


class ClosureDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ClosureRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    definitions_version = version_field(verbose_name=_("definitions version"))
    reason_code = code_field(_("closure reason"))
    note = models.TextField(_("note"), blank=True)
    # Where the case goes back to when the closure is rejected.
    status_before = models.CharField(max_length=20, choices=CaseStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=ClosureDecision.choices, default=ClosureDecision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering: ClassVar = ["requested_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case"], condition=Q(decision="pending"), name="one_pending_closure"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.decision}"


class PlanKind(models.TextChoices):
    SAFETY = "safety", _("Safety plan")
    CASE = "case", _("Case plan")


class PlanAction(models.Model):
    """One line of the safety plan or the case plan: a goal, the action towards it, who does it, by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_actions")
    plan = models.CharField(_("plan"), max_length=10, choices=PlanKind.choices)
    # A safety plan names safe places and people: it is the survivor's data, so it is encrypted.
    goal = EncryptedTextField(_("goal"), purpose="cases.planaction.goal")
    action = EncryptedTextField(_("action"), purpose="cases.planaction.action")
    responsible = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["due_on", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="plan_action_open_due")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.plan}:{self.due_on}"


class ServiceDelivered(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    definitions_version = version_field(verbose_name=_("definitions version"))
    service_code = code_field(_("service"))
    provider = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    delivered_on = models.DateField(_("date delivered"))
    outcome_code = code_field(_("outcome"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.service_code}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"), purpose="cases.casenote.text")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.pk}"


class Attachment(models.Model):
    """A file of a case. Its bytes are encrypted at rest (base64 inside an encrypted text column, so
    key rotation covers it like every other encrypted field) and served only after an access check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    content = EncryptedTextField(purpose="cases.attachment.content")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.filename}"


class Platform(models.TextChoices):
    X = "x", _("X (Twitter)")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    TIKTOK = "tiktok", _("TikTok")
    SNAPCHAT = "snapchat", _("Snapchat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    YOUTUBE = "youtube", _("YouTube")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class AppealStatus(models.TextChoices):
    NEW = "new", _("New")
    VERIFYING = "verifying", _("Being verified")
    CONTACTED = "contacted", _("Contact made")
    REPORT_OPENED = "report_opened", _("Report opened")
    NOT_A_CASE = "not_a_case", _("Closed: not a case")
    ANSWERED_ELSEWHERE = "answered_elsewhere", _("Closed: answered elsewhere")


APPEAL_CLOSED = (AppealStatus.REPORT_OPENED, AppealStatus.NOT_A_CASE, AppealStatus.ANSWERED_ELSEWHERE)


class Appeal(ProtectedRecord):
    """An appeal about a woman or child published on social media or in the press, triaged by a unit."""

    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    link = models.URLField(_("link"), max_length=500)
    posted_on = models.DateField(_("date posted"))
    posted_by = models.CharField(_("posted by"), max_length=200)
    summary = EncryptedTextField(_("summary"), purpose="cases.appeal.summary")
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.NEW)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"A-{self.pk}"


class AppealLogEntry(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AppealStatus.choices)
    note = EncryptedTextField(_("note"), purpose="cases.appeallogentry.note", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.status}"


class IdempotentResponse(models.Model):
    """The first answer to an API write sent with an ``Idempotency-Key``: a replay gets it again;
    the same key with a different body is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key
