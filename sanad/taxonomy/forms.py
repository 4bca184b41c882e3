from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanad.taxonomy.checks import CODE_PATTERN
from sanad.taxonomy.content import CodeData
from sanad.taxonomy.models import CodeList, RecodeKind
from sanad.taxonomy.reference import GBVIMS_TYPES, ICCS_CODES

_CODE_HELP = _("Lower-case Latin letters, digits, '_', '-' or '+'; never reused for another meaning.")


def _clean_code(value: str) -> str:
    value = (value or "").strip()
    if not CODE_PATTERN.match(value):
        raise forms.ValidationError(_CODE_HELP)
    return value


def _reference_choices(table: dict[str, Any]) -> list[tuple[str, str]]:
    return [("", "—"), *((r.code, f"{r.code} · {r.label_ar} · {r.label_en}") for r in table.values())]


class DraftForm(forms.Form):
    notes = forms.CharField(
        label=_("What this version changes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60, help_text=_CODE_HELP)
    label_ar = forms.CharField(label=_("Label (Arabic)"), max_length=300)
    label_en = forms.CharField(label=_("Label (English)"), max_length=300, required=False)
    definition_ar = forms.CharField(
        label=_("Definition (Arabic)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    definition_en = forms.CharField(
        label=_("Definition (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    gbvims_type = forms.ChoiceField(label=_("GBVIMS type"), required=False, choices=_reference_choices(GBVIMS_TYPES))
    iccs_code = forms.ChoiceField(label=_("ICCS code"), required=False, choices=_reference_choices(ICCS_CODES))
    age_min = forms.IntegerField(label=_("From age"), required=False, min_value=0, max_value=130)
    age_max = forms.IntegerField(label=_("To age"), required=False, min_value=0, max_value=130)

    def __init__(self, *args: Any, code_list: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code_list = code_list
        if code_list != CodeList.VIOLENCE_TYPE:
            del self.fields["gbvims_type"], self.fields["iccs_code"]
        if code_list not in (CodeList.AGE_GROUP_GBVIMS, CodeList.AGE_GROUP_FIVE_YEAR):
            del self.fields["age_min"], self.fields["age_max"]

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data.get("code", ""))

    def to_data(self, *, national: bool) -> CodeData:
        d = self.cleaned_data
        return CodeData(
            list=self.code_list,
            code=d["code"],
            label_ar=d["label_ar"].strip(),
            label_en=d["label_en"].strip(),
            definition_ar=d["definition_ar"].strip(),
            definition_en=d["definition_en"].strip(),
            order=d["order"] or 0,
            active=d["active"],
            gbvims_type=d.get("gbvims_type") or "",
            iccs_code=d.get("iccs_code") or "",
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            national=national,
        )


class RenameForm(forms.Form):
    code = forms.ChoiceField(label=_("Code to rename"))
    new_code = forms.CharField(label=_("New code"), max_length=60, help_text=_CODE_HELP)
    label_ar = forms.CharField(label=_("New label (Arabic)"), max_length=300)
    label_en = forms.CharField(label=_("New label (English)"), max_length=300, required=False)

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codes  # type: ignore[attr-defined]

    def clean_new_code(self) -> str:
        return _clean_code(self.cleaned_data.get("new_code", ""))


class MergeForm(forms.Form):
    from_code = forms.ChoiceField(label=_("Merge this code"))
    to_code = forms.ChoiceField(label=_("Into this code"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(RecodeKind.MERGE, RecodeKind.MERGE.label), (RecodeKind.RETIRE, RecodeKind.RETIRE.label)],
    )

    def __init__(self, *args: Any, codes: list[tuple[str, str]], earlier: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_code"].choices = earlier  # type: ignore[attr-defined]
        self.fields["to_code"].choices = codes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_code") and data.get("from_code") == data.get("to_code"):
            self.add_error("to_code", _("A code cannot be merged into itself."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or JSON file"), help_text=_("Replaces the whole content of the draft."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".json")):
            raise forms.ValidationError(_("Choose a .csv or .json file."))
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
