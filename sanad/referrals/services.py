"""Every write to referrals: access checked first, validated, audited in the same transaction, one
history event on the referral and one timeline entry on each side's case, and the other side's
unit inbox told, all in one transaction (the email deliveries are queued in it too).

States: sent → received (acknowledged) → accepted | declined → in progress → completed; the sender
may withdraw an open referral; withdrawing the consent closes every open referral under it at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.accounts.models import User
from sanad.audit.history import history_context
from sanad.audit.services import audit_record
from sanad.cases.models import Attachment, Case, ServiceDelivered, TimelineEntry, TimelineKind
from sanad.cases.services import current_definitions
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.notices.models import NoticeKind
from sanad.notices.services import current_users_with_role, notify
from sanad.referrals.models import (
    OPEN_STATUSES,
    Consent,
    ConsentGiver,
    ConsentMethod,
    DeliveredService,
    LegalGround,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
    ResponseStandard,
    SharedField,
    Urgency,
)
from sanad.taxonomy.coded import validate_code
from sanad.taxonomy.models import CodeList, DefinitionVersion


class ReferralConflict(Exception):
    """The referral moved on since the user loaded it (another user accepted it first, ...)."""

    def __init__(self, message: str, *, status: str, version: int) -> None:
        self.message = message
        self.status = status
        self.version = version
        super().__init__(message)


@dataclass(frozen=True)
class ConsentInput:
    given_by: str
    method: str
    given_at: dt.datetime
    fields: list[str]
    guardian_name: str = ""
    signed_form_id: int | None = None


@dataclass(frozen=True)
class ReferralInput:
    kind: str
    to_unit_id: int
    urgency: str
    reason: str
    service_codes: list[str] = field(default_factory=list)
    shared_fields: list[str] = field(default_factory=list)
    consent: ConsentInput | None = None
    # Without consent: a legal ground of the country pack and why consent could not be sought.
    legal_ground_code: str = ""
    legal_ground_reason: str = ""


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("no acting user")
    return actor.user


def _code_errors(
    errors: dict[str, list[str]], name: str, code_list: str, code: str, version: DefinitionVersion
) -> None:
    try:
        validate_code(code_list, code, version)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)


def _validate_consent(
    errors: dict[str, list[str]], data: ConsentInput, shared: list[str], case: Case | None
) -> Attachment | None:
    if data.given_by not in ConsentGiver.values:
        errors["consent_given_by"] = [_("Say who gave the consent.")]
    if data.given_by == ConsentGiver.GUARDIAN and not data.guardian_name.strip():
        errors["guardian_name"] = [_("Give the guardian's name.")]
    if data.method not in ConsentMethod.values:
        errors["consent_method"] = [_("Say how the consent was given.")]
    if data.given_at > timezone.now() + dt.timedelta(minutes=5):
        errors["consent_given_at"] = [_("The time of the consent is in the future.")]
    form = None
    if data.method == ConsentMethod.SIGNED_FORM:
        form = Attachment.objects.filter(pk=data.signed_form_id or 0, case=case).first() if case else None
        if form is None:
            errors["signed_form"] = [_("Attach the signed form to the case first, then choose it here.")]
    beyond = sorted(set(shared) - set(data.fields))
    if beyond:
        errors["shared_fields"] = [
            _("The survivor did not consent to share: %(fields)s.") % {"fields": ", ".join(beyond)}
        ]
    return form


def _standard(country_id: int, unit: Unit, urgency: str) -> ResponseStandard | None:
    return ResponseStandard.objects.filter(
        country_id=country_id, sector_id=unit.institution.sector_id, urgency=urgency
    ).first()


def referral_send(*, actor: Actor, case: Case | None, data: ReferralInput) -> Referral:
    """Send a referral of ``case`` (None only for a mandatory notification from a body holding no
    case). ValidationError carries a message per field; nothing is saved then."""
    if case is not None:
        require(actor, "referral.send", case)
    else:
        require(actor, "referral.notify")
    membership = actor.membership
    if membership is None:
        raise ValueError("no acting membership")
    country = membership.unit.institution.country
    version = current_definitions(country)
    errors: dict[str, list[str]] = {}
    if data.kind not in ReferralKind.values:
        errors["kind"] = [_("Choose the type of referral.")]
    elif case is None and data.kind != ReferralKind.NOTIFICATION:
        errors["kind"] = [_("Only a mandatory notification can be sent without a case.")]
    if case is not None and not case.is_open:
        errors["__all__"] = [_("A closed case cannot be referred; reopen it first.")]
    to_unit = (
        Unit.objects.select_related("institution")
        .filter(pk=data.to_unit_id, is_active=True, institution__is_active=True, institution__country=country)
        .first()
    )
    if to_unit is None:
        errors["to_unit"] = [_("Choose an active unit of this country.")]
    elif to_unit.pk == membership.unit_id:
        errors["to_unit"] = [_("A referral goes to another unit.")]
    if data.urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if not data.reason.strip():
        errors["reason"] = [_("Give the reason for the referral.")]
    if data.kind != ReferralKind.NOTIFICATION and not data.service_codes:
        errors["service_codes"] = [_("Choose at least one service.")]
    for code in data.service_codes:
        _code_errors(errors, "service_codes", CodeList.SERVICE, code, version)
    unknown = sorted(set(data.shared_fields) - set(SharedField.values))
    if unknown:
        errors["shared_fields"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}]
    form = None
    ground = None
    if data.consent is not None:
        form = _validate_consent(errors, data.consent, data.shared_fields, case)
    else:
        require(actor, "referral.send_without_consent", membership)
        ground = LegalGround.objects.filter(country=country, code=data.legal_ground_code).first()
        if ground is None:
            errors["legal_ground"] = [_("Without consent, choose the legal ground that allows it.")]
        if not data.legal_ground_reason.strip():
            errors["legal_ground_reason"] = [_("Say why consent could not be sought.")]
    if errors:
        raise ValidationError(errors)
    assert to_unit is not None  # noqa: S101 - narrowed by the validation above
    now = timezone.now()
    standard = _standard(country.pk, to_unit, data.urgency)
    with transaction.atomic(), history_context(actor):
        consent = None
        if data.consent is not None:
            consent = Consent.objects.create(
                given_by=data.consent.given_by,
                guardian_name=data.consent.guardian_name.strip() or None,
                receiver=to_unit,
                service_codes=list(data.service_codes),
                fields=sorted(set(data.consent.fields)),
                method=data.consent.method,
                signed_form=form,
                given_at=data.consent.given_at,
                recorded_by=_user(actor),
            )
        referral = Referral.objects.create(
            country=country,
            kind=data.kind,
            case=case,
            from_unit=membership.unit,
            to_unit=to_unit,
            definitions_version=version,
            service_codes=list(dict.fromkeys(data.service_codes)),
            urgency=data.urgency,
            reason=data.reason.strip(),
            shared_fields=sorted(set(data.shared_fields)),
            consent=consent,
            legal_ground=ground,
            legal_ground_reason=data.legal_ground_reason.strip() or None,
            sent_by=_user(actor),
            sent_at=now,
            standard=standard,
            acknowledge_due=now + dt.timedelta(minutes=standard.acknowledge_minutes) if standard else None,
            first_contact_due=now + dt.timedelta(minutes=standard.first_contact_minutes) if standard else None,
            complete_due=now + dt.timedelta(minutes=standard.complete_minutes) if standard else None,
        )
        _record(referral, actor, "sent", kind=data.kind, urgency=data.urgency)
        audit_record(
            actor=actor,
            action="referral.send",
            object_type="referrals.referral",
            object_id=referral.pk,
            reason=data.legal_ground_reason.strip(),
            details={
                "case": case.pk if case else None,
                "to_unit": to_unit.pk,
                "kind": data.kind,
                "services": referral.service_codes,
                "fields": referral.shared_fields,
                "consent": consent.pk if consent else None,
                "legal_ground": ground.code if ground else None,
            },
        )
        notify(
            units=[to_unit.pk],
            kind=NoticeKind.REFERRAL_RECEIVED,
            object_type="referrals.referral",
            object_id=referral.pk,
            params={"urgency": data.urgency, "kind": data.kind},
        )
        if ground is not None:
            # Sharing without consent is always told to the supervisors of the unit that holds the case.
            notify(
                recipients=[
                    uid
                    for uid in current_users_with_role(Role.SUPERVISOR, unit_id=membership.unit_id)
                    if uid != actor.user_id
                ],
                kind=NoticeKind.REFERRAL_WITHOUT_CONSENT,
                object_type="referrals.referral",
                object_id=referral.pk,
                params={"ground": ground.code, "user": _user(actor).get_username()},
            )
    return referral


def referral_send_on_order(
    *,
    actor: Actor,
    case: Case,
    to_unit: Unit,
    urgency: str,
    reason: str,
    service_codes: list[str],
    ground_reason: str,
    complete_by: dt.datetime | None = None,
    ongoing: bool = False,
) -> Referral:
    """The referral that carries a court order (``sanad.courts``) from the court to a social centre or
    the alimony fund. The court holds no case and needs no consent: it sends on the country's
    ``court_order`` legal ground and shares nothing of the case (the receiver reads the order, within
    what its role needs). Deadlines, breaches and notices are those of every referral, except that the
    work lasts as long as the order: completion is due at its end (``complete_by``), or never for an
    obligation without one (``ongoing``); acknowledgement and first contact keep the standard."""
    require(actor, "referral.send_on_order")
    membership = actor.membership
    if membership is None:
        raise ValueError("no acting membership")
    country = membership.unit.institution.country
    ground = LegalGround.objects.filter(country=country, code="court_order").first()
    if ground is None:
        raise ValidationError(_("The country pack has no 'court_order' legal ground; a court cannot send links yet."))
    if to_unit.pk == membership.unit_id:
        raise ValidationError({"to_unit": [_("A referral goes to another unit.")]})
    now = timezone.now()
    standard = _standard(country.pk, to_unit, urgency)
    with transaction.atomic(), history_context(actor):
        referral = Referral.objects.create(
            country=country,
            kind=ReferralKind.SERVICE,
            case=case,
            from_unit=membership.unit,
            to_unit=to_unit,
            definitions_version=current_definitions(country),
            service_codes=list(dict.fromkeys(service_codes)),
            urgency=urgency,
            reason=reason,
            shared_fields=[],
            legal_ground=ground,
            legal_ground_reason=ground_reason,
            sent_by=_user(actor),
            sent_at=now,
            standard=standard,
            acknowledge_due=now + dt.timedelta(minutes=standard.acknowledge_minutes) if standard else None,
            first_contact_due=now + dt.timedelta(minutes=standard.first_contact_minutes) if standard else None,
            complete_due=None
            if ongoing
            else complete_by or (now + dt.timedelta(minutes=standard.complete_minutes) if standard else None),
        )
        _record(referral, actor, "sent", kind=ReferralKind.SERVICE, urgency=urgency)
        audit_record(
            actor=actor,
            action="referral.send_on_order",
            object_type="referrals.referral",
            object_id=referral.pk,
            details={
                "case": case.pk,
                "to_unit": to_unit.pk,
                "services": referral.service_codes,
                "legal_ground": ground.code,
            },
        )
        notify(
            units=[to_unit.pk],
            kind=NoticeKind.REFERRAL_RECEIVED,
            object_type="referrals.referral",
            object_id=referral.pk,
            params={"urgency": urgency, "kind": ReferralKind.SERVICE},
        )
    return referral


def referral_reschedule_on_order(*, actor: Actor, referral: Referral, complete_by: dt.datetime | None) -> Referral:
    """The court varied the order a link carries: its completion is due at the order's new end (None:
    an obligation without end). Acknowledgement and first contact keep their deadlines."""

    def apply(r: Referral) -> list[str]:
        r.complete_due = complete_by
        return ["complete_due"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.reschedule_on_order",
        event="completion_due_changed",
        allowed=OPEN_STATUSES,
        expected_version=None,
        apply=apply,
        complete_due=complete_by.isoformat() if complete_by else None,
    )


def _record(referral: Referral, actor: Actor, event: str, **params: Any) -> None:
    """One history event, and one timeline entry on each side's case (no personal data: codes and ids)."""
    by = actor.user
    ReferralEvent.objects.create(referral=referral, status=referral.status, event=event, by=by, params=params)
    cases = {c for c in (referral.case_id, referral.receiver_case_id) if c is not None}
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            case_id=case_id,
            kind=TimelineKind.REFERRAL,
            by=by,
            params={
                "referral": referral.pk,
                "event": event,
                "status": referral.status,
                "from_unit": referral.from_unit_id,
                "to_unit": referral.to_unit_id,
            },
        )
        for case_id in sorted(cases)
    )


def _lock(referral: Referral, expected_version: int | None) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise ReferralConflict(
            _("The referral changed since you loaded it (it is now %(status)s); reload it.")
            % {"status": locked.get_status_display()},
            status=locked.status,
            version=locked.row_version,
        )
    return locked


def _expect(locked: Referral, *allowed: str) -> None:
    if locked.status not in allowed:
        raise ReferralConflict(
            _("This cannot be done now: the referral is %(status)s.") % {"status": locked.get_status_display()},
            status=locked.status,
            version=locked.row_version,
        )


def _save(referral: Referral, fields: list[str]) -> None:
    referral.row_version += 1
    referral.save(update_fields=[*fields, "row_version"])


def _tell_other_side(referral: Referral, actor: Actor, event: str) -> None:
    other = referral.from_unit_id if actor.unit_id == referral.to_unit_id else referral.to_unit_id
    notify(
        units=[other],
        kind=NoticeKind.REFERRAL_CHANGED,
        object_type="referrals.referral",
        object_id=referral.pk,
        params={"event": event, "status": referral.status},
    )


def _change(
    *,
    actor: Actor,
    referral: Referral,
    action: str,
    event: str,
    allowed: tuple[str, ...],
    expected_version: int | None,
    apply: Any,
    reason: str = "",
    **details: Any,
) -> Referral:
    require(actor, action, referral)
    with transaction.atomic(), history_context(actor):
        locked = _lock(referral, expected_version)
        _expect(locked, *allowed)
        fields = apply(locked)
        _save(locked, fields)
        _record(locked, actor, event, **details)
        audit_record(
            actor=actor,
            action=f"referral.{event}",
            object_type="referrals.referral",
            object_id=locked.pk,
            reason=reason,
            details=details,
        )
        _tell_other_side(locked, actor, event)
    return locked


def referral_acknowledge(*, actor: Actor, referral: Referral, expected_version: int | None = None) -> Referral:
    def apply(r: Referral) -> list[str]:
        r.status = ReferralStatus.RECEIVED
        r.acknowledged_at = timezone.now()
        return ["status", "acknowledged_at"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="acknowledged",
        allowed=(ReferralStatus.SENT,),
        expected_version=expected_version,
        apply=apply,
    )


def referral_accept(*, actor: Actor, referral: Referral, expected_version: int | None = None) -> Referral:
    """Accept an acknowledged referral; a transfer moves the case to the receiving unit. Of two users
    accepting at once, the first to lock the row wins and the other gets ReferralConflict."""

    def apply(r: Referral) -> list[str]:
        now = timezone.now()
        r.status = ReferralStatus.ACCEPTED
        r.decided_at = now
        fields = ["status", "decided_at"]
        if r.kind == ReferralKind.TRANSFER and r.case_id is not None:
            case = Case.objects.select_for_update().get(pk=r.case_id)
            case.owner_unit_id = r.to_unit_id
            case.assigned_to = None
            case.row_version += 1
            case.save(update_fields=["owner_unit", "assigned_to", "row_version"])
            r.receiver_case_id = case.pk
            fields.append("receiver_case")
        return fields

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="accepted",
        allowed=(ReferralStatus.RECEIVED,),
        expected_version=expected_version,
        apply=apply,
    )


def referral_decline(
    *, actor: Actor, referral: Referral, reason_code: str, note: str = "", expected_version: int | None = None
) -> Referral:
    version = current_definitions(referral.country)
    errors: dict[str, list[str]] = {}
    _code_errors(errors, "decline_reason_code", CodeList.DECLINE_REASON, reason_code, version)
    if reason_code == "other" and not note.strip():
        errors["note"] = [_("Say why the referral is declined.")]
    if errors:
        raise ValidationError(errors)

    def apply(r: Referral) -> list[str]:
        r.status = ReferralStatus.DECLINED
        r.decided_at = timezone.now()
        r.decline_reason_code = reason_code
        r.closing_note = note.strip()
        return ["status", "decided_at", "decline_reason_code", "closing_note"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="declined",
        allowed=(ReferralStatus.SENT, ReferralStatus.RECEIVED),
        expected_version=expected_version,
        apply=apply,
        reason_code=reason_code,
    )


def referral_record_contact(
    *, actor: Actor, referral: Referral, at: dt.datetime | None = None, expected_version: int | None = None
) -> Referral:
    """The receiver's first contact with the survivor (the second response standard)."""
    now = timezone.now()
    when = at or now
    if when > now + dt.timedelta(minutes=5) or when < referral.sent_at:
        raise ValidationError({"at": [_("The contact must be between the sending of the referral and now.")]})

    def apply(r: Referral) -> list[str]:
        if r.first_contact_at is not None:
            raise ValidationError({"at": [_("The first contact is already recorded.")]})
        r.first_contact_at = when
        return ["first_contact_at"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="first_contact",
        allowed=(ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
        expected_version=expected_version,
        apply=apply,
    )


def referral_start(*, actor: Actor, referral: Referral, expected_version: int | None = None) -> Referral:
    def apply(r: Referral) -> list[str]:
        r.status = ReferralStatus.IN_PROGRESS
        return ["status"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="started",
        allowed=(ReferralStatus.ACCEPTED,),
        expected_version=expected_version,
        apply=apply,
    )


def referral_deliver_service(
    *, actor: Actor, referral: Referral, service_code: str, delivered_on: dt.date, expected_version: int | None = None
) -> DeliveredService:
    """A service delivered under the referral; recorded on the case too (provider: the receiver). Only
    the referral's consented services, and nothing once the consent is withdrawn."""
    from sanad.referrals.scope import consented_scope

    errors: dict[str, list[str]] = {}
    if service_code not in consented_scope(referral).service_codes:
        errors["service_code"] = [_("This service is not part of the referral's consented services.")]
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(referral.country.time_zone)).date()
    if delivered_on > today:
        errors["delivered_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    created: list[DeliveredService] = []

    def apply(r: Referral) -> list[str]:
        case_service = None
        if r.case_id is not None:
            case_service = ServiceDelivered.objects.create(
                case_id=r.case_id,
                definitions_version=r.definitions_version,
                service_code=service_code,
                provider_id=r.to_unit.institution_id,
                delivered_on=delivered_on,
                recorded_by=_user(actor),
            )
        created.append(
            DeliveredService.objects.create(
                referral=r,
                service_code=service_code,
                delivered_on=delivered_on,
                case_service=case_service,
                recorded_by=_user(actor),
            )
        )
        if r.status == ReferralStatus.ACCEPTED:
            r.status = ReferralStatus.IN_PROGRESS
        return ["status"]

    _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="service_delivered",
        allowed=(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
        expected_version=expected_version,
        apply=apply,
        service=service_code,
    )
    return created[0]


def referral_complete(
    *, actor: Actor, referral: Referral, outcome_code: str, note: str = "", expected_version: int | None = None
) -> Referral:
    version = current_definitions(referral.country)
    errors: dict[str, list[str]] = {}
    _code_errors(errors, "outcome_code", CodeList.OUTCOME, outcome_code, version)
    if errors:
        raise ValidationError(errors)

    def apply(r: Referral) -> list[str]:
        r.status = ReferralStatus.COMPLETED
        r.completed_at = timezone.now()
        r.outcome_code = outcome_code
        r.closing_note = note.strip()
        return ["status", "completed_at", "outcome_code", "closing_note"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="completed",
        allowed=(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
        expected_version=expected_version,
        apply=apply,
        outcome=outcome_code,
    )


def referral_withdraw(
    *, actor: Actor, referral: Referral, reason: str, expected_version: int | None = None
) -> Referral:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the referral is withdrawn.")]})

    def apply(r: Referral) -> list[str]:
        r.status = ReferralStatus.WITHDRAWN
        r.withdrawn_at = timezone.now()
        r.closing_note = reason.strip()
        return ["status", "withdrawn_at", "closing_note"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.withdraw",
        event="withdrawn",
        allowed=OPEN_STATUSES,
        expected_version=expected_version,
        apply=apply,
        reason=reason.strip(),
    )


def referral_link_receiver_case(
    *, actor: Actor, referral: Referral, case: Case, expected_version: int | None = None
) -> Referral:
    """The receiver links its own case (e.g. the one the family-protection office opened from a
    notification): from then on each change is also an entry on that case's timeline."""
    require(actor, "case.edit", case)
    if case.owner_unit_id != referral.to_unit_id:
        raise ValidationError({"case": [_("Link a case of the receiving unit.")]})

    def apply(r: Referral) -> list[str]:
        if r.receiver_case_id is not None:
            raise ValidationError({"case": [_("A case of the receiving unit is already linked.")]})
        r.receiver_case_id = case.pk
        return ["receiver_case"]

    return _change(
        actor=actor,
        referral=referral,
        action="referral.respond",
        event="receiver_case_linked",
        allowed=(*OPEN_STATUSES, ReferralStatus.COMPLETED),
        expected_version=expected_version,
        apply=apply,
        case=case.pk,
    )


def consent_withdraw(*, actor: Actor, referral: Referral, at: dt.datetime | None = None) -> Consent:
    """The survivor withdraws the consent: at once the receiver reads nothing more of the case, no
    further service is delivered under it, and every open referral under it is withdrawn. What was
    already delivered stays recorded."""
    require(actor, "referral.withdraw_consent", referral)
    if referral.consent_id is None:
        raise ValidationError(_("This referral was sent on a legal ground, without consent."))
    with transaction.atomic(), history_context(actor):
        consent = Consent.objects.select_for_update().get(pk=referral.consent_id)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("The consent is already withdrawn."))
        consent.withdrawn_at = at or timezone.now()
        consent.withdrawn_by = actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        for locked in Referral.objects.select_for_update().filter(consent=consent).order_by("pk"):
            if locked.status in OPEN_STATUSES:
                locked.status = ReferralStatus.WITHDRAWN
                locked.withdrawn_at = consent.withdrawn_at
                _save(locked, ["status", "withdrawn_at"])
            _record(locked, actor, "consent_withdrawn")
            _tell_other_side(locked, actor, "consent_withdrawn")
        audit_record(
            actor=actor,
            action="referral.withdraw_consent",
            object_type="referrals.consent",
            object_id=consent.pk,
            details={"referral": referral.pk},
        )
    return consent


def standard_confirm(
    *,
    actor: Actor,
    standard: ResponseStandard,
    acknowledge_minutes: int,
    first_contact_minutes: int,
    complete_minutes: int,
    escalate_after_minutes: int,
) -> ResponseStandard:
    """The national administrator confirms (or changes) a response standard; it is no longer a default.
    Referrals already sent keep the deadlines computed when they were sent."""
    require(actor, "standard.confirm")
    errors: dict[str, list[str]] = {}
    values = {
        "acknowledge_minutes": acknowledge_minutes,
        "first_contact_minutes": first_contact_minutes,
        "complete_minutes": complete_minutes,
        "escalate_after_minutes": escalate_after_minutes,
    }
    for name, value in values.items():
        if value <= 0:
            errors[name] = [_("Give a positive number of minutes.")]
    if not errors and not acknowledge_minutes <= first_contact_minutes <= complete_minutes:
        errors["first_contact_minutes"] = [_("Acknowledge, first contact and completion must come in that order.")]
    if errors:
        raise ValidationError(errors)
    membership = actor.membership
    if membership is None or membership.unit.institution.country_id != standard.country_id:
        raise ValidationError(_("A standard is confirmed by the national administrator of its country."))
    with transaction.atomic(), history_context(actor):
        locked = ResponseStandard.objects.select_for_update().get(pk=standard.pk)
        before = {name: getattr(locked, name) for name in values}
        for name, value in values.items():
            setattr(locked, name, value)
        locked.is_default = False
        locked.confirmed_by = actor.user
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=[*values, "is_default", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=actor,
            action="standard.confirm",
            object_type="referrals.responsestandard",
            object_id=locked.pk,
            details={"before": before, "after": values},
        )
    return locked
