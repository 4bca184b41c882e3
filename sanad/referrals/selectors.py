"""Reads of referrals, always inside the access policy; reading one referral or its case is audited.

``referral_case_view`` is the only way a receiver reads the case behind a referral: pages, the API
and the export all take what it returns, which holds the consented fields and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.policy import get_for, require, scope
from sanad.audit.services import audit_record
from sanad.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from sanad.referrals.scope import ConsentedScope, consented_scope


def overdue(now: dt.datetime) -> Q:
    """Open and past a deadline not yet met (``now`` from Python: in a transaction, SQL now() is its start)."""
    return Q(status__in=OPEN_STATUSES) & (
        Q(acknowledged_at__isnull=True, acknowledge_due__lt=now)
        | Q(first_contact_at__isnull=True, first_contact_due__lt=now)
        | Q(complete_due__lt=now)
    )


def referral_list(*, actor: Actor, box: str = "incoming", state: str = "open") -> QuerySet[Referral]:
    """The unit's incoming or outgoing referrals (``box``: incoming, outgoing, all), overdue ones
    first, then by urgency and age."""
    # Narrow rows, no joins: the database sorts every open referral of the unit to pick one page, so the
    # units are fetched afterwards for that page only (prefetch), and the encrypted texts not at all.
    qs = scope(
        actor,
        "referral.list",
        Referral.objects.defer("reason", "legal_ground_reason", "closing_note").prefetch_related(
            "from_unit__institution", "to_unit__institution"
        ),
    )
    if box == "incoming":
        qs = qs.filter(to_unit_id=actor.unit_id)
    elif box == "outgoing":
        qs = qs.filter(from_unit_id=actor.unit_id)
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif state in ReferralStatus.values:
        qs = qs.filter(status=state)
    urgency_rank = Case(
        When(urgency="immediate", then=Value(0)),
        When(urgency="urgent", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(
        overdue=Case(
            When(overdue(timezone.now()), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        urgency_rank=urgency_rank,
    ).order_by("-overdue", "urgency_rank", "sent_at", "pk")


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
    """One page of ``referral_list`` in two narrow steps: the ids of the page (the database sorts the
    unit's referrals without reading their wide rows), then those rows by primary key, put back in
    that order and marked overdue in Python (no second sort, no second compile of the ordering); no
    total count, which would read them all again."""
    ordered = referral_list(actor=actor, box=box, state=state)
    number = max(1, number)
    ids = list(ordered.values_list("pk", flat=True)[(number - 1) * size : number * size + 1])
    wanted = ids[:size]
    by_id = (
        scope(actor, "referral.list", Referral.objects.defer("reason", "legal_ground_reason", "closing_note"))
        .select_related("from_unit__institution", "to_unit__institution")
        .in_bulk(wanted)
        if wanted
        else {}
    )
    now = timezone.now()
    rows = [by_id[pk] for pk in wanted if pk in by_id]
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
