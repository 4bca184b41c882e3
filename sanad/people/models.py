"""Persons and their identity documents. A person's role (survivor, alleged perpetrator, child,
witness, reporter) belongs to a case, not to the person."""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanad.access.models import ProtectedRecord
from sanad.crypto.fields import EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


@pghistory.track()
class Person(ProtectedRecord):
    country = models.ForeignKey("institutions.Country", on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    latin_name = models.CharField(_("name in Latin letters"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_is_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    nationality = models.CharField(_("nationality"), max_length=40, blank=True)
    phones = EncryptedTextField(_("phone numbers"), purpose="people.person.phones", null=True, blank=True)
    address = EncryptedTextField(_("address"), purpose="people.person.address", null=True, blank=True)
    # Normalised forms for search (not the value itself: no phone or address is ever searchable).
    name_key = models.CharField(max_length=400, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering: ClassVar = ["family_name", "first_name", "pk"]
        indexes: ClassVar = [GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="person_name_key_trgm")]

    def __str__(self) -> str:
        return self.full_name or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.father_name, self.grandfather_name, self.family_name) if p)


class DocumentKind(models.TextChoices):
    NATIONAL_ID = "national_id", _("National ID")
    PASSPORT = "passport", _("Passport")
    RESIDENCE = "residence", _("Residence permit")


@pghistory.track()
class IdentityDocument(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    number = EncryptedTextField(_("number"), purpose="people.identitydocument.number")
    # Keyed blind index of the normalised number: exact lookup without the number in the clear.
    number_index = models.CharField(max_length=40, db_index=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person_id})"
