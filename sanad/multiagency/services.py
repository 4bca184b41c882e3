"""Every write to multi-agency review: access checked, validated, audited in the same transaction,
written to the case timeline, and the participants told (notices in the same transaction, so a
rolled-back change tells nobody)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.models import Confidentiality
from sanad.access.policy import require
from sanad.accounts.models import User
from sanad.audit.services import audit_record
from sanad.cases.models import Case, CaseStatus, RiskLevel, TimelineEntry, TimelineKind
from sanad.institutions.models import Institution, Membership
from sanad.institutions.roles import Role
from sanad.multiagency.models import ActionStatus, AgendaItem, AgreedAction, ItemOutcome, ReviewMeeting
from sanad.notices.models import NoticeKind
from sanad.notices.services import notify


class StaleVersion(Exception):
    """The meeting or action changed since the editor loaded it: their change was not applied."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(f"record is now at version {current}")


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("no acting user")
    return actor.user


def _lock_meeting(meeting: ReviewMeeting, expected_version: int | None) -> ReviewMeeting:
    locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise StaleVersion(locked.row_version)
    return locked


def _bump(meeting: ReviewMeeting) -> None:
    ReviewMeeting.objects.filter(pk=meeting.pk).update(row_version=F("row_version") + 1)
    meeting.row_version += 1


def _names(institution: Institution) -> dict[str, str]:
    return {"institution_ar": institution.name_ar, "institution_en": institution.name_en}


def _supervisors_of(institution_ids: Iterable[int]) -> list[int]:
    return list(
        Membership.objects.current()
        .filter(role=Role.SUPERVISOR, unit__institution_id__in=list(institution_ids), user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def meeting_convene(*, actor: Actor, held_on: dt.date | None, institution_ids: list[int]) -> ReviewMeeting:
    """A supervisor's unit convenes a meeting; the supervisors of every participating institution are told."""
    require(actor, "marac.convene")
    membership = actor.membership
    if membership is None:  # require() has refused an actor without one; this is for the type checker
        raise ValueError("no acting membership")
    country_id = membership.unit.institution.country_id
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = [_("This field is required.")]
    elif held_on < timezone.localdate() - dt.timedelta(days=1):
        errors["held_on"] = [_("The meeting date is in the past.")]
    institutions = list(
        Institution.objects.filter(pk__in=institution_ids, country_id=country_id, is_active=True).order_by("pk")
    )
    if not institution_ids:
        errors["institutions"] = [_("Choose the institutions taking part.")]
    elif len(institutions) != len(set(institution_ids)):
        errors["institutions"] = [_("Choose active institutions of your country.")]
    if errors or held_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = ReviewMeeting.objects.create(
            country_id=country_id, convening_unit_id=membership.unit_id, held_on=held_on, created_by=_user(actor)
        )
        # The convener's own institution always takes part: its flagged cases belong on the agenda too.
        meeting.institutions.set({*institutions, membership.unit.institution})
        audit_record(
            actor=actor,
            action="marac.convene",
            object_type="multiagency.reviewmeeting",
            object_id=meeting.pk,
            details={"institutions": sorted(i.pk for i in meeting.institutions.all()), "held_on": held_on.isoformat()},
        )
        recipients = set(_supervisors_of(meeting.institutions.values_list("pk", flat=True))) - {actor.user_id}
        notify(
            recipients=[r for r in recipients if r is not None],
            kind=NoticeKind.MARAC_CONVENED,
            object_type="multiagency.reviewmeeting",
            object_id=meeting.pk,
            params={"date": held_on.isoformat()},
        )
    return meeting


def agenda_add_case(
    *, actor: Actor, meeting: ReviewMeeting, case_id: int, expected_version: int | None = None
) -> AgendaItem:
    """List a flagged, open case of a participating institution. Only its number, owning institution
    and risk level are copied onto the agenda: that is all the other participants are shown. A
    restricted or sealed case is never listed: even its number would tell the meeting it exists."""
    require(actor, "marac.manage", meeting)
    case = Case.objects.select_related("owner_unit__institution").filter(pk=case_id).first()
    if (
        case is None
        or not case.multi_agency_review
        or case.status == CaseStatus.CLOSED
        or case.confidentiality != Confidentiality.NORMAL
        or not meeting.institutions.filter(pk=case.owner_unit.institution_id).exists()
    ):
        # The same answer for every refusal: the convener learns nothing about cases they may not list.
        raise ValidationError({"case": [_("Choose a flagged open case of a participating institution.")]})
    if AgendaItem.objects.filter(case=case, outcome=ItemOutcome.PENDING).exists():
        raise ValidationError({"case": [_("This case already awaits review on an agenda.")]})
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version)
        item = AgendaItem.objects.create(
            meeting=locked,
            case=case,
            case_number=case.number,
            owner_institution=case.owner_unit.institution,
            risk_level=case.risk_level or RiskLevel.HIGH,
            added_by=_user(actor),
        )
        _bump(locked)
        TimelineEntry.objects.create(
            case=case, kind=TimelineKind.MARAC_LISTED, by=actor.user, params={"meeting": locked.pk}
        )
        audit_record(
            actor=actor,
            action="marac.agenda_add",
            object_type="multiagency.reviewmeeting",
            object_id=locked.pk,
            details={"case": case.pk},
        )
    meeting.row_version = locked.row_version
    return item


def item_decide(
    *, actor: Actor, item: AgendaItem, outcome: str, reason: str, expected_version: int | None = None
) -> AgendaItem:
    """The case leaves the agenda: reviewed, or no longer flagged (which clears the case's flag)."""
    meeting = item.meeting
    require(actor, "marac.manage", meeting)
    errors: dict[str, list[str]] = {}
    if outcome not in (ItemOutcome.REVIEWED, ItemOutcome.DEFLAGGED):
        errors["outcome"] = [_("Choose an outcome.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version)
        row = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if not row.is_pending:
            raise ValidationError({"outcome": [_("This case has already left the agenda.")]})
        row.outcome = outcome
        row.outcome_reason = reason.strip()
        row.decided_by = _user(actor)
        row.decided_at = timezone.now()
        row.save(update_fields=["outcome", "outcome_reason", "decided_by", "decided_at"])
        if outcome == ItemOutcome.DEFLAGGED:
            Case.objects.filter(pk=row.case_id).update(multi_agency_review=False, row_version=F("row_version") + 1)
        _bump(locked)
        TimelineEntry.objects.create(
            case_id=row.case_id,
            kind=TimelineKind.MARAC_DECIDED,
            by=actor.user,
            params={"meeting": locked.pk, "outcome": outcome},
        )
        audit_record(
            actor=actor,
            action="marac.decide",
            object_type="multiagency.agendaitem",
            object_id=row.pk,
            details={"case": row.case_id, "outcome": outcome},
        )
    meeting.row_version = locked.row_version
    return row


def action_agree(
    *,
    actor: Actor,
    item: AgendaItem,
    description: str,
    institution_id: int | None,
    user_id: int | None,
    due_on: dt.date | None,
    expected_version: int | None = None,
) -> AgreedAction:
    """Record what was agreed for a case: what, which institution (and optionally who), by when."""
    meeting = item.meeting
    require(actor, "marac.manage", meeting)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("This field is required.")]
    institution = meeting.institutions.filter(pk=institution_id or 0).first()
    if institution is None:
        errors["institution"] = [_("Choose one of the participating institutions.")]
    user = None
    if user_id:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if (
            user is None
            or institution is None
            or not Membership.objects.current().filter(user=user, unit__institution=institution).exists()
        ):
            errors["user"] = [_("Choose a person of the responsible institution.")]
    if due_on is None:
        errors["due_on"] = [_("This field is required.")]
    elif due_on < timezone.localdate() - dt.timedelta(days=1):
        errors["due_on"] = [_("The due date is in the past.")]
    if errors or institution is None or due_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_meeting(meeting, expected_version)
        row = AgreedAction.objects.create(
            item=item,
            description=description.strip(),
            responsible_institution=institution,
            responsible_user=user,
            due_on=due_on,
            created_by=_user(actor),
        )
        _bump(locked)
        TimelineEntry.objects.create(
            case_id=item.case_id,
            kind=TimelineKind.MARAC_ACTION_AGREED,
            by=actor.user,
            params={"meeting": locked.pk, "due_on": due_on.isoformat(), **_names(institution)},
        )
        audit_record(
            actor=actor,
            action="marac.action_agree",
            object_type="multiagency.agreedaction",
            object_id=row.pk,
            details={"case": item.case_id, "institution": institution.pk, "user": user.pk if user else None},
        )
        notify(
            recipients=[user.pk] if user is not None else _supervisors_of([institution.pk]),
            kind=NoticeKind.MARAC_ACTION,
            object_type="multiagency.agreedaction",
            object_id=row.pk,
            params={"meeting": str(locked.pk), "number": item.case_number, "due": due_on.isoformat()},
        )
    meeting.row_version = locked.row_version
    return row


def action_complete(*, actor: Actor, action: AgreedAction, expected_version: int | None = None) -> AgreedAction:
    require(actor, "marac.action_complete", action)
    with transaction.atomic():
        row = (
            AgreedAction.objects.select_for_update().select_related("responsible_institution", "item").get(pk=action.pk)
        )
        if expected_version is not None and row.row_version != expected_version:
            raise StaleVersion(row.row_version)
        if row.status == ActionStatus.DONE:
            return row
        row.status = ActionStatus.DONE
        row.done_at = timezone.now()
        row.done_by = _user(actor)
        row.row_version += 1
        row.save(update_fields=["status", "done_at", "done_by", "row_version"])
        TimelineEntry.objects.create(
            case_id=row.item.case_id,
            kind=TimelineKind.MARAC_ACTION_DONE,
            by=actor.user,
            params={"due_on": row.due_on.isoformat(), **_names(row.responsible_institution)},
        )
        audit_record(
            actor=actor,
            action="marac.action_complete",
            object_type="multiagency.agreedaction",
            object_id=row.pk,
            details={"case": row.item.case_id},
        )
    return row


def note_overdue_actions(*, today: dt.date | None = None) -> int:
    """The periodic scan: each open action past its due date goes on its case's timeline and to the
    responsible (or their institution's supervisors), once. Returns how many were noted."""
    today = today or timezone.localdate()
    system = Actor.for_system("marac_overdue_scan")
    noted = 0
    with transaction.atomic():
        due = (
            AgreedAction.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("item", "responsible_institution")
            .filter(status=ActionStatus.OPEN, due_on__lt=today, overdue_noted_at__isnull=True)
            .order_by("due_on", "pk")[:1000]
        )
        rows: list[Any] = list(due)
        now = timezone.now()
        for row in rows:
            TimelineEntry.objects.create(
                case_id=row.item.case_id,
                kind=TimelineKind.MARAC_ACTION_OVERDUE,
                by=None,
                params={"due_on": row.due_on.isoformat(), **_names(row.responsible_institution)},
            )
            notify(
                recipients=[row.responsible_user_id]
                if row.responsible_user_id
                else _supervisors_of([row.responsible_institution_id]),
                kind=NoticeKind.MARAC_ACTION_OVERDUE,
                object_type="multiagency.agreedaction",
                object_id=row.pk,
                params={"number": row.item.case_number, "due": row.due_on.isoformat()},
            )
            noted += 1
        AgreedAction.objects.filter(pk__in=[r.pk for r in rows]).update(overdue_noted_at=now)
        if noted:
            audit_record(actor=system, action="marac.overdue_noted", details={"count": noted})
    return noted
