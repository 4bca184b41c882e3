"""Reads of multi-agency review, always inside the access policy; reading a meeting is audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.models import Confidentiality
from sanad.access.policy import can, dangerously_unscoped, get_for, require, scope
from sanad.audit.services import audit_record
from sanad.cases.models import Case, CaseStatus
from sanad.multiagency.models import ActionStatus, AgendaItem, AgreedAction, ItemOutcome, ReviewMeeting


def meeting_list(*, actor: Actor) -> QuerySet[ReviewMeeting]:
    return scope(
        actor,
        "marac.view",
        ReviewMeeting.objects.select_related("convening_unit__institution").annotate(
            pending=Count("items", filter=Q(items__outcome=ItemOutcome.PENDING), distinct=True)
        ),
    )


def meeting_get(*, actor: Actor, pk: int, action: str = "marac.view") -> ReviewMeeting:
    meeting = get_for(
        actor, action, ReviewMeeting.objects.select_related("convening_unit__institution", "country"), pk=pk
    )
    audit_record(actor=actor, action=action, object_type="multiagency.reviewmeeting", object_id=meeting.pk)
    return meeting


def item_get(*, actor: Actor, meeting: ReviewMeeting, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(meeting=meeting, pk=pk).first()
    if item is None:
        from django.http import Http404

        raise Http404
    return item


@dataclass(frozen=True)
class AgendaRow:
    """One agenda entry as this participant may see it."""

    item: AgendaItem
    detail: bool  # the outcome's reason and the case link question; see access_rules
    actions: list[tuple[AgreedAction, bool]]  # (action, may read what it says)


def agenda(*, actor: Actor, meeting: ReviewMeeting) -> list[AgendaRow]:
    require(actor, "marac.view", meeting)
    actions = AgreedAction.objects.select_related("responsible_institution", "responsible_user").order_by(
        "due_on", "pk"
    )
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("meeting", "owner_institution")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    rows = []
    for item in items:
        item_actions = list(item.actions.all())
        for a in item_actions:
            a.item = item  # the check reads item.meeting: no query per action
        rows.append(
            AgendaRow(
                item=item,
                detail=can(actor, "marac.item_detail", item),
                actions=[(a, can(actor, "marac.action_detail", a)) for a in item_actions],
            )
        )
    return rows


@dataclass(frozen=True)
class Candidate:
    pk: int
    number: str
    institution: str
    risk_level: str


def candidates(*, actor: Actor, meeting: ReviewMeeting) -> list[Candidate]:
    """Flagged open cases of the participating institutions not awaiting review elsewhere, shown to the
    convener by number, owning institution and risk level only."""
    require(actor, "marac.manage", meeting)
    pending = AgendaItem.objects.filter(outcome=ItemOutcome.PENDING).values("case_id")
    reviewed_here = AgendaItem.objects.filter(meeting=meeting).values("case_id")
    cases = (
        dangerously_unscoped(
            Case.objects.all(),
            reason="the convener lists flagged cases of the participating institutions by number only",
        )
        .filter(
            multi_agency_review=True,
            confidentiality=Confidentiality.NORMAL,
            owner_unit__institution__in=meeting.institutions.all(),
        )
        .exclude(status=CaseStatus.CLOSED)
        .exclude(pk__in=pending)
        .exclude(pk__in=reviewed_here)
        .select_related("owner_unit__institution")
        .order_by("created_at", "pk")[:200]
    )
    return [
        Candidate(pk=c.pk, number=c.number, institution=c.owner_unit.institution.name, risk_level=c.risk_level)
        for c in cases
    ]


def my_actions(*, actor: Actor, include_done: bool = False) -> QuerySet[AgreedAction]:
    """The actions this user must follow, overdue first (oldest due date first)."""
    qs = scope(
        actor,
        "marac.action_list",
        AgreedAction.objects.select_related(
            "item__meeting", "item__owner_institution", "responsible_institution", "responsible_user"
        ),
    )
    if not include_done:
        qs = qs.filter(status=ActionStatus.OPEN)
    return qs.order_by("due_on", "pk")


def action_get(*, actor: Actor, pk: int, action: str = "marac.action_complete") -> AgreedAction:
    return get_for(
        actor,
        action,
        AgreedAction.objects.select_related("item__meeting", "responsible_institution", "responsible_user"),
        pk=pk,
    )


def overdue(action: AgreedAction) -> bool:
    return action.status == ActionStatus.OPEN and action.due_on < timezone.localdate()
