"""Page forms for referrals. They parse and show input; the services validate, and their field errors
are put back next to the fields with what was typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.cases.forms import code_choices
from sanad.cases.models import Attachment, Case
from sanad.institutions.models import Unit
from sanad.referrals.models import ConsentGiver, ConsentMethod, LegalGround, ReferralKind, SharedField, Urgency
from sanad.referrals.services import ConsentInput, ReferralInput
from sanad.taxonomy.models import CodeList, DefinitionVersion

DATETIME = {"type": "datetime-local"}
DATE = {"type": "date"}

# Service error keys that belong to a differently named form field.
_RENAMED = {
    "consent_given_by": "given_by",
    "consent_method": "method",
    "consent_given_at": "given_at",
    "to_unit_id": "to_unit",
}


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        form: Any = self
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = _RENAMED.get(key, key)
            form.add_error(name if name in form.fields else None, messages)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.institution.name} / {obj.name}"


class ReferralForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ReferralKind.choices)
    to_unit = UnitChoiceField(label=_("Receiving unit"), queryset=Unit.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    service_codes = forms.MultipleChoiceField(label=_("Services"), widget=forms.CheckboxSelectMultiple, required=False)
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("What is shared with the receiver"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    has_consent = forms.TypedChoiceField(
        label=_("Consent"),
        choices=[("yes", _("The survivor (or guardian) consented")), ("no", _("Without consent, on a legal ground"))],
        widget=forms.RadioSelect,
        initial="yes",
    )
    given_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentGiver.choices, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name"), required=False, max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices, required=False)
    signed_form = forms.ModelChoiceField(label=_("Signed form"), queryset=Attachment.objects.none(), required=False)
    given_at = forms.DateTimeField(label=_("Consent given at"), required=False, widget=forms.DateTimeInput(DATETIME))
    consent_fields = forms.MultipleChoiceField(
        label=_("Fields the survivor consented to share"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_ground = forms.ChoiceField(label=_("Legal ground"), required=False)
    legal_ground_reason = forms.CharField(
        label=_("Why consent could not be sought"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self,
        *args: Any,
        version: DefinitionVersion | None,
        country_id: int,
        own_unit_id: int,
        case: Case | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        f: Any = self.fields
        f["to_unit"].queryset = (
            Unit.objects.filter(is_active=True, institution__is_active=True, institution__country_id=country_id)
            .exclude(pk=own_unit_id)
            .select_related("institution")
            .order_by("institution__sector__sort_order", "institution__code", "code")
        )
        f["service_codes"].choices = code_choices(version, CodeList.SERVICE, blank=False)
        f["signed_form"].queryset = Attachment.objects.filter(case=case) if case else Attachment.objects.none()
        grounds = LegalGround.objects.filter(country_id=country_id)
        f["legal_ground"].choices = [("", "—"), *[(g.code, g.name) for g in grounds]]
        if case is None:
            f["kind"].choices = [(ReferralKind.NOTIFICATION, ReferralKind.NOTIFICATION.label)]
        if not self.is_bound:
            self.initial.setdefault("given_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def to_input(self) -> ReferralInput:
        d = self.cleaned_data
        consent = None
        if d["has_consent"] == "yes":
            form = d.get("signed_form")
            consent = ConsentInput(
                given_by=d.get("given_by") or "",
                method=d.get("method") or "",
                given_at=d.get("given_at") or timezone.now(),
                fields=list(d.get("consent_fields") or []),
                guardian_name=d.get("guardian_name") or "",
                signed_form_id=form.pk if form else None,
            )
        return ReferralInput(
            kind=d["kind"],
            to_unit_id=d["to_unit"].pk,
            urgency=d["urgency"],
            reason=d.get("reason") or "",
            service_codes=list(d.get("service_codes") or []),
            shared_fields=list(d.get("shared_fields") or []),
            consent=consent,
            legal_ground_code=d.get("legal_ground") or "",
            legal_ground_reason=d.get("legal_ground_reason") or "",
        )


class DeclineForm(ServiceErrorsMixin, forms.Form):
    decline_reason_code = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, version: DefinitionVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decline_reason_code"].choices = code_choices(version, CodeList.DECLINE_REASON)  # type: ignore[attr-defined]


class CompleteForm(ServiceErrorsMixin, forms.Form):
    outcome_code = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, version: DefinitionVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome_code"].choices = code_choices(version, CodeList.OUTCOME)  # type: ignore[attr-defined]


class DeliverForm(ServiceErrorsMixin, forms.Form):
    service_code = forms.ChoiceField(label=_("Service delivered"))
    delivered_on = forms.DateField(label=_("Date delivered"), widget=forms.DateInput(DATE))

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_code"].choices = services  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate().isoformat())


class ContactForm(ServiceErrorsMixin, forms.Form):
    at = forms.DateTimeField(label=_("First contact at"), required=False, widget=forms.DateTimeInput(DATETIME))


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StandardForm(ServiceErrorsMixin, forms.Form):
    acknowledge_minutes = forms.IntegerField(label=_("Acknowledge (minutes)"), min_value=1)
    first_contact_minutes = forms.IntegerField(label=_("First contact (minutes)"), min_value=1)
    complete_minutes = forms.IntegerField(label=_("Complete (minutes)"), min_value=1)
    escalate_after_minutes = forms.IntegerField(label=_("Escalate after (minutes)"), min_value=1)
