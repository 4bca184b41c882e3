"""Page forms: they parse input; the services validate it and their errors go back next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanad.strategy.models import Entry, Strategy

DATE = {"type": "date"}


class RoundForm(forms.Form):
    strategy = forms.TypedChoiceField(label=_("Strategy"), coerce=int)
    name = forms.CharField(label=_("Round name"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(DATE))
    period_end = forms.DateField(label=_("Period to"), widget=forms.DateInput(DATE))
    due_on = forms.DateField(label=_("Forms due on"), widget=forms.DateInput(DATE))

    def __init__(self, *args: Any, strategies: list[Strategy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy"].choices = [(s.pk, s.name) for s in strategies]  # type: ignore[attr-defined]


class DraftFromForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=400)
    name_en = forms.CharField(label=_("Name (English)"), max_length=400)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)


class EntriesForm(forms.Form):
    """One value and one narrative per entry of the form, named after the indicator."""

    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, entries: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for e in entries:
            self.fields[f"value_{e.indicator_id}"] = forms.CharField(
                label=_("Value"),
                required=False,
                initial="" if e.value is None else f"{e.value.normalize():f}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "data-testid": f"value-{e.indicator.code}"}),
            )
            self.fields[f"narrative_{e.indicator_id}"] = forms.CharField(
                label=_("Narrative"),
                required=False,
                initial=e.narrative,
                widget=forms.Textarea(attrs={"rows": 2, "data-testid": f"narrative-{e.indicator.code}"}),
            )

    def rows(self) -> list[tuple[Entry, Any, Any]]:
        return [(e, self[f"value_{e.indicator_id}"], self[f"narrative_{e.indicator_id}"]) for e in self.entries]


class EvidenceForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Evidence (PDF, JPEG or PNG)"))
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the institution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class LessonForm(forms.Form):
    text = forms.CharField(label=_("Lesson learned"), widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.TypedChoiceField(label=_("Pillar (optional)"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [("", "—"), *((p.pk, p.name) for p in strategy.pillars.all())]  # type: ignore[attr-defined]
