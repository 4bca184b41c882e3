from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.access.models import Confidentiality
from sanad.access.pages import ReasonForm
from sanad.people.models import DocumentKind, Sex
from sanad.people.services import DocumentInput, PersonInput


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    grandfather_name = forms.CharField(label=_("Grandfather's name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    latin_name = forms.CharField(label=_("Name in Latin letters"), max_length=300, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dob_is_estimated = forms.BooleanField(label=_("Date of birth is estimated"), required=False)
    age_years = forms.IntegerField(
        label=_("Or age in years (when the date is unknown)"), required=False, min_value=0, max_value=120
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=40, required=False)
    phones = forms.CharField(label=_("Phone numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document_kind = forms.ChoiceField(
        label=_("Identity document"), choices=[("", "—"), *DocumentKind.choices], required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dob, age = data.get("date_of_birth"), data.get("age_years")
        today = timezone.localdate()
        if dob and dob > today:
            self.add_error("date_of_birth", _("The date of birth is in the future."))
        if dob and age is not None:
            actual = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
            if abs(actual - age) > 1:
                self.add_error("age_years", _("This age contradicts the date of birth."))
        if not dob and age is not None:
            data["date_of_birth"] = dt.date(today.year - age, 7, 1)
            data["dob_is_estimated"] = True
        if not any(data.get(f) for f in ("first_name", "family_name", "latin_name")):
            self.add_error("first_name", _("Give at least a first name, a family name or a Latin name."))
        if bool(data.get("document_kind")) != bool(data.get("document_number")):
            self.add_error("document_number", _("Give both the kind and the number of the document."))
        return data

    def to_input(self) -> PersonInput:
        d = self.cleaned_data
        docs = [DocumentInput(kind=d["document_kind"], number=d["document_number"])] if d.get("document_kind") else []
        return PersonInput(
            first_name=d["first_name"],
            father_name=d["father_name"],
            grandfather_name=d["grandfather_name"],
            family_name=d["family_name"],
            latin_name=d["latin_name"],
            sex=d["sex"],
            date_of_birth=d.get("date_of_birth"),
            dob_is_estimated=bool(d.get("dob_is_estimated")),
            nationality=d["nationality"],
            phones=d["phones"],
            address=d["address"],
            documents=docs,
        )


class MatchForm(forms.Form):
    name = forms.CharField(required=False, max_length=300)
    dob = forms.DateField(required=False)
    id_number = forms.CharField(required=False, max_length=40)


class ConfidentialityForm(ReasonForm):
    level = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices)
