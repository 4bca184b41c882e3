"""Persons and their identity documents. A person's role (survivor, alleged perpetrator, child,
witness, reporter) belongs to a case, not to the person."""

from __future__ import annotations

from typing import ClassVar

import pghistory
import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanad.access.models import ProtectedRecord
from sanad.crypto.fields import EncryptedTextField


def name_words() -> models.Func:
    """The words of ``name_key`` as an array: exact-word lookups (a short phonetic key such as "L"
    for علي / Ali) use a GIN index, where a substring search of two letters could only scan."""
    return models.Func(
        models.F("name_key"), models.Value(" "), function="string_to_array", output_field=ArrayField(models.TextField())
    )


# The distinct words of the new rows' name keys (``new_rows`` is a trigger's transition table).
NEW_WORDS_SQL = (
    "SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.name_key, ' ')) AS word WHERE word <> ''"
)


class NameWord(models.Model):
    """Every word that occurs in some person's ``name_key``: what a half-typed last word may become.

    Search while typing expands the typed prefix to these words and then asks the exact-word index,
    so every typed word narrows one index scan; a substring match of the last word would have had to
    fetch every person containing it first (thousands of rows for a common name in a million).
    Kept by statement triggers on ``Person``; a word whose persons are all gone stays, harmlessly.
    """

    word = models.CharField(primary_key=True, max_length=400)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")
        indexes: ClassVar = [models.Index(fields=["word"], opclasses=["text_pattern_ops"], name="name_word_prefix")]

    def __str__(self) -> str:
        return self.word


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
        indexes: ClassVar = [
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="person_name_key_trgm"),
            GinIndex(name_words(), name="person_name_words"),
        ]
        # Statement-level, so a COPY of a million persons adds its words in one pass.
        triggers: ClassVar = [
            pgtrigger.Trigger(
                name=f"name_words_on_{operation}",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=op,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=f"INSERT INTO people_nameword (word) {NEW_WORDS_SQL} ON CONFLICT DO NOTHING; RETURN NULL;",
            )
            for operation, op in (("insert", pgtrigger.Insert), ("update", pgtrigger.Update))
        ]

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


class LinkageRun(models.Model):
    """One run of the national linkage; its learned model is kept as data for incremental linking."""

    class Kind(models.TextChoices):
        BATCH = "batch", _("National run")
        INCREMENTAL = "incremental", _("New person")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    identities = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    # m, u and the prior per field level (lists of floats): weights only, never a person's data.
    model = models.JSONField(null=True, blank=True)
    seconds = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")
        ordering: ClassVar = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PersonIdentity(models.Model):
    """The linked identity of a person record: the smallest person id of its cluster.

    Kept apart from Person so a national run rewrites one narrow table, not every person's history.
    related_name "+" keeps it out of the relations a merge moves (it is bookkeeping of linkage).
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="+")
    identity = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("linked identity")
        verbose_name_plural = _("linked identities")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.identity}"


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Same person")
    REJECTED = "rejected", _("Not the same person")


class LinkCandidate(models.Model):
    """A pair the model is unsure about, for a national data steward to decide; decisions are kept
    and every later run honours them. ``person_a`` has the smaller id."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(_("weight"))
    # Per field: [level, weight] — why the model hesitates, in levels only (no names, no numbers).
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    run = models.ForeignKey(LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link candidate")
        verbose_name_plural = _("link candidates")
        ordering: ClassVar = ["-weight", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="link_candidate_one_per_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="link_candidate_ordered"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["status", "-weight"], name="link_candidate_queue")]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.status})"

    @property
    def pair(self) -> tuple[Person, Person]:
        return self.person_a, self.person_b


class PersonMerge(models.Model):
    """A merge of ``duplicate`` into ``survivor`` and exactly what it moved, so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    # {"moved": [{"model": label, "field": name, "pks": [...]}, ...]}
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering: ClassVar = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.survivor_id}"
