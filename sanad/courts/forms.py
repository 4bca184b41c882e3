"""Page forms for court orders. They parse and show input; the services validate, and their field
errors are put back next to the fields with what was typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanad.courts.models import Condition, Frequency, OrderType, Reporter, SessionStatus
from sanad.courts.services import OrderInput
from sanad.referrals.forms import ServiceErrorsMixin, UnitChoiceField

DATE = {"type": "date"}
TIME = {"type": "time"}
DATETIME = {"type": "datetime-local"}

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

_COMMON = ("reference", "issued_on", "starts_on", "ends_on")
FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    OrderType.PROTECTION: (*_COMMON, "protected_person", "restrained_person", "conditions", "distance_metres"),
    OrderType.VISITATION: (
        *_COMMON,
        "child",
        "custodial_parent",
        "visiting_parent",
        "centre_unit",
        "supervised",
        "handover",
        "weekday",
        "session_start",
        "session_end",
        "session_frequency",
    ),
    OrderType.ALIMONY: (*_COMMON, "obligor", "beneficiaries", "amount", "payment_frequency"),
}


class OrderForm(ServiceErrorsMixin, forms.Form):
    reference = forms.CharField(label=_("Court reference"), required=False, max_length=60)
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs=DATE), required=False)
    starts_on = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs=DATE), required=False)
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs=DATE), required=False)
    protected_person = forms.TypedChoiceField(label=_("Protected person"), coerce=int, required=False)
    restrained_person = forms.TypedChoiceField(label=_("Restrained person"), coerce=int, required=False)
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"), choices=Condition.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    distance_metres = forms.IntegerField(label=_("Distance (metres)"), min_value=1, required=False)
    child = forms.TypedChoiceField(label=_("Child"), coerce=int, required=False)
    custodial_parent = forms.TypedChoiceField(label=_("Custodial parent"), coerce=int, required=False)
    visiting_parent = forms.TypedChoiceField(label=_("Visiting parent"), coerce=int, required=False)
    centre_unit = UnitChoiceField(label=_("Social centre"), queryset=None, required=False)
    supervised = forms.BooleanField(label=_("Supervised visits"), required=False)
    handover = forms.CharField(
        label=_("Handover arrangements"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weekday = forms.TypedChoiceField(label=_("Day of the visits"), choices=WEEKDAYS, coerce=int, required=False)
    session_start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs=TIME), required=False)
    session_end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs=TIME), required=False)
    session_frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[
            ("", "—"),
            (Frequency.WEEKLY, Frequency.WEEKLY.label),
            (Frequency.FORTNIGHTLY, Frequency.FORTNIGHTLY.label),
        ],
        required=False,
    )
    obligor = forms.TypedChoiceField(label=_("Who pays"), coerce=int, required=False)
    beneficiaries = forms.TypedMultipleChoiceField(
        label=_("Beneficiaries"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    amount = forms.DecimalField(label=_("Amount per period"), max_digits=10, decimal_places=3, required=False)
    payment_frequency = forms.ChoiceField(
        label=_("Paid"), choices=[("", "—"), *Frequency.choices], initial=Frequency.MONTHLY, required=False
    )

    def __init__(self, *args: Any, order_type: str, persons: list[Any], centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_type = order_type
        choices = [("", "—"), *((p.pk, p.full_name) for p in persons)]
        for name in (
            "protected_person",
            "restrained_person",
            "child",
            "custodial_parent",
            "visiting_parent",
            "obligor",
        ):
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        self.fields["beneficiaries"].choices = choices[1:]  # type: ignore[attr-defined]
        self.fields["centre_unit"].queryset = centres  # type: ignore[attr-defined]
        for name in list(self.fields):
            if name not in FIELDS_BY_TYPE[order_type]:
                del self.fields[name]

    def to_input(self) -> OrderInput:
        d = self.cleaned_data

        def pk(name: str) -> int | None:
            value = d.get(name)
            return value if isinstance(value, int) else None

        centre = d.get("centre_unit")
        return OrderInput(
            order_type=self.order_type,
            reference=d.get("reference") or "",
            issued_on=d.get("issued_on"),
            starts_on=d.get("starts_on"),
            ends_on=d.get("ends_on"),
            protected_person_id=pk("protected_person"),
            restrained_person_id=pk("restrained_person"),
            conditions=list(d.get("conditions") or []),
            distance_metres=d.get("distance_metres"),
            child_id=pk("child"),
            custodial_parent_id=pk("custodial_parent"),
            visiting_parent_id=pk("visiting_parent"),
            centre_unit_id=centre.pk if centre is not None else None,
            supervised=bool(d.get("supervised")),
            handover=d.get("handover") or "",
            weekday=pk("weekday"),
            session_start=d.get("session_start"),
            session_end=d.get("session_end"),
            session_frequency=d.get("session_frequency") or "",
            obligor_id=pk("obligor"),
            beneficiary_ids=list(d.get("beneficiaries") or []),
            amount=d.get("amount"),
            payment_frequency=d.get("payment_frequency") or "",
        )


class VaryForm(ServiceErrorsMixin, forms.Form):
    varied_on = forms.DateField(label=_("Varied on"), widget=forms.DateInput(attrs=DATE))
    amount = forms.DecimalField(label=_("New amount per period"), max_digits=10, decimal_places=3, required=False)
    ends_on = forms.DateField(label=_("New end"), widget=forms.DateInput(attrs=DATE), required=False)
    note = forms.CharField(label=_("What the court decided"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RevokeForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the order is revoked"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReferFundForm(ServiceErrorsMixin, forms.Form):
    fund_unit = UnitChoiceField(label=_("Alimony fund"), queryset=None)
    note = forms.CharField(label=_("Note to the fund"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, funds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund_unit"].queryset = funds  # type: ignore[attr-defined]


class DecideForm(ServiceErrorsMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve: the fund pays")), ("no", _("Reject"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SessionForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Date of the session"), widget=forms.DateInput(attrs=DATE), required=False)
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[c for c in SessionStatus.choices if c[0] != SessionStatus.SCHEDULED],
    )
    reported_by = forms.ChoiceField(label=_("Reported by"), choices=[("", "—"), *Reporter.choices], required=False)
    note = forms.CharField(label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    wellbeing = forms.CharField(
        label=_("The child's wellbeing (supervised visits)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PaymentForm(ServiceErrorsMixin, forms.Form):
    due_on = forms.DateField(label=_("Due date paid for"), widget=forms.DateInput(attrs=DATE), required=False)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs=DATE), required=False)
    amount = forms.DecimalField(label=_("Amount paid"), max_digits=10, decimal_places=3, required=False)


class RecoveryForm(ServiceErrorsMixin, forms.Form):
    recovered_on = forms.DateField(label=_("Recovered on"), widget=forms.DateInput(attrs=DATE), required=False)
    amount = forms.DecimalField(label=_("Amount recovered"), max_digits=10, decimal_places=3, required=False)


class BreachForm(ServiceErrorsMixin, forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When it happened"), widget=forms.DateTimeInput(attrs=DATETIME), required=False
    )
    account = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
