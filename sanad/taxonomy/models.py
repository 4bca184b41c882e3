"""Versioned code lists: the unified definitions every body counts with.

A country's definitions are a sequence of versions. A version is drafted, then published; once
published nothing in it changes (the services refuse, and PostgreSQL refuses too: migration 0002).
A record that stores a code also stores the version it was coded under (``sanad.taxonomy.coded``),
and a later version may declare how the codes of an earlier one map onto its own (``Recode``), so
that counts over a period that crosses versions stay comparable.
"""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanad.taxonomy.reference import GBVIMS_TYPES, ICCS_CODES, Reference


class CodeList(models.TextChoices):
    VIOLENCE_TYPE = "violence_type", _("Violence types")
    CASE_CONTEXT = "case_context", _("Case contexts")
    RELATIONSHIP = "relationship", _("Relationship of the alleged perpetrator to the survivor")
    AGE_GROUP_GBVIMS = "age_group_gbvims", _("Age groups (GBVIMS)")
    AGE_GROUP_FIVE_YEAR = "age_group_5y", _("Age groups (five-year)")
    SEX = "sex", _("Sex")
    NATIONALITY_GROUP = "nationality_group", _("Nationality groups")
    MARITAL_STATUS = "marital_status", _("Marital status")
    DISABILITY = "disability", _("Disability types")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    INTAKE_CHANNEL = "intake_channel", _("Intake channels")
    REPORTER_TYPE = "reporter_type", _("Reporter types")
    LOCATION_TYPE = "location_type", _("Location types")
    SERVICE = "service", _("Services")
    DECLINE_REASON = "decline_reason", _("Referral decline reasons")
    CLOSURE_REASON = "closure_reason", _("Case closure reasons")
    OUTCOME = "outcome", _("Outcomes")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


@pghistory.track()
class DefinitionVersion(models.Model):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="definition_versions")
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    # The version whose codes this one declares recodes from (normally the one it was drafted from).
    recodes_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recodes from")
    )
    # Where the content came from: "pack:bh" for a country pack, empty when drafted on the pages.
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("definitions version")
        verbose_name_plural = _("definitions versions")
        ordering: ClassVar = ["country", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "number"], name="definition_version_number_unique"),
            # One draft at a time per country: two drafts would race to become the next number.
            models.UniqueConstraint(
                fields=["country"], condition=Q(status="draft"), name="definition_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="definition_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/v{self.number} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


@pghistory.track()
class Code(models.Model):
    version = models.ForeignKey(DefinitionVersion, on_delete=models.CASCADE, related_name="codes")
    list = models.CharField(_("code list"), max_length=30, choices=CodeList.choices)
    code = models.CharField(_("code"), max_length=60)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    definition_ar = models.TextField(_("definition (Arabic)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Violence types only: the GBVIMS core type (or "non_gbv") and the ICCS offence code.
    gbvims_type = models.CharField(_("GBVIMS type"), max_length=30, blank=True)
    iccs_code = models.CharField(_("ICCS code"), max_length=10, blank=True)
    # Age groups only: the bounds in whole years, inclusive (max empty for an open group such as 61+).
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    # Added by a country beside the shared list (a national type), rather than shipped with Sanad.
    national = models.BooleanField(_("national addition"), default=False)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering: ClassVar = ["version", "list", "order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "list", "code"], name="code_unique_per_version_list"),
        ]

    def __str__(self) -> str:
        return f"{self.list}:{self.code}"

    @property
    def label(self) -> str:
        """The label in the active language; Arabic first (and Arabic when no English one exists)."""
        english = (get_language() or "ar").startswith("en")
        return (self.label_en or self.label_ar) if english else self.label_ar

    @property
    def gbvims_reference(self) -> Reference | None:
        return GBVIMS_TYPES.get(self.gbvims_type)

    @property
    def iccs_reference(self) -> Reference | None:
        return ICCS_CODES.get(self.iccs_code)

    @property
    def definition(self) -> str:
        english = (get_language() or "ar").startswith("en")
        return (self.definition_en or self.definition_ar) if english else self.definition_ar


class RecodeKind(models.TextChoices):
    RENAME = "rename", _("Renamed: same meaning, new code")
    MERGE = "merge", _("Merged into another code")
    RETIRE = "retire", _("Retired, counted under another code")


@pghistory.track()
class Recode(models.Model):
    """How a code of the earlier version (``version.recodes_from``) is counted in ``version``.

    Codes present in both versions map to themselves and need no row."""

    version = models.ForeignKey(DefinitionVersion, on_delete=models.CASCADE, related_name="recodes")
    list = models.CharField(_("code list"), max_length=30, choices=CodeList.choices)
    from_code = models.CharField(_("earlier code"), max_length=60)
    to_code = models.CharField(_("code in this version"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=RecodeKind.choices, default=RecodeKind.MERGE)

    class Meta:
        verbose_name = _("recode")
        verbose_name_plural = _("recodes")
        ordering: ClassVar = ["version", "list", "from_code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "list", "from_code"], name="recode_unique_per_from_code"),
        ]

    def __str__(self) -> str:
        return f"{self.list}:{self.from_code} -> {self.to_code}"
