"""Country, governorates, sectors, institutions, units and memberships.

All of it is data loaded from a country pack (``load_country_pack``); nothing here names a
particular country. Rows are updated in place and never deleted by a pack load; their past
states are kept by pghistory.
"""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanad.institutions.roles import Role


class RolloutPhase(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PILOT = "pilot", _("Pilot")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class BilingualName(models.Model):
    name_ar = models.CharField(_("name (Arabic)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language; Arabic first."""
        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar


@pghistory.track()
class Country(BilingualName):
    code = models.CharField(_("code"), max_length=2, unique=True)
    case_prefix = models.CharField(_("case number prefix"), max_length=4)
    time_zone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering: ClassVar = ["code"]


class AreaLevel(models.TextChoices):
    GOVERNORATE = "governorate", _("Governorate")
    DISTRICT = "district", _("District")
    AREA = "area", _("Area")


@pghistory.track()
class Governorate(BilingualName):
    """A governorate (or emirate), or a district/area inside one: the hierarchy is ``parent``."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="areas")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=40)
    level = models.CharField(_("level"), max_length=20, choices=AreaLevel.choices, default=AreaLevel.GOVERNORATE)
    rollout_phase = models.CharField(
        _("roll-out phase"), max_length=20, choices=RolloutPhase.choices, default=RolloutPhase.PLANNED
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("governorate or area")
        verbose_name_plural = _("governorates and areas")
        ordering: ClassVar = ["country", "sort_order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "code"], name="governorate_code_unique_per_country"),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population_year__isnull=False),
                name="governorate_population_has_year",
            ),
        ]


@pghistory.track()
class Sector(BilingualName):
    """The fixed list of sectors (police, health, ...); loaded by a data migration."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering: ClassVar = ["sort_order"]


@pghistory.track()
class Institution(BilingualName):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="institutions")
    code = models.CharField(_("code"), max_length=60)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="institutions")
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text=_("Empty for a national body."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The body this one belongs to, e.g. a ministry."),
    )
    rollout_phase = models.CharField(
        _("roll-out phase"), max_length=20, choices=RolloutPhase.choices, default=RolloutPhase.PLANNED
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering: ClassVar = ["country", "sector__sort_order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "code"], name="institution_code_unique_per_country"),
        ]


@pghistory.track()
class Unit(BilingualName):
    """A unit of an institution, e.g. the family-protection office of a police directorate."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=60)
    governorate = models.ForeignKey(Governorate, on_delete=models.PROTECT, null=True, blank=True, related_name="units")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering: ClassVar = ["institution__code", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["institution", "code"], name="unit_code_unique_per_institution"),
        ]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        now = timezone.now()
        return self.filter(is_active=True, unit__is_active=True, unit__institution__is_active=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


@pghistory.track()
class Membership(models.Model):
    """A user belongs to a unit with one role. A user acts for one membership at a time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    may_break_glass = models.BooleanField(
        _("may break the glass"),
        default=False,
        help_text=_("May open a record outside their reach in an emergency, with a reason; always reported."),
    )
    may_refer_without_consent = models.BooleanField(
        _("may refer without consent"),
        default=False,
        help_text=_(
            "May send a referral without the survivor's consent on a legal ground of the country pack "
            "(a child at risk, an imminent threat to life, a court order); always reported to the supervisor."
        ),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering: ClassVar = ["user__username", "unit__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], condition=Q(is_active=True), name="membership_one_active_per_role"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def institution(self) -> Institution:
        return self.unit.institution


class PackLoad(models.Model):
    """One run of ``load_country_pack``: what was loaded and what it changed."""

    country_code = models.CharField(max_length=2)
    source = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering: ClassVar = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.source} @ {self.loaded_at:%Y-%m-%d %H:%M}"
