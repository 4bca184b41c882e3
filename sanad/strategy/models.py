"""The national strategy as data: pillars, objectives, initiatives and indicators (baseline, yearly
targets, unit, responsible and supporting institutions); reporting rounds in which each responsible
institution fills its form; computed snapshots of the indicators Sanad measures itself; and the
lessons the council records.

Nothing here is personal data: values are aggregates, narratives describe an institution's work.
Evidence files may still show people (a photo of a training), so their bytes are encrypted and
served after an access check, as case attachments are.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanad.crypto.fields import EncryptedTextField


class Bilingual(models.Model):
    name_ar = models.CharField(_("name (Arabic)"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")


class Strategy(Bilingual):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=60)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(_("status"), max_length=10, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT)
    # The strategy this one was drafted from: its pillars, indicators and targets were copied.
    derived_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering: ClassVar = ["-start_year", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "code"], name="strategy_code_per_country"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="strategy_years_ordered"),
        ]


class Pillar(Bilingual):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("code"), max_length=60)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["sort_order", "pk"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["strategy", "code"], name="pillar_code_once")]


class Objective(Bilingual):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=60)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["sort_order", "pk"]


class Initiative(Bilingual):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="initiatives")
    code = models.CharField(_("code"), max_length=60)
    lead = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["sort_order", "pk"]


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed by Sanad")
    REPORTED = "reported", _("Reported by the institution")


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("number")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Indicator(Bilingual):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    initiative = models.ForeignKey(Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    code = models.CharField(_("code"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    # For a computed indicator: the name of its source in sanad.strategy.computed.SOURCES.
    source = models.CharField(_("computed source"), max_length=80, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=IndicatorUnit.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    responsible = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible institution"),
    )
    supporting = models.ManyToManyField(
        "institutions.Institution", blank=True, related_name="+", verbose_name=_("supporting institutions")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["sort_order", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["strategy", "code"], name="indicator_code_once"),
            models.CheckConstraint(
                condition=Q(kind="reported", source="") | (Q(kind="computed") & ~Q(source="")),
                name="indicator_source_iff_computed",
            ),
        ]


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["year"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["indicator", "year"], name="target_once_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.year}={self.value}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportingRound(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("forms due on"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reporting round")
        ordering: ClassVar = ["-period_end", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="round_period_ordered"),
            models.UniqueConstraint(fields=["strategy", "period_start", "period_end"], name="round_once_per_period"),
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for corrections")
    APPROVED = "approved", _("Approved")


EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class Submission(models.Model):
    """One institution's form in one round: an entry per indicator it is responsible for."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("council's comment"), blank=True)
    # Stamped by the periodic scan when it told the institution, so each is sent exactly once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_noted_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["round", "institution__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "institution"], name="submission_once_per_round")
        ]
        indexes: ClassVar = [models.Index(fields=["institution", "status"], name="submission_institution")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.institution_id}:{self.status}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class Entry(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entries")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)

    class Meta:
        ordering: ClassVar = ["indicator__sort_order", "indicator_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="entry_once_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.indicator_id}={self.value}"


class Evidence(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    content = EncryptedTextField(purpose="strategy.evidence.content")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.filename}"


class SubmissionEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for corrections")
    APPROVED = "approved", _("Approved")


class SubmissionEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=SubmissionEventKind.choices)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.kind}"


class ComputedSnapshot(models.Model):
    """A computed indicator's value over one period, as computed on one day: the periodic refresh
    rewrites today's row, earlier days stay as they were (what the council saw then)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    computed_on = models.DateField(default=timezone.localdate)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=IndicatorUnit.choices)
    as_of = models.DateTimeField()
    # How many observations the value rests on (referrals, offices, survivors): a share of 2 is not a share of 200.
    basis = models.PositiveIntegerField(default=0)
    # The statistics withheld the value under their small-cell rule (value is None, not "no data").
    suppressed = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-computed_on", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "computed_on"], name="snapshot_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.period_start}..{self.period_end}={self.value}"


class Lesson(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="lessons")
    round = models.ForeignKey(ReportingRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pillar = models.ForeignKey(Pillar, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("lesson learned"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
