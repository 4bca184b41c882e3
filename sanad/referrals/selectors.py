"""Reads of referrals, always inside the access policy; reading one referral or its case is audited.

``referral_case_view`` is the only way a receiver reads the case behind a referral: pages, the API
and the export all take what it returns, which holds the consented fields and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.policy import get_for, require, scope
from sanad.audit.services import audit_record
from sanad.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from sanad.referrals.scope import ConsentedScope, consented_scope


def overdue(now: dt.datetime) -> Q:
    """Open and past a deadline not yet met (``now`` from Python: in a transaction, SQL now() is its
    start). ``next_due_at`` is the earliest unmet deadline, kept by PostgreSQL."""
    return Q(status__in=OPEN_STATUSES, next_due_at__lt=now)


def not_overdue(now: dt.datetime) -> Q:
    """The complement of ``overdue(now)``, spelled out: a referral with no deadline at all is not
    overdue (SQL's NOT over a NULL comparison would drop it)."""
    return ~Q(status__in=OPEN_STATUSES) | Q(next_due_at__isnull=True) | Q(next_due_at__gte=now)


def _referrals_in_box(*, actor: Actor, box: str, state: str) -> QuerySet[Referral]:
    """The unit's referrals in ``box`` (incoming, outgoing, all) and ``state``, inside the policy."""
    qs = scope(actor, "referral.list", Referral.objects.defer("reason", "legal_ground_reason", "closing_note"))
    if box == "incoming":
        qs = qs.filter(to_unit_id=actor.unit_id)
    elif box == "outgoing":
        qs = qs.filter(from_unit_id=actor.unit_id)
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif state in ReferralStatus.values:
        qs = qs.filter(status=state)
    return qs


# What an inbox row shows and what marking it overdue reads: nothing else is loaded for a page.
_INBOX_ROW = (
    "kind",
    "status",
    "urgency",
    "sent_at",
    "acknowledged_at",
    "acknowledge_due",
    "first_contact_at",
    "first_contact_due",
    "complete_due",
    "from_unit__name_ar",
    "from_unit__name_en",
    "from_unit__institution__name_ar",
    "from_unit__institution__name_en",
    "to_unit__name_ar",
    "to_unit__name_en",
    "to_unit__institution__name_ar",
    "to_unit__institution__name_en",
)

# Within the overdue ones and within the rest: most urgent first, then oldest first.
_INBOX_ORDER = ("urgency_rank", "sent_at", "pk")


def referral_list(*, actor: Actor, box: str = "incoming", state: str = "open") -> QuerySet[Referral]:
    """The unit's incoming or outgoing referrals (``box``: incoming, outgoing, all), overdue ones
    first, then by urgency and age."""
    return (
        _referrals_in_box(actor=actor, box=box, state=state)
        .prefetch_related("from_unit__institution", "to_unit__institution")
        .annotate(
            overdue=Case(
                When(overdue(timezone.now()), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-overdue", *_INBOX_ORDER)
    )


@dataclass(frozen=True)
class ReferralPage:
    rows: list[Referral]
    number: int
    has_previous: bool
    has_next: bool

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __iter__(self) -> Iterator[Referral]:
        return iter(self.rows)


def is_overdue(referral: Referral, now: dt.datetime) -> bool:
    """``overdue(now)`` for one loaded referral (the inbox marks its page's rows without asking SQL again)."""
    if referral.status not in OPEN_STATUSES:
        return False
    return bool(
        (referral.acknowledged_at is None and referral.acknowledge_due is not None and referral.acknowledge_due < now)
        or (
            referral.first_contact_at is None
            and referral.first_contact_due is not None
            and referral.first_contact_due < now
        )
        or (referral.complete_due is not None and referral.complete_due < now)
    )


def referral_page(*, actor: Actor, box: str, state: str, number: int, size: int = 25) -> ReferralPage:
    """One page of ``referral_list`` (overdue first, then by urgency and age) without sorting every
    referral of the unit: the overdue ones are few and come from the deadline indexes; the rest are
    read in order from the open-inbox index, stopping at the page's end. Then the page's rows by
    primary key, marked overdue in Python. No total count, which would read them all again."""
    number = max(1, number)
    start, wanted = (number - 1) * size, size + 1  # one more than the page tells whether a next one exists
    now = timezone.now()
    in_box = _referrals_in_box(actor=actor, box=box, state=state)
    late = in_box.filter(overdue(now)).order_by(*_INBOX_ORDER)
    ids = list(late.values_list("pk", flat=True)[start : start + wanted])
    if len(ids) < wanted:
        # Where the on-time referrals start on this page depends on how many overdue ones came before.
        skip = start - late.count() if not ids else 0
        on_time = in_box.filter(not_overdue(now)).order_by(*_INBOX_ORDER)
        ids += list(on_time.values_list("pk", flat=True)[skip : skip + wanted - len(ids)])
    shown = ids[:size]
    by_id = (
        scope(actor, "referral.list", Referral.objects.only(*_INBOX_ROW))
        .select_related("from_unit__institution", "to_unit__institution")
        .in_bulk(shown)
        if shown
        else {}
    )
    rows = [by_id[pk] for pk in shown if pk in by_id]
    for row in rows:
        row.overdue = is_overdue(row, now)  # type: ignore[attr-defined]
    return ReferralPage(rows=rows, number=number, has_previous=number > 1, has_next=len(ids) > size)


def referral_get(*, actor: Actor, pk: int, action: str = "referral.view") -> Referral:
    referral = get_for(
        actor,
        action,
        Referral.objects.select_related(
            "from_unit__institution",
            "to_unit__institution__sector",
            "case",
            "receiver_case",
            "consent",
            "legal_ground",
            "country",
            "standard",
        ),
        pk=pk,
    )
    audit_record(actor=actor, action=action, object_type="referrals.referral", object_id=referral.pk)
    return referral


def referral_scope(*, referral: Referral) -> ConsentedScope:
    """The consented scope of a referral: the hook for the printable referral form (issue 7, item 7)."""
    return consented_scope(referral)


def referral_case_view(*, actor: Actor, referral: Referral) -> dict[str, Any]:
    """What the receiver may read of the case: only the consented fields (``fields`` lists them).
    The read is audited with the fields it returned."""
    require(actor, "referral.read_case", referral)
    allowed = consented_scope(referral)
    view: dict[str, Any] = {"fields": sorted(allowed.fields), "basis": allowed.basis}
    case = referral.case
    if case is None or not allowed.fields:
        audit_record(actor=actor, action="referral.read_case", object_type="referrals.referral", object_id=referral.pk)
        return view
    view["case_number"] = case.number
    person = case.survivor
    if allowed.allows("identity"):
        view["survivor"] = {
            "name": person.full_name,
            "sex": person.sex,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        }
    if allowed.allows("contact"):
        view["contact"] = {"phones": str(person.phones or ""), "address": str(person.address or "")}
    reports = list(case.reports.order_by("pk"))
    if allowed.allows("narrative"):
        view["narrative"] = [str(r.narrative or "") for r in reports]
    if allowed.allows("incidents"):
        view["incidents"] = [
            {
                "occurred_on": i.occurred_on.isoformat() if i.occurred_on else None,
                "period_start": i.period_start.isoformat() if i.period_start else None,
                "violence_type_codes": i.violence_type_codes,
                "context_code": i.context_code,
                "relationship_code": i.relationship_code,
                "injuries": i.injuries,
                "weapons": i.weapons,
                "children_present": i.children_present,
            }
            for r in reports
            for i in r.incidents.order_by("pk")
        ]
    if allowed.allows("risk"):
        view["risk"] = [
            {"at": a.assessed_at.isoformat(), "score": a.score, "level": a.level}
            for a in case.assessments.order_by("assessed_at", "pk")
        ]
    if allowed.allows("plans"):
        view["plans"] = [
            {"plan": a.plan, "goal": str(a.goal), "action": str(a.action), "due_on": a.due_on.isoformat()}
            for a in case.plan_actions.all()
        ]
    if allowed.allows("notes"):
        view["notes"] = [{"text": str(n.text), "written_at": n.written_at.isoformat()} for n in case.notes.all()]
    audit_record(
        actor=actor,
        action="referral.read_case",
        object_type="cases.case",
        object_id=case.pk,
        details={"referral": referral.pk, "fields": sorted(allowed.fields)},
    )
    return view
