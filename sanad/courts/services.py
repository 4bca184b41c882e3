"""Every write to court orders and their links: access checked first, validated (a clear reason per
field, nothing saved on refusal), audited in the same transaction, one history event on the order,
and the notices of the change written in it too.

The link to a social centre or to the alimony fund is a referral (``referral_send_on_order``): its
acknowledgement, acceptance, first contact and decline go through the referral services, so the
response standards, breaches and the other side's notices are the referrals' own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.accounts.models import User
from sanad.audit.history import history_context
from sanad.audit.services import audit_record
from sanad.cases.models import Case, ReportPerson
from sanad.courts.models import (
    LIVE_STATUSES,
    MISSED,
    BreachSource,
    ComplianceReport,
    Condition,
    CourtOrder,
    Frequency,
    FundStatus,
    OrderBreach,
    OrderEvent,
    OrderStatus,
    OrderType,
    Payment,
    Recovery,
    Reporter,
    SessionStatus,
    Variation,
    VisitSession,
)
from sanad.institutions.models import Country, Unit
from sanad.institutions.roles import Role
from sanad.notices.models import NoticeKind
from sanad.notices.services import notify
from sanad.people.models import Person
from sanad.referrals import services as referral_services
from sanad.referrals.models import ReferralStatus

# How far ahead an open-ended visitation ruling is scheduled; the reminders job extends nothing, the
# court varies the ruling to set an end.
OPEN_ENDED_WEEKS = 26
MAX_SESSIONS = 120


class OrderConflict(Exception):
    def __init__(self, message: str, *, version: int) -> None:
        self.message = message
        self.version = version
        super().__init__(message)


@dataclass(frozen=True)
class OrderInput:
    order_type: str
    reference: str
    issued_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None = None
    # Protection order.
    protected_person_id: int | None = None
    restrained_person_id: int | None = None
    conditions: list[str] = field(default_factory=list)
    distance_metres: int | None = None
    # Visitation ruling.
    child_id: int | None = None
    custodial_parent_id: int | None = None
    visiting_parent_id: int | None = None
    centre_unit_id: int | None = None
    supervised: bool = False
    handover: str = ""
    weekday: int | None = None
    session_start: dt.time | None = None
    session_end: dt.time | None = None
    session_frequency: str = ""
    # Alimony judgment.
    obligor_id: int | None = None
    beneficiary_ids: list[int] = field(default_factory=list)
    amount: Decimal | None = None
    payment_frequency: str = ""


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("no acting user")
    return actor.user


def local_today(country: Country) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(country.time_zone)).date()


def case_persons(case: Case) -> list[Person]:
    """The persons of the case an order may name: the survivor and everyone on its reports."""
    ids = {case.survivor_id, *ReportPerson.objects.filter(report__case=case).values_list("person_id", flat=True)}
    return list(Person.objects.filter(pk__in=ids).order_by("family_name", "first_name", "pk"))


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _step(start: dt.date, frequency: str, k: int) -> dt.date:
    if frequency == Frequency.MONTHLY:
        return add_months(start, k)
    return start + dt.timedelta(weeks=k * (2 if frequency == Frequency.FORTNIGHTLY else 1))


def payment_due_dates(order: CourtOrder, *, until: dt.date) -> list[dt.date]:
    """The judgment's due dates from its start to ``until`` (and its end)."""
    last = min(until, order.ends_on) if order.ends_on else until
    dates: list[dt.date] = []
    k = 0
    while (day := _step(order.starts_on, order.payment_frequency or Frequency.MONTHLY, k)) <= last:
        dates.append(day)
        k += 1
    return dates


def session_dates(*, starts_on: dt.date, ends_on: dt.date | None, weekday: int, frequency: str) -> list[dt.date]:
    first = starts_on + dt.timedelta(days=(weekday - starts_on.weekday()) % 7)
    last = ends_on or starts_on + dt.timedelta(weeks=OPEN_ENDED_WEEKS)
    dates: list[dt.date] = []
    k = 0
    while (day := _step(first, frequency, k)) <= last and len(dates) < MAX_SESSIONS:
        dates.append(day)
        k += 1
    return dates


def _weekday_name(weekday: int) -> str:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    return str(names[weekday])


def _validate_order(errors: dict[str, list[str]], data: OrderInput, case: Case, country: Country) -> dict[str, Any]:
    """Field errors into ``errors``; the resolved persons and units."""
    resolved: dict[str, Any] = {}
    if data.order_type not in OrderType.values:
        errors["order_type"] = [_("Choose the type of order.")]
    if not data.reference.strip():
        errors["reference"] = [_("Give the court's reference of the order.")]
    today = local_today(country)
    if data.issued_on is None:
        errors["issued_on"] = [_("Give the date the order was issued.")]
    elif data.issued_on > today:
        errors["issued_on"] = [_("The order cannot be issued in the future.")]
    if data.starts_on is None:
        errors["starts_on"] = [_("Give the date the order takes effect.")]
    elif data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = [
            _("The order cannot end before it starts: its end (%(end)s) precedes its start (%(start)s).")
            % {"end": data.ends_on.isoformat(), "start": data.starts_on.isoformat()}
        ]
    people = {p.pk: p for p in case_persons(case)}

    def person(name: str, pk: int | None, required: str) -> Person | None:
        if pk is None:
            errors[name] = [required]
            return None
        if pk not in people:
            errors[name] = [_("Choose a person of this case.")]
            return None
        return people[pk]

    if data.order_type == OrderType.PROTECTION:
        resolved["protected_person"] = person(
            "protected_person", data.protected_person_id, _("Choose the protected person.")
        )
        resolved["restrained_person"] = person(
            "restrained_person", data.restrained_person_id, _("Choose the restrained person.")
        )
        if data.protected_person_id and data.protected_person_id == data.restrained_person_id:
            errors["restrained_person"] = [_("The restrained person must be another person.")]
        unknown = sorted(set(data.conditions) - set(Condition.values))
        if not data.conditions or unknown:
            errors["conditions"] = [_("Choose the order's conditions.")]
        if Condition.KEEP_DISTANCE in data.conditions and not data.distance_metres:
            errors["distance_metres"] = [_("Give the distance the restrained person must keep.")]
    elif data.order_type == OrderType.VISITATION:
        resolved["child"] = person("child", data.child_id, _("Choose the child."))
        resolved["custodial_parent"] = person(
            "custodial_parent", data.custodial_parent_id, _("Choose the custodial parent.")
        )
        resolved["visiting_parent"] = person(
            "visiting_parent", data.visiting_parent_id, _("Choose the visiting parent.")
        )
        chosen = [data.child_id, data.custodial_parent_id, data.visiting_parent_id]
        if None not in chosen and len(set(chosen)) < 3:
            errors["visiting_parent"] = [_("The child and the two parents are three different persons.")]
        centre = (
            Unit.objects.select_related("institution")
            .filter(
                pk=data.centre_unit_id or 0,
                is_active=True,
                institution__is_active=True,
                institution__country=country,
                institution__sector__code="social_centre",
            )
            .first()
        )
        if centre is None:
            errors["centre_unit"] = [_("Choose the social centre where the visits take place.")]
        resolved["centre_unit"] = centre
        if data.weekday is None or not 0 <= data.weekday <= 6:
            errors["weekday"] = [_("Choose the day of the visits.")]
        if data.session_start is None or data.session_end is None:
            errors["session_start"] = [_("Give the visits' start and end times.")]
        elif data.session_end <= data.session_start:
            errors["session_end"] = [_("The visit must end after it starts.")]
        if data.session_frequency not in (Frequency.WEEKLY, Frequency.FORTNIGHTLY):
            errors["session_frequency"] = [_("Choose how often the visits take place.")]
    elif data.order_type == OrderType.ALIMONY:
        resolved["obligor"] = person("obligor", data.obligor_id, _("Choose who must pay."))
        beneficiaries = [people[pk] for pk in dict.fromkeys(data.beneficiary_ids) if pk in people]
        if not data.beneficiary_ids or len(beneficiaries) != len(set(data.beneficiary_ids)):
            errors["beneficiaries"] = [_("Choose the beneficiaries among the persons of this case.")]
        elif data.obligor_id in data.beneficiary_ids:
            errors["beneficiaries"] = [_("The one who pays cannot be a beneficiary.")]
        resolved["beneficiaries"] = beneficiaries
        if data.amount is None or data.amount <= 0:
            errors["amount"] = [_("Give the amount the judgment sets for each period.")]
        if data.payment_frequency not in Frequency.values:
            errors["payment_frequency"] = [_("Choose how often the alimony is paid.")]
    return resolved


def _record(order: CourtOrder, actor: Actor, event: str, **params: Any) -> None:
    OrderEvent.objects.create(order=order, status=order.status, event=event, by=actor.user, params=params)


def _audit(actor: Actor, action: str, order: CourtOrder, **details: Any) -> None:
    audit_record(actor=actor, action=action, object_type="courts.courtorder", object_id=order.pk, details=details)


def _tell(
    order: CourtOrder, kind: str, *, units: list[int | None], recipients: list[int | None] | None = None, **params: Any
) -> None:
    notify(
        units=[u for u in units if u is not None],
        recipients=[r for r in recipients or [] if r is not None],
        kind=kind,
        object_type="courts.courtorder",
        object_id=order.pk,
        params={"type": order.order_type, "number": order.case.number, **{k: str(v) for k, v in params.items()}},
    )


def _schedule(order: CourtOrder, *, after: dt.date | None = None) -> int:
    dates = session_dates(
        starts_on=order.starts_on,
        ends_on=order.ends_on,
        weekday=order.weekday or 0,
        frequency=order.session_frequency,
    )
    existing = set(order.sessions.values_list("on", flat=True))
    rows = [
        VisitSession(order=order, on=day, starts_at=order.session_start, ends_at=order.session_end)  # type: ignore[misc]
        for day in dates
        if day not in existing and (after is None or day > after)
    ]
    VisitSession.objects.bulk_create(rows)
    return len(rows)


def _overlapping(order: CourtOrder) -> list[int]:
    """Other live rulings for the same child with a session at the same time on the same day."""
    mine = {(s.on, s.starts_at, s.ends_at) for s in order.sessions.all()}
    others = (
        VisitSession.objects.filter(
            order__child_id=order.child_id,
            order__status__in=LIVE_STATUSES,
            on__in=[on for on, _s, _e in mine],
        )
        .exclude(order=order)
        .values_list("order_id", "on", "starts_at", "ends_at")
    )
    found = set()
    for other_id, on, start, end in others:
        if any(on == d and start < e and s < end for d, s, e in mine):
            found.add(other_id)
    return sorted(found)


def order_record(*, actor: Actor, case: Case, data: OrderInput) -> CourtOrder:
    """A court records its order on a case that was referred to it. A visitation ruling at a social
    centre becomes a schedule of sessions there and a referral carrying it to the centre."""
    require(actor, "court.order.create", case)
    membership = actor.membership
    if membership is None:
        raise ValueError("no acting membership")
    country = membership.unit.institution.country
    errors: dict[str, list[str]] = {}
    resolved = _validate_order(errors, data, case, country)
    if errors:
        raise ValidationError(errors)
    assert data.starts_on is not None and data.issued_on is not None  # noqa: S101 - validated above
    today = local_today(country)
    with transaction.atomic(), history_context(actor):
        order = CourtOrder.objects.create(
            country=country,
            order_type=data.order_type,
            case=case,
            court_unit=membership.unit,
            reference=data.reference.strip(),
            issued_on=data.issued_on,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            status=OrderStatus.IN_FORCE if data.starts_on <= today else OrderStatus.ISSUED,
            protected_person=resolved.get("protected_person"),
            restrained_person=resolved.get("restrained_person"),
            conditions=sorted(set(data.conditions)) if data.order_type == OrderType.PROTECTION else [],
            distance_metres=data.distance_metres if data.order_type == OrderType.PROTECTION else None,
            child=resolved.get("child"),
            custodial_parent=resolved.get("custodial_parent"),
            visiting_parent=resolved.get("visiting_parent"),
            centre_unit=resolved.get("centre_unit"),
            supervised=data.supervised if data.order_type == OrderType.VISITATION else False,
            handover=data.handover.strip() or None,
            weekday=data.weekday if data.order_type == OrderType.VISITATION else None,
            session_start=data.session_start if data.order_type == OrderType.VISITATION else None,
            session_end=data.session_end if data.order_type == OrderType.VISITATION else None,
            session_frequency=data.session_frequency if data.order_type == OrderType.VISITATION else "",
            obligor=resolved.get("obligor"),
            amount=data.amount if data.order_type == OrderType.ALIMONY else None,
            payment_frequency=data.payment_frequency if data.order_type == OrderType.ALIMONY else "",
            created_by=_user(actor),
        )
        if data.order_type == OrderType.ALIMONY:
            order.beneficiaries.set(resolved["beneficiaries"])
        _record(order, actor, "issued")
        details: dict[str, Any] = {"case": case.pk, "type": data.order_type}
        if data.order_type == OrderType.VISITATION:
            details["sessions"] = _schedule(order)
            overlaps = _overlapping(order)
            if overlaps:
                order.overlaps_with = overlaps
                order.save(update_fields=["overlaps_with"])
                _record(order, actor, "overlap_flagged", orders=overlaps)
                details["overlaps_with"] = overlaps
            centre = resolved["centre_unit"]
            referral = referral_services.referral_send_on_order(
                actor=actor,
                case=case,
                to_unit=centre,
                urgency="routine",
                reason=_("Carry out visitation ruling %(order)s (court reference %(reference)s).")
                % {"order": f"CO-{order.pk}", "reference": order.reference},
                service_codes=["supervised_visitation"],
                ground_reason=_("A custody and visitation ruling of the court."),
                complete_by=_end_of(order, order.sessions.order_by("-on").values_list("on", flat=True).first()),
            )
            order.link_referral = referral
            order.save(update_fields=["link_referral"])
            details["referral"] = referral.pk
        _audit(actor, "court.order.create", order, **details)
        _tell(order, NoticeKind.COURT_ORDER_CHANGED, units=[case.owner_unit_id], event="issued")
    return order


def _end_of(order: CourtOrder, day: dt.date | None) -> dt.datetime | None:
    """The end of ``day`` in the order's country: when the link's work is due to be complete."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.max, tzinfo=zoneinfo.ZoneInfo(order.country.time_zone))


def _lock(order: CourtOrder, expected_version: int | None) -> CourtOrder:
    locked = CourtOrder.objects.select_for_update().select_related("case").get(pk=order.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise OrderConflict(_("The order changed since you loaded it; reload it."), version=locked.row_version)
    return locked


def _save(order: CourtOrder, fields: list[str]) -> None:
    order.row_version += 1
    order.save(update_fields=[*fields, "row_version"])


def _link_unit(order: CourtOrder) -> int | None:
    return order.link_referral.to_unit_id if order.link_referral_id else None  # type: ignore[union-attr]


def order_vary(
    *,
    actor: Actor,
    order: CourtOrder,
    varied_on: dt.date,
    note: str,
    amount: Decimal | None = None,
    ends_on: dt.date | None = None,
    expected_version: int | None = None,
) -> CourtOrder:
    """The court varies its order (a new amount, a new end). The fund pays the new amount from then on
    (none: payments stop); a visitation schedule follows the new end."""
    require(actor, "court.order.change", order)
    errors: dict[str, list[str]] = {}
    if not order.is_live:
        errors["__all__"] = [_("Only an order in force can be varied.")]
    if varied_on > local_today(order.country):
        errors["varied_on"] = [_("The variation cannot be dated in the future.")]
    if not note.strip():
        errors["note"] = [_("Say what the court decided.")]
    if ends_on is not None and ends_on < order.starts_on:
        errors["ends_on"] = [
            _("The order cannot end before it starts: its end (%(end)s) precedes its start (%(start)s).")
            % {"end": ends_on.isoformat(), "start": order.starts_on.isoformat()}
        ]
    if amount is not None and (order.order_type != OrderType.ALIMONY or amount < 0):
        errors["amount"] = [_("A new amount applies to an alimony judgment and cannot be negative.")]
    if amount is None and ends_on is None:
        errors["__all__"] = [_("A variation changes the amount or the end of the order.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        variation = Variation.objects.create(
            order=locked,
            varied_on=varied_on,
            amount_before=locked.amount,
            amount_after=amount if amount is not None else locked.amount,
            ends_on_before=locked.ends_on,
            ends_on_after=ends_on if ends_on is not None else locked.ends_on,
            note=note.strip(),
            recorded_by=_user(actor),
        )
        fields = ["status"]
        locked.status = OrderStatus.VARIED
        if amount is not None:
            locked.amount = amount
            fields.append("amount")
            if amount == 0 and locked.fund_status in (FundStatus.APPROVED, FundStatus.PENDING):
                locked.fund_status = FundStatus.STOPPED
                fields.append("fund_status")
        if ends_on is not None:
            locked.ends_on = ends_on
            fields.append("ends_on")
        _save(locked, fields)
        if locked.order_type == OrderType.VISITATION and ends_on is not None:
            locked.sessions.filter(on__gt=ends_on, status=SessionStatus.SCHEDULED).delete()
            _schedule(locked)
        link = locked.link_referral
        if ends_on is not None and link is not None and link.is_open:
            last = (
                locked.sessions.order_by("-on").values_list("on", flat=True).first()
                if locked.order_type == OrderType.VISITATION
                else ends_on
            )
            referral_services.referral_reschedule_on_order(
                actor=actor, referral=link, complete_by=_end_of(locked, last)
            )
        _record(locked, actor, "varied", variation=variation.pk)
        _audit(actor, "court.order.vary", locked, variation=variation.pk)
        _tell(
            locked,
            NoticeKind.COURT_ORDER_CHANGED,
            units=[locked.case.owner_unit_id, _link_unit(locked)],
            event="varied",
        )
    return locked


def order_revoke(*, actor: Actor, order: CourtOrder, reason: str, expected_version: int | None = None) -> CourtOrder:
    require(actor, "court.order.change", order)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the order is revoked.")]})
    if not order.is_live:
        raise ValidationError(_("Only an order in force can be revoked."))
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        locked.status = OrderStatus.REVOKED
        fields = ["status"]
        if locked.fund_status in (FundStatus.APPROVED, FundStatus.PENDING):
            locked.fund_status = FundStatus.STOPPED
            fields.append("fund_status")
        _save(locked, fields)
        # Sessions not yet due are called off; those recorded stay as they were.
        locked.sessions.filter(status=SessionStatus.SCHEDULED, on__gte=local_today(locked.country)).update(
            status=SessionStatus.CANCELLED
        )
        link = locked.link_referral
        if link is not None and link.is_open:
            # Nothing more is owed under a revoked order: the link closes (the receiver is told).
            referral_services.referral_withdraw(actor=actor, referral=link, reason=_("The court revoked the order."))
        _record(locked, actor, "revoked")
        _audit(actor, "court.order.revoke", locked, reason=reason.strip())
        _tell(
            locked,
            NoticeKind.COURT_ORDER_CHANGED,
            units=[locked.case.owner_unit_id, _link_unit(locked)],
            event="revoked",
        )
    return locked


def _advance_link(actor: Actor, order: CourtOrder) -> None:
    """The receiver's first action on a link answers its referral: acknowledged, accepted, in progress,
    first contact, each through the referral services (the court's unit is told of each)."""
    referral = order.link_referral
    if referral is None:
        return
    referral.refresh_from_db()
    if referral.status == ReferralStatus.SENT:
        referral = referral_services.referral_acknowledge(actor=actor, referral=referral)
    if referral.status == ReferralStatus.RECEIVED:
        referral = referral_services.referral_accept(actor=actor, referral=referral)
    if referral.status == ReferralStatus.ACCEPTED:
        referral = referral_services.referral_start(actor=actor, referral=referral)
    if referral.first_contact_at is None and referral.status == ReferralStatus.IN_PROGRESS:
        referral_services.referral_record_contact(actor=actor, referral=referral)


def noncompliance_threshold() -> int:
    return int(getattr(settings, "COURTS_NONCOMPLIANCE_THRESHOLD", 2))


def session_record(
    *,
    actor: Actor,
    order: CourtOrder,
    on: dt.date | None,
    status: str,
    reported_by: str = "",
    note: str = "",
    wellbeing: str = "",
    expected_version: int | None = None,
) -> VisitSession:
    """The centre records one session of the schedule. Missed sessions since the last report reaching
    the threshold produce a compliance report to the court."""
    require(actor, "court.session.record", order)
    errors: dict[str, list[str]] = {}
    session = order.sessions.filter(on=on).first() if on else None
    if on is None:
        errors["on"] = [_("Give the date of the session.")]
    elif session is None:
        errors["on"] = [
            _(
                "No session is scheduled on %(date)s: the ruling's sessions are on %(weekday)s, "
                "between %(start)s and %(end)s."
            )
            % {
                "date": on.isoformat(),
                "weekday": _weekday_name(order.weekday or 0),
                "start": order.starts_on.isoformat(),
                "end": (
                    order.ends_on
                    or order.sessions.order_by("-on").values_list("on", flat=True).first()
                    or order.starts_on
                ).isoformat(),
            }
        ]
    elif on > local_today(order.country) and status != SessionStatus.CANCELLED:
        errors["on"] = [_("This session has not taken place yet; only a cancellation can be recorded ahead.")]
    if status not in SessionStatus.values or status == SessionStatus.SCHEDULED:
        errors["status"] = [_("Say what happened at the session.")]
    missing_reporter = status in MISSED and not reported_by
    if missing_reporter or (reported_by and reported_by not in Reporter.values):
        errors["reported_by"] = [_("Say who reported it.")]
    if wellbeing.strip() and not order.supervised:
        errors["wellbeing"] = [_("Notes on the child's wellbeing are kept for supervised visits only.")]
    if not order.is_live and status != SessionStatus.CANCELLED:
        errors["__all__"] = [_("The ruling is no longer in force.")]
    if errors:
        raise ValidationError(errors)
    assert session is not None  # noqa: S101 - validated above
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        _advance_link(actor, locked)
        corrected = session.status != SessionStatus.SCHEDULED
        session.status = status
        session.reported_by = reported_by
        session.note = note.strip() or None
        session.wellbeing = wellbeing.strip() or None
        session.recorded_by = _user(actor)
        session.recorded_at = timezone.now()
        session.save()
        _save(locked, [])
        _record(
            locked, actor, "session_corrected" if corrected else "session_recorded", session=session.pk, outcome=status
        )
        _audit(actor, "court.session.record", locked, session=session.pk, outcome=status)
        if status in MISSED:
            last = locked.compliance_reports.order_by("-generated_at").first()
            since = locked.sessions.filter(status__in=MISSED)
            if last is not None:
                since = since.filter(recorded_at__gt=last.generated_at)
            if since.count() >= noncompliance_threshold():
                _compliance_report(actor, locked, trigger="repeated")
    return session


def _compliance_report(actor: Actor, order: CourtOrder, *, trigger: str) -> ComplianceReport:
    up_to = local_today(order.country)
    counts = dict.fromkeys(SessionStatus.values, 0)
    for status in order.sessions.filter(on__lte=up_to).values_list("status", flat=True):
        counts[status] += 1
    report = ComplianceReport.objects.create(
        order=order,
        by=actor.user,
        trigger=trigger,
        up_to=up_to,
        scheduled=sum(counts.values()),
        held=counts[SessionStatus.HELD],
        visitor_absent=counts[SessionStatus.VISITOR_ABSENT],
        child_not_brought=counts[SessionStatus.CHILD_NOT_BROUGHT],
        cancelled=counts[SessionStatus.CANCELLED],
    )
    _record(order, actor, "compliance_report", report=report.pk, trigger=trigger)
    _audit(actor, "court.compliance.report", order, report=report.pk, trigger=trigger)
    _tell(
        order,
        NoticeKind.COURT_COMPLIANCE_REPORT,
        units=[order.court_unit_id],
        missed=report.visitor_absent + report.child_not_brought,
    )
    return report


def compliance_report_request(
    *, actor: Actor, order: CourtOrder, expected_version: int | None = None
) -> ComplianceReport:
    """The centre sends the court a report now, whatever the count."""
    require(actor, "court.session.record", order)
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        _save(locked, [])
        return _compliance_report(actor, locked, trigger="requested")


def order_refer_to_fund(
    *, actor: Actor, order: CourtOrder, fund_unit_id: int | None, note: str = "", expected_version: int | None = None
) -> CourtOrder:
    """The execution court refers an unpaid alimony judgment to the fund: a referral carrying it."""
    require(actor, "court.order.change", order)
    errors: dict[str, list[str]] = {}
    if order.order_type != OrderType.ALIMONY:
        errors["__all__"] = [_("Only an alimony judgment is referred to the fund.")]
    elif not order.is_live:
        errors["__all__"] = [_("Only a judgment in force is referred to the fund.")]
    elif order.fund_status in (FundStatus.PENDING, FundStatus.APPROVED):
        errors["__all__"] = [_("This judgment is already with the fund.")]
    fund = (
        Unit.objects.select_related("institution")
        .filter(
            pk=fund_unit_id or 0,
            is_active=True,
            institution__is_active=True,
            institution__country_id=order.country_id,
            institution__sector__code="alimony_fund",
        )
        .first()
    )
    if fund is None:
        errors["fund_unit"] = [_("Choose the alimony fund's unit.")]
    if errors:
        raise ValidationError(errors)
    assert fund is not None  # noqa: S101 - validated above
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        referral = referral_services.referral_send_on_order(
            actor=actor,
            case=locked.case,
            to_unit=fund,
            urgency="urgent",
            reason=_("Unpaid alimony judgment %(order)s (court reference %(reference)s).")
            % {"order": f"CO-{locked.pk}", "reference": locked.reference}
            + (f" {note.strip()}" if note.strip() else ""),
            service_codes=["alimony"],
            ground_reason=_("An unpaid alimony judgment referred by the execution court."),
            complete_by=_end_of(locked, locked.ends_on),
            ongoing=locked.ends_on is None,
        )
        locked.link_referral = referral
        locked.fund_status = FundStatus.PENDING
        locked.fund_reason = ""
        locked.fund_decided_at = None
        _save(locked, ["link_referral", "fund_status", "fund_reason", "fund_decided_at"])
        _record(locked, actor, "referred_to_fund", referral=referral.pk)
        _audit(actor, "court.order.refer_fund", locked, referral=referral.pk)
    return locked


def fund_decide(
    *, actor: Actor, order: CourtOrder, approve: bool, reason: str = "", expected_version: int | None = None
) -> CourtOrder:
    require(actor, "court.fund.act", order)
    if order.fund_status != FundStatus.PENDING:
        raise ValidationError(_("The fund has already decided on this judgment."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for rejecting the judgment.")]})
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        referral = locked.link_referral
        assert referral is not None  # noqa: S101 - pending means referred
        if approve:
            _advance_link(actor, locked)
        else:
            if referral.status == ReferralStatus.SENT:
                referral = referral_services.referral_acknowledge(actor=actor, referral=referral)
            referral_services.referral_decline(actor=actor, referral=referral, reason_code="other", note=reason.strip())
        locked.fund_status = FundStatus.APPROVED if approve else FundStatus.REJECTED
        locked.fund_reason = reason.strip()
        locked.fund_decided_at = timezone.now()
        _save(locked, ["fund_status", "fund_reason", "fund_decided_at"])
        _record(locked, actor, "fund_approved" if approve else "fund_rejected")
        _audit(actor, "court.fund.decide", locked, approved=approve)
    return locked


def payment_record(
    *,
    actor: Actor,
    order: CourtOrder,
    due_on: dt.date | None,
    paid_on: dt.date | None,
    amount: Decimal | None,
    expected_version: int | None = None,
) -> Payment:
    """One payment of the fund to the beneficiaries, for one due date of the judgment. More than the
    judgment's amount is refused: a higher amount needs the court's variation first."""
    require(actor, "court.fund.act", order)
    errors: dict[str, list[str]] = {}
    today = local_today(order.country)
    if order.fund_status != FundStatus.APPROVED:
        errors["__all__"] = [_("The fund pays only a judgment it approved and that was not stopped.")]
    if paid_on is None:
        errors["paid_on"] = [_("Give the date of the payment.")]
    elif paid_on > today:
        errors["paid_on"] = [_("The payment date is in the future.")]
    if due_on is None:
        errors["due_on"] = [_("Give the due date the payment is for.")]
    elif due_on not in payment_due_dates(order, until=max(today, due_on)):
        errors["due_on"] = [
            _("The judgment has no payment due on %(date)s; payments fall due %(frequency)s from %(start)s.")
            % {
                "date": due_on.isoformat(),
                "frequency": str(Frequency(order.payment_frequency or Frequency.MONTHLY).label).lower(),
                "start": order.starts_on.isoformat(),
            }
        ]
    elif order.payments.filter(period=due_on).exists():
        errors["due_on"] = [_("The payment due on this date is already recorded.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give the amount paid.")]
    elif order.amount is not None and amount > order.amount:
        errors["amount"] = [
            _(
                "The payment (%(amount)s) is more than the judgment allows (%(allowed)s per period). "
                "A higher amount needs the court's variation recorded first."
            )
            % {"amount": amount, "allowed": order.amount}
        ]
    if errors:
        raise ValidationError(errors)
    assert due_on is not None and paid_on is not None and amount is not None  # noqa: S101 - validated above
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        payment = Payment.objects.create(
            order=locked, period=due_on, due_on=due_on, paid_on=paid_on, amount=amount, recorded_by=_user(actor)
        )
        _save(locked, [])
        _record(locked, actor, "payment", payment=payment.pk, due_on=due_on.isoformat(), delay_days=payment.delay_days)
        _audit(actor, "court.fund.pay", locked, payment=payment.pk)
    return payment


def recovery_record(
    *,
    actor: Actor,
    order: CourtOrder,
    recovered_on: dt.date | None,
    amount: Decimal | None,
    expected_version: int | None = None,
) -> Recovery:
    require(actor, "court.fund.act", order)
    errors: dict[str, list[str]] = {}
    if order.fund_status not in (FundStatus.APPROVED, FundStatus.STOPPED):
        errors["__all__"] = [_("The fund recovers only what it paid under an approved judgment.")]
    if recovered_on is None or recovered_on > local_today(order.country):
        errors["recovered_on"] = [_("Give the date of the recovery (not in the future).")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give the amount recovered.")]
    if errors:
        raise ValidationError(errors)
    assert recovered_on is not None and amount is not None  # noqa: S101 - validated above
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        recovery = Recovery.objects.create(
            order=locked, recovered_on=recovered_on, amount=amount, recorded_by=_user(actor)
        )
        _save(locked, [])
        _record(locked, actor, "recovery", recovery=recovery.pk)
        _audit(actor, "court.fund.recover", locked, recovery=recovery.pk)
    return recovery


def _breach_source(actor: Actor) -> str:
    if actor.role == Role.SOCIAL_CENTRE_OFFICER:
        return BreachSource.SOCIAL_CENTRE
    membership = actor.membership
    if membership is not None and membership.unit.institution.sector.code == "police":
        return BreachSource.POLICE
    return BreachSource.CASE_WORKER


def prosecution_units(country_id: int) -> list[int]:
    return list(
        Unit.objects.filter(
            is_active=True,
            institution__is_active=True,
            institution__country_id=country_id,
            institution__sector__code="prosecution",
        ).values_list("pk", flat=True)
    )


def breach_report(
    *,
    actor: Actor,
    order: CourtOrder,
    occurred_at: dt.datetime | None,
    account: str,
    expected_version: int | None = None,
) -> OrderBreach:
    """A breach of a protection order, reported against it: the court, the prosecution and the case
    owner (its unit and the assigned worker) are told in the same transaction."""
    require(actor, "court.breach.report", order)
    errors: dict[str, list[str]] = {}
    if order.order_type != OrderType.PROTECTION:
        errors["__all__"] = [_("A breach is reported against a protection order.")]
    if occurred_at is None:
        errors["occurred_at"] = [_("Give when it happened.")]
    elif occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("The breach cannot be in the future.")]
    elif occurred_at.astimezone(zoneinfo.ZoneInfo(order.country.time_zone)).date() < order.starts_on or (
        order.ends_on and occurred_at.astimezone(zoneinfo.ZoneInfo(order.country.time_zone)).date() > order.ends_on
    ):
        errors["occurred_at"] = [_("The order was not in force at that time.")]
    if not account.strip():
        errors["account"] = [_("Say what happened.")]
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None  # noqa: S101 - validated above
    membership = actor.membership
    assert membership is not None  # noqa: S101 - the policy needs one
    with transaction.atomic(), history_context(actor):
        locked = _lock(order, expected_version)
        breach = OrderBreach.objects.create(
            order=locked,
            occurred_at=occurred_at,
            source=_breach_source(actor),
            account=account.strip(),
            reporter_unit=membership.unit,
            reported_by=_user(actor),
        )
        _save(locked, [])
        _record(locked, actor, "breach", breach=breach.pk, source=breach.source)
        _audit(actor, "court.breach.report", locked, breach=breach.pk, source=breach.source)
        date = timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M")
        _tell(
            locked,
            NoticeKind.COURT_ORDER_BREACH,
            units=[locked.court_unit_id, locked.case.owner_unit_id, *prosecution_units(locked.country_id)],
            recipients=[locked.case.assigned_to_id],
            date=date,
        )
    return breach
