"""Page forms: they parse input; the services validate it and their errors go back next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanad.institutions.models import Institution, Membership
from sanad.multiagency.models import ItemOutcome

DATE = {"type": "date"}


class ConveneForm(forms.Form):
    held_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(DATE))
    institutions = forms.ModelMultipleChoiceField(
        label=_("Participating institutions"), queryset=Institution.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, country_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reachable = Institution.objects.filter(country_id=country_id or 0, is_active=True).select_related("sector")
        self.fields["institutions"].queryset = reachable  # type: ignore[attr-defined]


class AddCaseForm(forms.Form):
    case = forms.TypedChoiceField(label=_("Flagged case"), coerce=int)
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in ItemOutcome.choices if c[0]], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action agreed"), widget=forms.Textarea(attrs={"rows": 2}))
    institution = forms.TypedChoiceField(label=_("Responsible institution"), coerce=int)
    user = forms.TypedChoiceField(
        label=_("Responsible person (optional)"), coerce=int, required=False, empty_value=None
    )
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(DATE))
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, institutions: list[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "—"), *((i.pk, i.name) for i in institutions)]  # type: ignore[attr-defined]
        people = (
            Membership.objects.current()
            .filter(unit__institution__in=institutions)
            .select_related("user", "unit__institution")
            .order_by("unit__institution_id", "user__username")
        )
        seen: set[int] = set()
        user_choices: list[tuple[Any, str]] = [("", "—")]
        for m in people:
            if m.user_id not in seen:
                seen.add(m.user_id)
                user_choices.append((m.user_id, f"{m.user.get_username()} · {m.unit.institution.name}"))
        self.fields["user"].choices = user_choices  # type: ignore[attr-defined]
