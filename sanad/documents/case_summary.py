"""The case summary for a receiving institution, as a PDF document.

``build_case_summary`` takes the case and an explicit set of sections: it prints those and nothing
else, so a referral can pass exactly the scope the survivor consented to (and a consent block). The
case owner unit's export (``export_case_summary``) checks the policy and audits the export.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.cases.models import Case, PlanAction
from sanad.documents.pdf import Block, Consent, Document, Heading, KeyValues, Paragraph, confidential_footer, render
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion

# The sections a summary can hold, in the order they are printed.
SECTIONS: dict[str, Any] = {
    "case": gettext_lazy("The case"),
    "survivor": gettext_lazy("Survivor"),
    "risk": gettext_lazy("Risk"),
    "incidents": gettext_lazy("Incidents"),
    "plan": gettext_lazy("Safety plan and case plan"),
    "services": gettext_lazy("Services delivered"),
    "narrative": gettext_lazy("Narrative of the reports"),
}


class UnknownSection(ValueError):
    pass


def parse_sections(raw: str | None) -> frozenset[str]:
    """``case,risk`` → the set; empty or missing → every section."""
    names = [s.strip() for s in (raw or "").split(",") if s.strip()]
    chosen = frozenset(names) if names else frozenset(SECTIONS)
    unknown = chosen - set(SECTIONS)
    if unknown:
        raise UnknownSection(", ".join(sorted(unknown)))
    return chosen


def _labels(version: DefinitionVersion | None, code_list: str, codes: Iterable[str]) -> dict[str, str]:
    wanted = [c for c in codes if c]
    if version is None or not wanted:
        return {}
    return {c.code: c.label for c in Code.objects.filter(version=version, list=code_list, code__in=wanted)}


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


def _case_rows(case: Case) -> list[Block]:
    closure = _labels(case.definitions_version, CodeList.CLOSURE_REASON, [case.closure_reason_code])
    rows = [
        (_("Case number"), case.number),
        (_("Status"), str(case.get_status_display())),
        (_("Unit"), f"{case.owner_unit.institution.name} · {case.owner_unit.name}"),
        (_("Opened on"), _date(timezone.localtime(case.created_at).date())),
    ]
    if case.closure_reason_code:
        rows.append((_("Closure reason"), closure.get(case.closure_reason_code, case.closure_reason_code)))
    return [KeyValues(title=str(SECTIONS["case"]), rows=rows)]


def _survivor_rows(case: Case) -> list[Block]:
    person = case.survivor
    born = _date(person.date_of_birth)
    if person.date_of_birth and person.dob_is_estimated:
        born = _("%(date)s (estimated)") % {"date": born}
    rows = [
        (_("Name"), person.full_name),
        (_("Sex"), str(person.get_sex_display())),
        (_("Date of birth"), born),
    ]
    return [KeyValues(title=str(SECTIONS["survivor"]), rows=rows)]


def _risk_rows(case: Case) -> list[Block]:
    latest = case.assessments.order_by("-assessed_at", "-pk").first()
    rows = [
        (_("Risk level"), str(case.get_risk_level_display() or "—")),
        (_("Flagged for multi-agency review"), _yes_no(case.multi_agency_review)),
    ]
    if latest is not None:
        rows.append((_("Last assessment"), f"{_date(timezone.localtime(latest.assessed_at).date())} · {latest.score}"))
    return [KeyValues(title=str(SECTIONS["risk"]), rows=rows)]


def _incident_blocks(case: Case) -> list[Block]:
    blocks: list[Block] = [Heading(str(SECTIONS["incidents"]))]
    incidents = [i for r in case.reports.order_by("received_at", "pk") for i in r.incidents.order_by("pk")]
    if not incidents:
        return [*blocks, Paragraph(_("None recorded."))]
    for number, incident in enumerate(incidents, start=1):
        version = incident.definitions_version
        types = _labels(version, CodeList.VIOLENCE_TYPE, incident.violence_type_codes)
        context = _labels(version, CodeList.CASE_CONTEXT, [incident.context_code])
        relationship = _labels(version, CodeList.RELATIONSHIP, [incident.relationship_code])
        when = _date(incident.occurred_on)
        if not incident.occurred_on and (incident.period_start or incident.period_end):
            when = f"{_date(incident.period_start)} – {_date(incident.period_end)}"
        rows = [
            (_("Date"), when),
            (_("Violence types"), "، ".join(types.get(c, c) for c in incident.violence_type_codes) or "—"),
            (_("Context"), context.get(incident.context_code, incident.context_code) or "—"),
            (_("Relationship"), relationship.get(incident.relationship_code, incident.relationship_code) or "—"),
            (_("Injuries"), _yes_no(incident.injuries)),
            (_("Weapons used or threatened"), _yes_no(incident.weapons)),
            (_("Children present"), _yes_no(incident.children_present)),
        ]
        blocks.append(KeyValues(title=_("Incident %(n)s") % {"n": number}, rows=rows))
    return blocks


def _plan_blocks(case: Case) -> list[Block]:
    actions: list[PlanAction] = list(case.plan_actions.all())
    rows = [
        (
            f"{a.get_plan_display()} · {_date(a.due_on)}",
            f"{a.goal!s} — {a.action!s} ({a.responsible}){' · ' + _('Done') if a.done_at else ''}",
        )
        for a in actions
    ]
    return [KeyValues(title=str(SECTIONS["plan"]), rows=rows or [(_("Actions"), _("None recorded."))])]


def _service_blocks(case: Case) -> list[Block]:
    delivered = list(case.services.select_related("provider", "definitions_version"))
    rows = []
    for s in delivered:
        labels = _labels(s.definitions_version, CodeList.SERVICE, [s.service_code])
        outcomes = _labels(s.definitions_version, CodeList.OUTCOME, [s.outcome_code])
        outcome = outcomes.get(s.outcome_code, s.outcome_code)
        rows.append(
            (
                labels.get(s.service_code, s.service_code),
                f"{s.provider.name} · {_date(s.delivered_on)}" + (f" · {outcome}" if outcome else ""),
            )
        )
    return [KeyValues(title=str(SECTIONS["services"]), rows=rows or [(_("Services"), _("None recorded."))])]


def _narrative_blocks(case: Case) -> list[Block]:
    blocks: list[Block] = [Heading(str(SECTIONS["narrative"]))]
    for report in case.reports.order_by("received_at", "pk"):
        received = _date(timezone.localtime(report.received_at).date())
        blocks.append(Paragraph(f"R-{report.pk} · {received}"))
        blocks.append(Paragraph(str(report.narrative or "—")))
    return blocks


_BUILDERS = {
    "case": _case_rows,
    "survivor": _survivor_rows,
    "risk": _risk_rows,
    "incidents": _incident_blocks,
    "plan": _plan_blocks,
    "services": _service_blocks,
    "narrative": _narrative_blocks,
}


def build_case_summary(
    case: Case,
    *,
    sections: frozenset[str],
    language: str = "ar",
    consent: Consent | None = None,
    footer: str = "",
) -> Document:
    """The summary of ``case`` holding exactly ``sections`` (and the consent block when given)."""
    unknown = sections - set(SECTIONS)
    if unknown:
        raise UnknownSection(", ".join(sorted(unknown)))
    with translation.override(language):
        blocks: list[Block] = []
        for name in SECTIONS:
            if name in sections:
                blocks.extend(_BUILDERS[name](case))
        if consent is not None:
            blocks.append(consent)
        return Document(
            title=_("Case summary %(number)s") % {"number": case.number},
            blocks=blocks,
            language=language,
            footer=footer or _("Confidential: for the receiving institution only."),
        )


def export_case_summary(*, actor: Actor, case: Case, sections: frozenset[str], language: str) -> bytes:
    """The case owner unit's PDF export: checked against the policy and audited as an export."""
    require(actor, "case.export_summary", case)
    footer = confidential_footer(username=actor.user.get_username() if actor.user else "", language=language)
    document = build_case_summary(case, sections=sections, language=language, footer=footer)
    data = render(document)
    audit_record(
        actor=actor,
        action="case.export",
        object_type="cases.case",
        object_id=case.pk,
        details={"format": "pdf", "document": "case_summary", "sections": sorted(sections)},
    )
    return data
