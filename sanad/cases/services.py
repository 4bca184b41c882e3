"""Every write to reports and cases: access checked first, validated, audited in the same
transaction, and written to the case's timeline. Notices to supervisors are written in the same
transaction too, so an urgent report and its alert exist together or not at all."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.models import Confidentiality
from sanad.access.policy import can, require
from sanad.accounts.models import User
from sanad.audit.history import history_context
from sanad.audit.services import audit_record
from sanad.cases.models import (
    APPEAL_CLOSED,
    RISK_ORDER,
    WORK_STEPS,
    Appeal,
    AppealLogEntry,
    AppealStatus,
    Attachment,
    Case,
    CaseNote,
    CaseStatus,
    ClosureDecision,
    ClosureRequest,
    Incident,
    PersonRole,
    PlanAction,
    PlanKind,
    Platform,
    Report,
    ReportPerson,
    ReportStatus,
    RiskAssessment,
    RiskLevel,
    ServiceDelivered,
    TimelineEntry,
    TimelineKind,
)
from sanad.cases.risk import instrument
from sanad.institutions.models import Country, Governorate
from sanad.institutions.roles import Role
from sanad.notices.models import NoticeKind
from sanad.notices.services import current_users_with_role, notify
from sanad.people.models import Person
from sanad.taxonomy.coded import validate_code
from sanad.taxonomy.models import CodeList, DefinitionVersion, VersionStatus


class StaleVersion(Exception):
    """The record changed since the editor loaded it: their change was not applied."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(f"record is now at version {current}")


@dataclass(frozen=True)
class IncidentInput:
    occurred_on: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    governorate_id: int | None = None
    location_type_code: str = ""
    violence_type_codes: list[str] = field(default_factory=list)
    context_code: str = ""
    relationship_code: str = ""
    injuries: bool = False
    weapons: bool = False
    children_present: bool = False
    repeated: bool = False


@dataclass(frozen=True)
class ReportInput:
    received_at: dt.datetime
    channel_code: str
    reporter_type_code: str
    reporter_name: str = ""
    narrative: str = ""
    urgent: bool = False
    # (person id, role) pairs: persons found or registered in the people registry.
    persons: list[tuple[int, str]] = field(default_factory=list)
    incidents: list[IncidentInput] = field(default_factory=list)


@dataclass(frozen=True)
class ReportEdit:
    """The report's own fields; persons and incidents are added on their own."""

    received_at: dt.datetime
    channel_code: str
    reporter_type_code: str
    reporter_name: str = ""
    narrative: str = ""
    urgent: bool = False


def _user(actor: Actor) -> User:
    # Every write here is a person's act; require() has already refused an actor without a user.
    if actor.user is None:
        raise ValueError("no acting user")
    return actor.user


def current_definitions(country: Country) -> DefinitionVersion:
    version = (
        DefinitionVersion.objects.filter(country=country, status=VersionStatus.PUBLISHED).order_by("-number").first()
    )
    if version is None:
        raise ValidationError(_("No published definitions exist for this country yet."))
    return version


def _code_error(errors: dict[str, list[str]], name: str, code_list: str, code: str, version: DefinitionVersion) -> None:
    try:
        validate_code(code_list, code, version)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)


def _validate_incident(
    errors: dict[str, list[str]],
    prefix: str,
    data: IncidentInput,
    *,
    received_on: dt.date,
    version: DefinitionVersion,
    country: Country,
) -> None:
    def err(name: str, message: str) -> None:
        errors.setdefault(prefix + name, []).append(message)

    if data.occurred_on is None and data.period_start is None:
        err("occurred_on", _("Give the date of the incident, or the start of an approximate period."))
    for name in ("occurred_on", "period_start", "period_end"):
        value = getattr(data, name)
        if value is not None and value > _local_today(country):
            err(name, _("The date is in the future."))
        elif value is not None and value > received_on:
            err(name, _("The incident cannot be after the report was received."))
    if data.period_start and data.period_end and data.period_end < data.period_start:
        err("period_end", _("The end of the period is before its start."))
    if (
        data.governorate_id is not None
        and not Governorate.objects.filter(pk=data.governorate_id, country=country).exists()
    ):
        err("governorate", _("Unknown governorate."))
    if data.location_type_code:
        _code_error(errors, prefix + "location_type_code", CodeList.LOCATION_TYPE, data.location_type_code, version)
    if not data.violence_type_codes:
        err("violence_type_codes", _("Choose at least one violence type."))
    for code in data.violence_type_codes:
        _code_error(errors, prefix + "violence_type_codes", CodeList.VIOLENCE_TYPE, code, version)
    if data.context_code:
        _code_error(errors, prefix + "context_code", CodeList.CASE_CONTEXT, data.context_code, version)
    if data.relationship_code:
        _code_error(errors, prefix + "relationship_code", CodeList.RELATIONSHIP, data.relationship_code, version)


def _local_today(country: Country) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(country.time_zone)).date()


def _reachable_person(actor: Actor, person_id: int) -> Person | None:
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    return person if person is not None and can(actor, "person.view", person) else None


def report_register(*, actor: Actor, data: ReportInput) -> Report:
    """Register a complaint or report with its persons and incidents. ValidationError carries a
    message per field (``incidents.<n>.<field>`` for incident fields); nothing is saved then."""
    require(actor, "report.create")
    membership = actor.membership
    if membership is None:  # require() has already refused; this narrows the type
        raise ValueError("no acting membership")
    country = membership.unit.institution.country
    version = current_definitions(country)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if data.received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The time received is in the future.")]
    _code_error(errors, "channel_code", CodeList.INTAKE_CHANNEL, data.channel_code, version)
    _code_error(errors, "reporter_type_code", CodeList.REPORTER_TYPE, data.reporter_type_code, version)
    received_on = data.received_at.astimezone(zoneinfo.ZoneInfo(country.time_zone)).date()
    for n, incident in enumerate(data.incidents):
        _validate_incident(
            errors, f"incidents.{n}.", incident, received_on=received_on, version=version, country=country
        )
    persons: list[tuple[Person, str]] = []
    for person_id, role in data.persons:
        person = _reachable_person(actor, person_id)
        if person is None:
            errors.setdefault("persons", []).append(_("Person %(id)s was not found.") % {"id": person_id})
        elif role not in PersonRole.values:
            errors.setdefault("persons", []).append(_("Unknown role %(role)s.") % {"role": role})
        else:
            persons.append((person, role))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        report = Report.objects.create(
            owner_unit=membership.unit,
            created_by=_user(actor),
            country=country,
            received_at=data.received_at,
            definitions_version=version,
            channel_code=data.channel_code,
            reporter_type_code=data.reporter_type_code,
            reporter_name=data.reporter_name or None,
            narrative=data.narrative or None,
            urgent=data.urgent,
        )
        # A new report has no persons yet: one insert for all (a pair given twice is kept once).
        unique = list(dict.fromkeys((person.pk, role) for person, role in persons))
        ReportPerson.objects.bulk_create([ReportPerson(report=report, person_id=pk, role=role) for pk, role in unique])
        for incident in data.incidents:
            _create_incident(report, incident, version)
        # Codes and counts only: the audit trail must not become a copy of the narrative.
        audit_record(
            actor=actor,
            action="report.create",
            object_type="cases.report",
            object_id=report.pk,
            details={"channel": data.channel_code, "urgent": data.urgent, "incidents": len(data.incidents)},
        )
        if data.urgent:
            notify(
                recipients=current_users_with_role(Role.SUPERVISOR, unit_id=membership.unit_id),
                kind=NoticeKind.URGENT_REPORT,
                object_type="cases.report",
                object_id=report.pk,
                params={"at": timezone.localtime(data.received_at).strftime("%Y-%m-%d %H:%M")},
            )
    return report


def report_update(*, actor: Actor, report: Report, data: ReportEdit, expected_version: int | None) -> Report:
    """Correct the report's own fields. A stale ``expected_version`` raises StaleVersion and changes
    nothing; refused input raises ValidationError per field and changes nothing."""
    require(actor, "report.edit", report)
    version = report.definitions_version
    country = report.country
    errors: dict[str, list[str]] = {}
    if data.received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The time received is in the future.")]
    if version is not None:
        _code_error(errors, "channel_code", CodeList.INTAKE_CHANNEL, data.channel_code, version)
        _code_error(errors, "reporter_type_code", CodeList.REPORTER_TYPE, data.reporter_type_code, version)
    received_on = data.received_at.astimezone(zoneinfo.ZoneInfo(country.time_zone)).date()
    for incident in report.incidents.all():
        started = incident.occurred_on or incident.period_start
        if started is not None and started > received_on:
            errors["received_at"] = [_("An incident of this report happened after that time.")]
            break
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if expected_version is not None and locked.row_version != expected_version:
            raise StaleVersion(locked.row_version)
        # Encrypted texts compare by their plain value; an empty text is stored as NULL.
        current = {
            "received_at": locked.received_at,
            "channel_code": locked.channel_code,
            "reporter_type_code": locked.reporter_type_code,
            "reporter_name": str(locked.reporter_name or ""),
            "narrative": str(locked.narrative or ""),
            "urgent": locked.urgent,
        }
        wanted = {
            "received_at": data.received_at,
            "channel_code": data.channel_code,
            "reporter_type_code": data.reporter_type_code,
            "reporter_name": data.reporter_name,
            "narrative": data.narrative,
            "urgent": data.urgent,
        }
        changed = [name for name, value in wanted.items() if current[name] != value]
        for name in changed:
            value = wanted[name]
            setattr(locked, name, (value or None) if name in ("reporter_name", "narrative") else value)
        if changed:
            locked.row_version += 1
            locked.save(update_fields=[*changed, "row_version"])
            # Field names only: the audit trail must not become a copy of the narrative.
            audit_record(
                actor=actor,
                action="report.edit",
                object_type="cases.report",
                object_id=locked.pk,
                details={"fields": sorted(changed)},
            )
    return locked


def _create_incident(report: Report, data: IncidentInput, version: DefinitionVersion) -> Incident:
    return Incident.objects.create(
        report=report,
        definitions_version=version,
        occurred_on=data.occurred_on,
        period_start=data.period_start,
        period_end=data.period_end,
        governorate_id=data.governorate_id,
        location_type_code=data.location_type_code,
        violence_type_codes=list(data.violence_type_codes),
        context_code=data.context_code,
        relationship_code=data.relationship_code,
        injuries=data.injuries,
        weapons=data.weapons,
        children_present=data.children_present,
        repeated=data.repeated,
    )


def report_add_incident(*, actor: Actor, report: Report, data: IncidentInput) -> Incident:
    require(actor, "report.edit", report)
    version = current_definitions(report.country)
    errors: dict[str, list[str]] = {}
    received_on = report.received_at.astimezone(zoneinfo.ZoneInfo(report.country.time_zone)).date()
    _validate_incident(errors, "", data, received_on=received_on, version=version, country=report.country)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        incident = _create_incident(report, data, version)
        audit_record(actor=actor, action="report.add_incident", object_type="cases.report", object_id=report.pk)
    return incident


def report_add_person(*, actor: Actor, report: Report, person_id: int, role: str) -> ReportPerson:
    require(actor, "report.edit", report)
    person = _reachable_person(actor, person_id)
    if person is None:
        raise ValidationError({"person": [_("Person %(id)s was not found.") % {"id": person_id}]})
    if role not in PersonRole.values:
        raise ValidationError({"role": [_("Unknown role %(role)s.") % {"role": role}]})
    with transaction.atomic(), history_context(actor):
        link, _created = ReportPerson.objects.get_or_create(report=report, person=person, role=role)
        audit_record(
            actor=actor,
            action="report.add_person",
            object_type="cases.report",
            object_id=report.pk,
            details={"person": person.pk, "role": role},
        )
    return link


def _next_number(country: Country, at: dt.datetime) -> tuple[int, int, str]:
    """(year, sequence, number). The upsert locks the counter row until commit: concurrent openings
    queue on it, and a rolled-back opening gives its number back, so the sequence has no gaps."""
    year = at.astimezone(zoneinfo.ZoneInfo(country.time_zone)).year
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casecounter (country_id, year, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (country_id, year) DO UPDATE SET last = cases_casecounter.last + 1 RETURNING last",
            [country.pk, year],
        )
        sequence = int(cursor.fetchone()[0])
    return year, sequence, f"{country.case_prefix}-{year}-{sequence:06d}"


def _event(case: Case, kind: str, actor: Actor, **params: Any) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, kind=kind, by=actor.user, params=params)


def _survivor(report: Report) -> Person:
    link = report.persons.filter(role=PersonRole.SURVIVOR).select_related("person").order_by("pk").first()
    if link is None:
        raise ValidationError({"persons": [_("Add the survivor to the report before opening a case.")]})
    return link.person


def open_case_of(*, actor: Actor, report: Report) -> Case | None:
    """An open case of the report's survivor within the actor's reach, to link to instead of opening."""
    from sanad.cases.selectors import case_list

    link = report.persons.filter(role=PersonRole.SURVIVOR).order_by("pk").first()
    if link is None:
        return None
    return case_list(actor=actor).filter(survivor_id=link.person_id).exclude(status=CaseStatus.CLOSED).first()


def case_open(
    *, actor: Actor, report: Report, assigned_to: User | None = None, opened_at: dt.datetime | None = None
) -> Case:
    """Open a case from a new report: numbered per country and year, owned by the actor's unit.
    ``opened_at`` is for recording a past opening (imports, synthetic data); never in the future."""
    require(actor, "case.open", report)
    now = timezone.now()
    opened_at = min(opened_at or now, now)
    membership = actor.membership
    if membership is None:
        raise ValueError("no acting membership")
    with transaction.atomic(), history_context(actor):
        locked = Report.objects.select_for_update().select_related("country").get(pk=report.pk)
        if locked.status != ReportStatus.NEW:
            raise ValidationError(_("This report is already handled."))
        survivor = _survivor(locked)
        year, sequence, number = _next_number(locked.country, opened_at)
        case = Case.objects.create(
            owner_unit=membership.unit,
            created_by=_user(actor),
            country=locked.country,
            number=number,
            year=year,
            sequence=sequence,
            survivor=survivor,
            created_at=opened_at,
            assigned_to=assigned_to or (actor.user if actor.role == Role.CASE_WORKER else None),
            confidentiality=locked.confidentiality,
        )
        locked.case = case
        locked.status = ReportStatus.CASE_OPENED
        locked.save(update_fields=["case", "status"])
        TimelineEntry.objects.create(
            case=case, kind=TimelineKind.OPENED, by=actor.user, at=opened_at, params={"report": locked.pk}
        )
        audit_record(
            actor=actor,
            action="case.open",
            object_type="cases.case",
            object_id=case.pk,
            details={"report": locked.pk, "number": number},
        )
    return case


def case_link_report(*, actor: Actor, report: Report, case: Case) -> Case:
    """Attach a new report to an existing open case of the same survivor instead of opening another."""
    require(actor, "case.open", report)
    require(actor, "case.edit", case)
    with transaction.atomic(), history_context(actor):
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.NEW:
            raise ValidationError(_("This report is already handled."))
        if not case.is_open:
            raise ValidationError(_("A closed case cannot take a new report; reopen it first."))
        if not locked.persons.filter(role=PersonRole.SURVIVOR, person_id=case.survivor_id).exists():
            raise ValidationError(_("The case's survivor is not a survivor in this report."))
        locked_case = _lock(case, None)
        locked.case = locked_case
        locked.status = ReportStatus.LINKED
        locked.save(update_fields=["case", "status"])
        _save(locked_case, [])
        _event(locked_case, TimelineKind.REPORT_LINKED, actor, report=locked.pk)
        audit_record(
            actor=actor,
            action="case.link_report",
            object_type="cases.case",
            object_id=case.pk,
            details={"report": report.pk},
        )
    return case


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise StaleVersion(locked.row_version)
    return locked


def _save(case: Case, fields: list[str]) -> None:
    case.row_version += 1
    case.save(update_fields=[*fields, "row_version"])


def case_advance(*, actor: Actor, case: Case, to_status: str, expected_version: int | None) -> Case:
    """Move a case one step along engagement → assessment → plan → implementation → follow-up
    (or one step back, to correct a mistake)."""
    require(actor, "case.advance", case)
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, expected_version)
        if locked.status not in WORK_STEPS or to_status not in WORK_STEPS:
            raise ValidationError({"status": [_("This case cannot move to that step now.")]})
        if abs(WORK_STEPS.index(CaseStatus(to_status)) - WORK_STEPS.index(CaseStatus(locked.status))) != 1:
            raise ValidationError({"status": [_("A case moves one step at a time.")]})
        before = locked.status
        locked.status = to_status
        _save(locked, ["status"])
        _event(locked, TimelineKind.STATUS_CHANGED, actor, before=before, after=to_status)
        audit_record(
            actor=actor,
            action="case.advance",
            object_type="cases.case",
            object_id=locked.pk,
            details={"from": before, "to": to_status},
        )
    return locked


def case_assign(*, actor: Actor, case: Case, user: User, expected_version: int | None) -> Case:
    require(actor, "case.assign", case)
    from sanad.institutions.models import Membership

    # A current membership only: someone who left the unit cannot be given its cases.
    carriers = Membership.objects.current().filter(
        user=user, unit_id=case.owner_unit_id, role__in=[Role.CASE_WORKER, Role.SUPERVISOR]
    )
    if not user.is_active or not carriers.exists():
        raise ValidationError({"assigned_to": [_("Assign to a case worker or supervisor of the case's unit.")]})
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, expected_version)
        locked.assigned_to = user
        _save(locked, ["assigned_to"])
        _event(locked, TimelineKind.ASSIGNED, actor, user=user.get_username())
        audit_record(
            actor=actor, action="case.assign", object_type="cases.case", object_id=locked.pk, details={"to": user.pk}
        )
    return locked


def case_assess_risk(
    *,
    actor: Actor,
    case: Case,
    answers: dict[str, bool],
    judged_level: str = "",
    reason: str = "",
    instrument_code: str = "dash",
) -> RiskAssessment:
    """Score the instrument; professional judgement may raise the level (with a reason), never
    lower it. A high level flags the case for multi-agency review."""
    require(actor, "case.assess", case)
    tool = instrument(instrument_code)
    known = {item.code for item in tool.items}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors["answers"] = [_("Unknown items: %(items)s.") % {"items": ", ".join(unknown)}]
    score = tool.score(answers)
    computed = tool.level_for(score)
    level = judged_level or computed
    if level not in RiskLevel.values:
        errors["level"] = [_("Unknown risk level.")]
    elif RISK_ORDER[RiskLevel(level)] < RISK_ORDER[RiskLevel(computed)]:
        errors["level"] = [_("Professional judgement may raise the level, never lower it.")]
    elif level != computed and not reason.strip():
        errors["judgement_reason"] = [_("Give the reason for raising the level.")]
    if not case.is_open:
        errors.setdefault("__all__", []).append(_("A closed case cannot be assessed."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, None)
        assessment = RiskAssessment.objects.create(
            case=locked,
            instrument=tool.code,
            answers={item.code: bool(answers.get(item.code)) for item in tool.items},
            score=score,
            computed_level=computed,
            level=level,
            judgement_reason=reason.strip() if level != computed else "",
            assessed_by=_user(actor),
        )
        locked.risk_level = level
        fields = ["risk_level"]
        if level == RiskLevel.HIGH and not locked.multi_agency_review:
            locked.multi_agency_review = True
            fields.append("multi_agency_review")
        _save(locked, fields)
        _event(locked, TimelineKind.RISK_ASSESSED, actor, score=score, level=level, computed=computed)
        audit_record(
            actor=actor,
            action="case.assess",
            object_type="cases.case",
            object_id=locked.pk,
            details={"instrument": tool.code, "score": score, "level": level},
        )
    return assessment


def case_request_closure(
    *, actor: Actor, case: Case, reason_code: str, note: str = "", expected_version: int | None
) -> ClosureRequest:
    require(actor, "case.request_closure", case)
    version = current_definitions(case.country)
    errors: dict[str, list[str]] = {}
    _code_error(errors, "reason_code", CodeList.CLOSURE_REASON, reason_code, version)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, expected_version)
        if locked.status not in WORK_STEPS:
            raise ValidationError(_("Closure is already requested, or the case is closed."))
        request = ClosureRequest.objects.create(
            case=locked,
            definitions_version=version,
            reason_code=reason_code,
            note=note,
            status_before=locked.status,
            requested_by=_user(actor),
        )
        locked.status = CaseStatus.CLOSURE_REQUESTED
        _save(locked, ["status"])
        _event(locked, TimelineKind.CLOSURE_REQUESTED, actor, reason=reason_code)
        audit_record(
            actor=actor,
            action="case.request_closure",
            object_type="cases.case",
            object_id=locked.pk,
            details={"reason": reason_code},
        )
        notify(
            recipients=current_users_with_role(Role.SUPERVISOR, unit_id=locked.owner_unit_id),
            kind=NoticeKind.CLOSURE_REQUESTED,
            object_type="cases.case",
            object_id=locked.pk,
            params={"number": locked.number},
        )
    return request


def case_decide_closure(
    *, actor: Actor, case: Case, approve: bool, note: str = "", expected_version: int | None = None
) -> Case:
    """The owner unit's supervisor approves or rejects a pending closure; never their own request."""
    require(actor, "case.approve_closure", case)
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, expected_version)
        request = (
            ClosureRequest.objects.select_for_update().filter(case=locked, decision=ClosureDecision.PENDING).first()
        )
        if request is None:
            raise ValidationError(_("No closure awaits approval on this case."))
        if request.requested_by_id == actor.user_id:
            raise ValidationError(_("A closure is approved by another person than the one who asked for it."))
        if not approve and not note.strip():
            raise ValidationError({"note": [_("Say why the closure is rejected.")]})
        request.decision = ClosureDecision.APPROVED if approve else ClosureDecision.REJECTED
        request.decided_by = actor.user
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        if approve:
            locked.status = CaseStatus.CLOSED
            locked.closed_at = request.decided_at
            locked.closure_reason_code = request.reason_code
            locked.definitions_version = request.definitions_version
            _save(locked, ["status", "closed_at", "closure_reason_code", "definitions_version"])
            _event(locked, TimelineKind.CLOSURE_APPROVED, actor, reason=request.reason_code)
        else:
            locked.status = request.status_before
            _save(locked, ["status"])
            _event(locked, TimelineKind.CLOSURE_REJECTED, actor)
        audit_record(
            actor=actor,
            action="case.approve_closure" if approve else "case.reject_closure",
            object_type="cases.case",
            object_id=locked.pk,
        )
    return locked


def case_reopen(*, actor: Actor, case: Case, reason: str, expected_version: int | None = None) -> Case:
    require(actor, "case.reopen", case)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, expected_version)
        if locked.status != CaseStatus.CLOSED:
            raise ValidationError(_("Only a closed case can be reopened."))
        locked.status = CaseStatus.ENGAGEMENT
        locked.closed_at = None
        locked.closure_reason_code = ""
        _save(locked, ["status", "closed_at", "closure_reason_code"])
        _event(locked, TimelineKind.REOPENED, actor)
        audit_record(actor=actor, action="case.reopen", object_type="cases.case", object_id=locked.pk, reason=reason)
    return locked


def case_set_confidentiality(*, actor: Actor, case: Case, level: str, reason: str) -> Case:
    if level not in Confidentiality.values:
        raise ValueError(f"unknown confidentiality level {level!r}")
    require(actor, "case.set_confidentiality", case)
    with transaction.atomic(), history_context(actor):
        locked = _lock(case, None)
        before = locked.confidentiality
        locked.confidentiality = level
        _save(locked, ["confidentiality"])
        # The case's reports follow it: a sealed case must not stay readable through its report.
        Report.objects.filter(case=locked).update(confidentiality=level)
        _event(locked, TimelineKind.CONFIDENTIALITY, actor, before=before, after=level)
        audit_record(
            actor=actor,
            action="case.set_confidentiality",
            object_type="cases.case",
            object_id=locked.pk,
            reason=reason,
            details={"from": before, "to": level},
        )
    return locked


def _open_case(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("A closed case cannot be changed; reopen it first."))


def case_add_plan_action(
    *, actor: Actor, case: Case, plan: str, goal: str, action: str, responsible: str, due_on: dt.date
) -> PlanAction:
    require(actor, "case.plan", case)
    _open_case(case)
    errors: dict[str, list[str]] = {}
    if plan not in PlanKind.values:
        errors["plan"] = [_("Unknown plan.")]
    for name, value in (("goal", goal), ("action", action), ("responsible", responsible)):
        if not value.strip():
            errors[name] = [_("This field is required.")]
    if due_on < _local_today(case.country) - dt.timedelta(days=1):
        errors["due_on"] = [_("The due date is in the past.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        row = PlanAction.objects.create(
            case=case,
            plan=plan,
            goal=goal.strip(),
            action=action.strip(),
            responsible=responsible.strip(),
            due_on=due_on,
            created_by=_user(actor),
        )
        _event(case, TimelineKind.PLAN_ACTION_ADDED, actor, plan=plan, due_on=due_on.isoformat())
        audit_record(
            actor=actor, action="case.plan", object_type="cases.case", object_id=case.pk, details={"plan": plan}
        )
    return row


def case_complete_plan_action(*, actor: Actor, case: Case, action_id: int) -> PlanAction:
    require(actor, "case.plan", case)
    with transaction.atomic(), history_context(actor):
        row = PlanAction.objects.select_for_update().filter(case=case, pk=action_id).first()
        if row is None:
            raise ValidationError({"action": [_("No such plan action on this case.")]})
        if row.done_at is None:
            row.done_at = timezone.now()
            row.save(update_fields=["done_at"])
            _event(case, TimelineKind.PLAN_ACTION_DONE, actor, plan=row.plan, due_on=row.due_on.isoformat())
            audit_record(
                actor=actor,
                action="case.plan_done",
                object_type="cases.case",
                object_id=case.pk,
                details={"id": row.pk},
            )
    return row


def case_record_service(
    *,
    actor: Actor,
    case: Case,
    service_code: str,
    provider_id: int,
    delivered_on: dt.date,
    outcome_code: str = "",
) -> ServiceDelivered:
    from sanad.institutions.models import Institution

    require(actor, "case.record_service", case)
    _open_case(case)
    version = current_definitions(case.country)
    errors: dict[str, list[str]] = {}
    _code_error(errors, "service_code", CodeList.SERVICE, service_code, version)
    if outcome_code:
        _code_error(errors, "outcome_code", CodeList.OUTCOME, outcome_code, version)
    if not Institution.objects.filter(pk=provider_id, country=case.country).exists():
        errors["provider"] = [_("Unknown institution.")]
    if delivered_on > _local_today(case.country):
        errors["delivered_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        row = ServiceDelivered.objects.create(
            case=case,
            definitions_version=version,
            service_code=service_code,
            provider_id=provider_id,
            delivered_on=delivered_on,
            outcome_code=outcome_code,
            recorded_by=_user(actor),
        )
        _event(case, TimelineKind.SERVICE_DELIVERED, actor, service=service_code, provider=provider_id)
        audit_record(
            actor=actor,
            action="case.record_service",
            object_type="cases.case",
            object_id=case.pk,
            details={"service": service_code},
        )
    return row


def case_add_note(*, actor: Actor, case: Case, text: str) -> CaseNote:
    require(actor, "case.note", case)
    if not text.strip():
        raise ValidationError({"text": [_("This field is required.")]})
    with transaction.atomic(), history_context(actor):
        note = CaseNote.objects.create(case=case, text=text.strip(), written_by=_user(actor))
        _event(case, TimelineKind.NOTE_ADDED, actor)
        audit_record(actor=actor, action="case.note", object_type="cases.case", object_id=case.pk)
    return note


def case_add_attachment(*, actor: Actor, case: Case, filename: str, data: bytes) -> Attachment:
    import base64

    from sanad.cases.attachments import check_upload

    require(actor, "case.note", case)
    checked = check_upload(filename, data)
    with transaction.atomic(), history_context(actor):
        attachment = Attachment.objects.create(
            case=case,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.data),
            content=base64.b64encode(checked.data).decode("ascii"),
            uploaded_by=_user(actor),
        )
        _event(case, TimelineKind.ATTACHMENT_ADDED, actor, type=checked.content_type)
        audit_record(
            actor=actor,
            action="case.attach",
            object_type="cases.case",
            object_id=case.pk,
            details={"attachment": attachment.pk, "type": checked.content_type, "size": attachment.size},
        )
    return attachment


def attachment_bytes(attachment: Attachment) -> bytes:
    import base64

    return base64.b64decode(str(attachment.content))


@dataclass(frozen=True)
class AppealInput:
    platform: str
    link: str
    posted_on: dt.date
    posted_by: str
    summary: str


def appeal_register(*, actor: Actor, data: AppealInput) -> Appeal:
    require(actor, "appeal.create")
    membership = actor.membership
    if membership is None:
        raise ValueError("no acting membership")
    country = membership.unit.institution.country
    errors: dict[str, list[str]] = {}
    if data.platform not in Platform.values:
        errors["platform"] = [_("Unknown platform.")]
    if data.posted_on > _local_today(country):
        errors["posted_on"] = [_("The date is in the future.")]
    if not data.link.lower().startswith(("https://", "http://")):
        errors["link"] = [_("Give the full address of the post (https://...).")]
    if not data.summary.strip():
        errors["summary"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        appeal = Appeal.objects.create(
            owner_unit=membership.unit,
            created_by=_user(actor),
            country=country,
            platform=data.platform,
            link=data.link,
            posted_on=data.posted_on,
            posted_by=data.posted_by,
            summary=data.summary.strip(),
        )
        AppealLogEntry.objects.create(appeal=appeal, by=_user(actor), status=AppealStatus.NEW)
        audit_record(
            actor=actor,
            action="appeal.create",
            object_type="cases.appeal",
            object_id=appeal.pk,
            details={"platform": data.platform},
        )
    return appeal


def appeal_triage(*, actor: Actor, appeal: Appeal, status: str, note: str = "") -> Appeal:
    """Verify, contact, open a report, or close (not a case / answered elsewhere); each step is logged.
    Opening a report registers it through the intake channel for media appeals."""
    require(actor, "appeal.triage", appeal)
    if status not in AppealStatus.values or status == AppealStatus.NEW:
        raise ValidationError({"status": [_("Unknown step.")]})
    with transaction.atomic(), history_context(actor):
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status in APPEAL_CLOSED:
            raise ValidationError({"status": [_("This appeal is already closed.")]})
        if status in (AppealStatus.NOT_A_CASE, AppealStatus.ANSWERED_ELSEWHERE) and not note.strip():
            raise ValidationError({"note": [_("Say why the appeal is closed.")]})
        if status == AppealStatus.REPORT_OPENED:
            locked.report = report_register(
                actor=actor,
                data=ReportInput(
                    received_at=timezone.now(),
                    channel_code="media_appeal",
                    reporter_type_code="other",
                    narrative=str(locked.summary),
                ),
            )
        locked.status = status
        locked.save(update_fields=["status", "report"])
        AppealLogEntry.objects.create(appeal=locked, by=_user(actor), status=status, note=note.strip() or None)
        audit_record(
            actor=actor, action="appeal.triage", object_type="cases.appeal", object_id=locked.pk, details={"to": status}
        )
    return locked


def report_close_not_a_case(*, actor: Actor, report: Report, reason: str) -> Report:
    """A report that turns out not to be family violence is closed with the reason, not deleted."""
    require(actor, "case.open", report)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why this report is not a case.")]})
    with transaction.atomic(), history_context(actor):
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.NEW:
            raise ValidationError(_("This report is already handled."))
        locked.status = ReportStatus.NOT_A_CASE
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="report.close", object_type="cases.report", object_id=locked.pk, reason=reason.strip()
        )
    return locked
