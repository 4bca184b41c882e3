"""De-identified fact tables, the queue that keeps them current, and each country's disclosure settings.

A fact row holds codes (recoded to the country's current definitions), months (dates truncated to
the first day of the month), age groups, governorate, institution and sector ids, and the survivor's
linked identity as an opaque key (``survivor_key``: a keyed HMAC, see ``sanad.statistics.keys``).
Never a name, an identity number, an address, a date of birth or a narrative. The ``*_id`` source
columns are internal row numbers kept only so a change can replace its own facts; no page, export
or API ever shows them. Statisticians and the statistics API read these tables and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


def _code(verbose_name: str = "") -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=60, blank=True, default="")


class StatisticsSettings(models.Model):
    """How a country protects small cells, and whether it counts only consenting survivors."""

    country = models.OneToOneField("institutions.Country", on_delete=models.CASCADE, related_name="+")
    threshold = models.PositiveSmallIntegerField(
        _("small-cell threshold"),
        default=5,
        help_text=_("Counts from 1 up to this number minus one are suppressed on every output."),
    )
    rounding_base = models.PositiveSmallIntegerField(
        _("round published counts to a multiple of"), default=0, help_text=_("0 or 1: no rounding.")
    )
    consent_required = models.BooleanField(
        _("count only survivors who consented to statistical use"), default=False
    )

    class Meta:
        verbose_name = _("statistics settings")
        verbose_name_plural = _("statistics settings")

    def __str__(self) -> str:
        return f"{self.country_id}: {self.threshold}"


class QueuedChange(models.Model):
    """A source row changed since the facts were last refreshed. Written by PostgreSQL triggers in
    the same transaction as the change (COPY included), drained by the refresh job."""

    kind = models.CharField(max_length=20)
    source_id = models.BigIntegerField()
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["kind", "source_id"], name="stats_queue_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_id}"


class FactBase(models.Model):
    country_id = models.IntegerField()
    # The month the fact belongs to (its first day): reports and incidents by the month received.
    month = models.DateField()
    governorate_id = models.IntegerField(null=True)
    institution_id = models.IntegerField(null=True)
    sector_id = models.IntegerField(null=True)

    class Meta:
        abstract = True


class ReportFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    report_id = models.BigIntegerField(primary_key=True)
    channel = _code()
    status = _code()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_report_month")]


class PersonFacts(FactBase):
    survivor_key = models.BigIntegerField(null=True)
    sex = _code()
    age_group = _code()
    nationality_group = _code()
    # None: the survivor's consent to statistical use is not recorded (cases do not record it yet).
    consented = models.BooleanField(null=True)

    class Meta:
        abstract = True


class IncidentFact(PersonFacts):  # noqa: DJ008 - facts are never shown one by one
    incident_id = models.BigIntegerField(primary_key=True)
    report_id = models.BigIntegerField(db_index=True)
    occurred_month = models.DateField(null=True)
    # The principal type (the first of the incident's types in the list's order, as GBVIMS counts).
    violence_type = _code()
    gbvims_type = _code()
    iccs_code = models.CharField(max_length=10, blank=True, default="")
    context = _code()
    relationship = _code()
    channel = _code()
    trafficking = models.BooleanField(default=False)
    days_to_report = models.IntegerField(null=True)
    repeated = models.BooleanField(default=False)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["country_id", "month"], name="stats_incident_month"),
            models.Index(fields=["survivor_key"], name="stats_incident_survivor"),
        ]


class SurvivorMonthFact(PersonFacts):  # noqa: DJ008 - facts are never shown one by one
    """One row per survivor and month with an incident reported: the unit of unique-survivor counts.
    Its attributes are those of the survivor's first incident of the month."""

    violence_type = _code()
    incidents = models.PositiveIntegerField()
    first_month = models.DateField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survivor_key", "month"], name="stats_survivor_month_once")
        ]
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_survivor_month")]


class CaseFact(PersonFacts):  # noqa: DJ008 - facts are never shown one by one
    case_id = models.BigIntegerField(primary_key=True)
    violence_type = _code()
    gbvims_type = _code()
    iccs_code = models.CharField(max_length=10, blank=True, default="")
    context = _code()
    risk_level = _code()
    closed = models.BooleanField(default=False)
    closed_month = models.DateField(null=True)
    closure_reason = _code()
    days_to_closure = models.IntegerField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_case_month")]


class ServiceFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    service_id = models.BigIntegerField(primary_key=True)
    case_id = models.BigIntegerField(db_index=True)
    service = _code()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_service_month")]


class ReferralFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    """Institution and sector are the receiving side's; ``from_institution_id`` the sender's."""

    referral_id = models.BigIntegerField(primary_key=True)
    from_institution_id = models.IntegerField(null=True)
    kind = _code()
    urgency = _code()
    status = _code()
    acknowledge_minutes = models.IntegerField(null=True)
    contact_minutes = models.IntegerField(null=True)
    # Within the response standard: None while the deadline has neither been met nor passed.
    acknowledged_within = models.BooleanField(null=True)
    contacted_within = models.BooleanField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_referral_month")]


class AppealFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    appeal_id = models.BigIntegerField(primary_key=True)
    platform = _code()
    status = _code()
    answered = models.BooleanField(default=False)
    days_to_answer = models.IntegerField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_appeal_month")]


class CourtOrderFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    """One row per court order (``sanad.courts``), in the month it was issued; institution and sector
    are the issuing court's. The counts are the order's whole life so far (sessions on its schedule
    and how they went, breaches, the fund's payments): codes, counts, amounts and days only — never
    the court reference, a person, a case number, a condition's text or a narrative."""

    court_order_id = models.BigIntegerField(primary_key=True)
    order_type = _code()
    status = _code()
    sessions_scheduled = models.PositiveIntegerField(default=0)
    sessions_held = models.PositiveIntegerField(default=0)
    # The visiting parent absent, or the child not brought.
    sessions_missed = models.PositiveIntegerField(default=0)
    sessions_cancelled = models.PositiveIntegerField(default=0)
    breaches = models.PositiveIntegerField(default=0)
    payments = models.PositiveIntegerField(default=0)
    payments_amount = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    payment_delay_median = models.FloatField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_courtorder_month")]


class CourtEventFact(FactBase):  # noqa: DJ008 - facts are never shown one by one
    """One row per visitation session, breach of a protection order, or payment by the alimony fund, in
    the month it happened (the session's date, the breach, the payment): what happened in a period,
    whenever its order was issued. Institution: the social centre for a session, the issuing court
    otherwise."""

    court_order_id = models.BigIntegerField(db_index=True)
    # session | breach | payment
    event = models.CharField(max_length=10)
    order_type = _code()
    session_status = _code()
    breach_source = _code()
    # A session held (True) or missed by a parent (False); None while unrecorded, or when cancelled.
    held = models.BooleanField(null=True)
    # Days the payment came after its due date (0 when on time or early).
    delay_days = models.IntegerField(null=True)
    amount = models.DecimalField(max_digits=14, decimal_places=3, null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["country_id", "month"], name="stats_courtevent_month")]
class Aggregate(models.Model):  # noqa: DJ008 - aggregates are never shown one by one
    """Pre-aggregated counts the dashboards read instead of scanning a year of facts (see
    ``sanad.statistics.aggregates``): per month (or, for unique survivors, per month, quarter and
    year, since distinct survivors do not add up across months), per single filter value, per
    breakdown the dashboard shows. Kept exact by the same refresh job as the facts."""

    country_id = models.IntegerField()
    source = models.CharField(max_length=120)
    # M: one month; Q and Y: the quarter or year starting at ``month`` (unique-survivor sources only).
    period = models.CharField(max_length=1)
    month = models.DateField()
    filter_dim = models.CharField(max_length=40, blank=True, default="")
    filter_value = models.CharField(max_length=60, null=True)
    dims = models.CharField(max_length=120, blank=True, default="")
    k0 = models.CharField(max_length=60, null=True)
    k1 = models.CharField(max_length=60, null=True)
    n = models.BigIntegerField()

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["country_id", "filter_dim", "filter_value", "period", "month"], name="stats_aggregate_lookup"
            ),
            models.Index(fields=["country_id", "period", "month"], name="stats_aggregate_month"),
        ]


class StaleMonth(models.Model):  # noqa: DJ008 - internal bookkeeping
    """A month whose facts changed since its aggregates were computed (written by triggers on the
    fact tables, emptied by the refresh). While a month is stale the dashboards read the facts."""

    country_id = models.IntegerField()
    month = models.DateField()
    # Raised by every write: a recount clears the mark only if it was not written again meanwhile, so
    # it never holds the mark's row lock while it works (a drain would wait for it).
    version = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["country_id", "month"], name="stats_stale_once")]
