"""Page forms. They only parse and show input: the services validate codes, dates and rules, and
their field errors are put back next to the fields (``add_service_errors``) with what was typed kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.accounts.models import User
from sanad.cases.models import AppealStatus, PersonRole, PlanKind, Platform, Report, RiskLevel
from sanad.cases.risk import Instrument
from sanad.cases.services import IncidentInput, ReportEdit, ReportInput
from sanad.institutions.models import Governorate, Institution, Membership
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, VersionStatus
from sanad.taxonomy.selectors import codes_of

DATE = {"type": "date"}


# A published version never changes (the database refuses any change to it), so its active codes
# are read once per process, every list at once; a draft's are read each time.
_PUBLISHED_CODES: dict[tuple[int, Any], dict[str, list[Code]]] = {}


def _active_codes(version: DefinitionVersion, code_list: str) -> list[Code]:
    if version.status != VersionStatus.PUBLISHED:
        return list(codes_of(version, code_list).filter(active=True))
    key = (version.pk, version.published_at)
    lists = _PUBLISHED_CODES.get(key)
    if lists is None:
        lists = {}
        for code in codes_of(version).filter(active=True):
            lists.setdefault(code.list, []).append(code)
        _PUBLISHED_CODES[key] = lists
    return lists.get(code_list, [])


def code_choices(version: DefinitionVersion | None, code_list: str, *, blank: bool = True) -> list[tuple[str, str]]:
    rows = [(c.code, c.label) for c in _active_codes(version, code_list)] if version else []
    return [("", "—"), *rows] if blank else rows


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date of the incident"), required=False, widget=forms.DateInput(DATE))
    period_start = forms.DateField(label=_("Or from (approximate)"), required=False, widget=forms.DateInput(DATE))
    period_end = forms.DateField(label=_("To (approximate)"), required=False, widget=forms.DateInput(DATE))
    governorate = forms.ModelChoiceField(label=_("Governorate"), queryset=Governorate.objects.none(), required=False)
    location_type_code = forms.ChoiceField(label=_("Place"), required=False)
    violence_type_codes = forms.MultipleChoiceField(
        label=_("Violence types"), widget=forms.CheckboxSelectMultiple, required=False
    )
    context_code = forms.ChoiceField(label=_("Context"), required=False)
    relationship_code = forms.ChoiceField(label=_("Relationship of the alleged perpetrator"), required=False)
    injuries = forms.BooleanField(label=_("Injuries"), required=False)
    weapons = forms.BooleanField(label=_("Weapons used or threatened"), required=False)
    children_present = forms.BooleanField(label=_("Children present"), required=False)
    repeated = forms.BooleanField(label=_("Repeated (not the first time)"), required=False)

    # Which service error keys belong to this form's fields (the report form prefixes incident keys).
    service_prefix = ""

    def __init__(self, *args: Any, version: DefinitionVersion | None, country_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["governorate"].queryset = Governorate.objects.filter(country_id=country_id or 0).order_by("code")  # type: ignore[attr-defined]
        self.fields["location_type_code"].choices = code_choices(version, CodeList.LOCATION_TYPE)  # type: ignore[attr-defined]
        self.fields["violence_type_codes"].choices = code_choices(version, CodeList.VIOLENCE_TYPE, blank=False)  # type: ignore[attr-defined]
        self.fields["context_code"].choices = code_choices(version, CodeList.CASE_CONTEXT)  # type: ignore[attr-defined]
        self.fields["relationship_code"].choices = code_choices(version, CodeList.RELATIONSHIP)  # type: ignore[attr-defined]

    def incident_input(self) -> IncidentInput:
        d = self.cleaned_data
        governorate = d.get("governorate")
        return IncidentInput(
            occurred_on=d.get("occurred_on"),
            period_start=d.get("period_start"),
            period_end=d.get("period_end"),
            governorate_id=governorate.pk if governorate else None,
            location_type_code=d.get("location_type_code") or "",
            violence_type_codes=list(d.get("violence_type_codes") or []),
            context_code=d.get("context_code") or "",
            relationship_code=d.get("relationship_code") or "",
            injuries=bool(d.get("injuries")),
            weapons=bool(d.get("weapons")),
            children_present=bool(d.get("children_present")),
            repeated=bool(d.get("repeated")),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = key.removeprefix(self.service_prefix)
            if name == "governorate_id":
                name = "governorate"
            self.add_error(name if name in self.fields else None, messages)


class ReportForm(IncidentForm):
    """A complaint or report with its first incident; further incidents and the persons are added
    on the report's page."""

    received_at = forms.DateTimeField(
        label=_("Received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    channel_code = forms.ChoiceField(label=_("Channel"))
    reporter_type_code = forms.ChoiceField(label=_("Reporter"))
    reporter_name = forms.CharField(label=_("Reporter's name (optional)"), required=False, max_length=200)
    urgent = forms.BooleanField(label=_("Urgent: immediate response needed"), required=False)
    narrative = forms.CharField(label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    service_prefix = "incidents.0."
    field_order = ("received_at", "channel_code", "reporter_type_code", "reporter_name", "urgent", "narrative")

    def __init__(self, *args: Any, version: DefinitionVersion | None, country_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, version=version, country_id=country_id, **kwargs)
        self.fields["channel_code"].choices = code_choices(version, CodeList.INTAKE_CHANNEL)  # type: ignore[attr-defined]
        self.fields["reporter_type_code"].choices = code_choices(version, CodeList.REPORTER_TYPE)  # type: ignore[attr-defined]
        self.order_fields(self.field_order)

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        return ReportInput(
            received_at=d["received_at"],
            channel_code=d["channel_code"],
            reporter_type_code=d["reporter_type_code"],
            reporter_name=d.get("reporter_name") or "",
            narrative=d.get("narrative") or "",
            urgent=bool(d.get("urgent")),
            incidents=[self.incident_input()],
        )


class ReportEditForm(forms.Form):
    """Correcting the report's own fields; ``row_version`` is the version the editor loaded."""

    received_at = ReportForm.base_fields["received_at"]
    channel_code = forms.ChoiceField(label=_("Channel"))
    reporter_type_code = forms.ChoiceField(label=_("Reporter"))
    reporter_name = ReportForm.base_fields["reporter_name"]
    urgent = ReportForm.base_fields["urgent"]
    narrative = ReportForm.base_fields["narrative"]
    row_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, version: DefinitionVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel_code"].choices = code_choices(version, CodeList.INTAKE_CHANNEL)  # type: ignore[attr-defined]
        self.fields["reporter_type_code"].choices = code_choices(version, CodeList.REPORTER_TYPE)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, report: Report) -> dict[str, Any]:
        return {
            "received_at": timezone.localtime(report.received_at).strftime("%Y-%m-%dT%H:%M"),
            "channel_code": report.channel_code,
            "reporter_type_code": report.reporter_type_code,
            "reporter_name": str(report.reporter_name or ""),
            "urgent": report.urgent,
            "narrative": str(report.narrative or ""),
            "row_version": report.row_version,
        }

    def to_edit(self) -> ReportEdit:
        d = self.cleaned_data
        return ReportEdit(
            received_at=d["received_at"],
            channel_code=d["channel_code"],
            reporter_type_code=d["reporter_type_code"],
            reporter_name=d.get("reporter_name") or "",
            narrative=d.get("narrative") or "",
            urgent=bool(d.get("urgent")),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in this report"), choices=PersonRole.choices)


class AssessmentForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level after professional judgement (may raise, never lower)"),
        choices=[("", _("As the score gives")), *RiskLevel.choices],
        required=False,
    )
    judgement_reason = forms.CharField(
        label=_("Reason for raising the level"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for n, item in enumerate(instrument.items, start=1):
            self.fields[f"item_{item.code}"] = forms.BooleanField(label=f"{n}. {item.text}", required=False)
        self.order_fields([f"item_{i.code}" for i in instrument.items])

    def answers(self) -> dict[str, bool]:
        return {item.code: bool(self.cleaned_data.get(f"item_{item.code}")) for item in self.instrument.items}

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{i.code}"] for i in self.instrument.items]


class VersionedForm(forms.Form):
    """Carries the case version the editor loaded: a change made meanwhile by someone else is
    detected, and this editor's input is shown back to them, not lost."""

    row_version = forms.IntegerField(widget=forms.HiddenInput)


class AdvanceForm(VersionedForm):
    to_status = forms.CharField(widget=forms.HiddenInput)


class ClosureRequestForm(VersionedForm):
    reason_code = forms.ChoiceField(label=_("Closure reason"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, version: DefinitionVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = code_choices(version, CodeList.CLOSURE_REASON)  # type: ignore[attr-defined]


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (required to reject)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanActionForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=PlanKind.choices)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(DATE))


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices read in one query: the default iterator streams them through a server-side
    cursor on PostgreSQL, three round trips for a list of a few dozen rows on every case page."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = _ListedChoices


class ServiceForm(forms.Form):
    service_code = forms.ChoiceField(label=_("Service"))
    provider = ListedModelChoiceField(label=_("Provider institution"), queryset=Institution.objects.none())
    delivered_on = forms.DateField(label=_("Date delivered"), widget=forms.DateInput(DATE))
    outcome_code = forms.ChoiceField(label=_("Outcome"), required=False)

    def __init__(self, *args: Any, version: DefinitionVersion | None, country_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_code"].choices = code_choices(version, CodeList.SERVICE)  # type: ignore[attr-defined]
        self.fields["outcome_code"].choices = code_choices(version, CodeList.OUTCOME)  # type: ignore[attr-defined]
        self.fields["provider"].queryset = Institution.objects.filter(country_id=country_id or 0).order_by("code")  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class AppealForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    link = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
    posted_on = forms.DateField(label=_("Date posted"), widget=forms.DateInput(DATE))
    posted_by = forms.CharField(label=_("Posted by"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Step"), choices=[(v, label) for v, label in AppealStatus.choices if v != AppealStatus.NEW]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(VersionedForm):
    assigned_to = ListedModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, unit_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the case workers and supervisors of the case's own unit can carry it.
        self.fields["assigned_to"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                pk__in=Membership.objects.current()
                .filter(unit_id=unit_id or 0, role__in=["case_worker", "supervisor"])
                .values("user_id"),
            ).order_by("username")
        )
