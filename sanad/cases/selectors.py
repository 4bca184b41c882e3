"""Reads of reports and cases, always inside the access policy; reads of one record are audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import can, get_for, scope
from sanad.access.records import content_scope, reach_key
from sanad.audit.services import audit_record
from sanad.cases.access_rules import remember_reach
from sanad.cases.models import Appeal, Case, CaseStatus, PlanAction, Report, ReportStatus
from sanad.people.matching import name_filter
from sanad.people.names import name_tokens


def report_list(*, actor: Actor, status: str = "") -> QuerySet[Report]:
    qs = scope(actor, "report.list", Report.objects.select_related("owner_unit", "case"))
    return qs.filter(status=status) if status else qs


def new_reports(*, actor: Actor) -> QuerySet[Report]:
    """The unit's queue of reports not yet handled, oldest first (urgent ones first of all)."""
    return (
        report_list(actor=actor, status=ReportStatus.NEW)
        .filter(owner_unit_id=actor.unit_id)
        .order_by("-urgent", "received_at", "pk")
    )


def report_get(*, actor: Actor, pk: int, action: str = "report.view") -> Report:
    report = get_for(
        actor, action, Report.objects.select_related("owner_unit", "country", "case", "definitions_version"), pk=pk
    )
    audit_record(actor=actor, action=action, object_type="cases.report", object_id=report.pk)
    return report


def case_list(
    *,
    actor: Actor,
    search: str = "",
    status: str = "",
    mine: bool = False,
    high_risk: bool = False,
    governorate: int | None = None,
) -> QuerySet[Case]:
    qs = scope(actor, "case.list", Case.objects.select_related("owner_unit", "survivor", "assigned_to"))
    if governorate is not None:
        # The owner unit's governorate, or its institution's when the unit names none.
        qs = qs.filter(
            Q(owner_unit__governorate_id=governorate)
            | Q(owner_unit__governorate__isnull=True, owner_unit__institution__governorate_id=governorate)
        )
    if status == "open":
        qs = qs.exclude(status=CaseStatus.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assigned_to_id=actor.user_id)
    if high_risk:
        qs = qs.filter(Q(risk_level="high") | Q(multi_agency_review=True))
    search = search.strip()
    if search:
        if search[:1].isascii() and "-" in search:
            # A case number (BH-2026-000123) is matched exactly or by its tail.
            qs = qs.filter(number__iendswith=search)
        else:
            # The survivor's name words, kept on the case: hamza, taa marbuta, alef maqsura and
            # diacritics fold as in search while typing, and the last word may be half typed.
            qs = qs.filter(name_filter(name_tokens(search)[:5], field="survivor_words"))
    return qs


@dataclass(frozen=True)
class CasePage:
    """One page of a worklist, with no total count: counting every case that matches a common name
    reads them all once more, and the page shows only where it is and whether more follow."""

    rows: list[Case]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def object_list(self) -> list[Case]:
        return self.rows

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self) -> Iterator[Case]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def case_page(cases: QuerySet[Case], number: str | int | None, *, size: int = 25) -> CasePage:
    """The page ``number`` (1 when missing or not a number) of ``cases``, in their order: one more
    row than the page is read to learn whether another page follows."""
    text = str(number or "")
    page = int(text) if text.isdigit() and int(text) > 0 else 1
    rows = list(cases[(page - 1) * size : page * size + 1])
    return CasePage(rows=rows[:size], number=page, has_next=len(rows) > size)


def case_get(*, actor: Actor, pk: int, action: str = "case.view") -> Case:
    case = get_for(
        actor,
        action,
        Case.objects.select_related("owner_unit", "owner_unit__institution", "country", "survivor", "assigned_to"),
        pk=pk,
    )
    audit_record(actor=actor, action=action, object_type="cases.case", object_id=case.pk)
    return case


def case_open_or_closed(*, actor: Actor, pk: int) -> tuple[Case, bool]:
    """(case, True) with the read audited when the actor may read it; (case, False) when they may only
    see that it exists (sealed, or break-glass possible); that refusal of content is audited too."""
    reachable = _case_with_reach(actor=actor, pk=pk)
    # The same row, loaded with what the page shows, and checked once: its answer is kept on the
    # instance for the rest of the page's checks. Whether its content is readable came with the row
    # (the same condition ``in_content_scope`` asks), so the page's checks ask nothing more.
    remember_reach(reachable)
    reachable._reach_memo[reach_key(actor, reachable)] = reachable.content_readable  # type: ignore[attr-defined]
    if can(actor, "case.view", reachable):
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=pk)
        return reachable, True
    audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=pk, outcome="denied")
    return reachable, False


def _case_with_reach(*, actor: Actor, pk: int) -> Case:
    """The case, if within reach (listed for the actor, or one they may break the glass on), with
    ``content_readable``: whether the actor's units and grants open its content. Both answers come
    from the access policy's own conditions, asked in the same query as the row."""
    one = Case.objects.filter(pk=OuterRef("pk"))
    listed = scope(actor, "case.list", one)
    case = (
        Case.objects.select_related("owner_unit", "owner_unit__institution", "country", "survivor", "assigned_to")
        .filter(pk=pk)
        .annotate(
            listed=Value(False) if listed.query.is_empty() else Exists(listed),
            content_readable=Exists(content_scope(actor, one)),
        )
        .first()
    )
    if case is not None and (case.listed or can(actor, "case.break_glass", case)):
        return case
    if case is not None:
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=pk, outcome="denied")
    raise Http404


def case_reachable(*, actor: Actor, pk: int) -> Case:
    case = (
        Case.objects.select_related("owner_unit", "owner_unit__institution", "country", "survivor", "assigned_to")
        .filter(pk=pk)
        .first()
    )
    if case is not None and (
        scope(actor, "case.list", Case.objects.filter(pk=pk)).exists() or can(actor, "case.break_glass", case)
    ):
        return case
    if case is not None:
        audit_record(actor=actor, action="case.view", object_type="cases.case", object_id=pk, outcome="denied")
    raise Http404


def appeal_list(*, actor: Actor) -> QuerySet[Appeal]:
    return scope(actor, "appeal.list", Appeal.objects.select_related("owner_unit", "report"))


def appeal_get(*, actor: Actor, pk: int) -> Appeal:
    appeal = get_for(actor, "appeal.view", Appeal.objects.select_related("owner_unit", "report"), pk=pk)
    audit_record(actor=actor, action="appeal.view", object_type="cases.appeal", object_id=appeal.pk)
    return appeal


def awaiting_action(*, actor: Actor, search: str = "", governorate: int | None = None) -> QuerySet[Case]:
    """What waits for this user: closures to approve in their unit (supervisors), and their own open
    cases with no risk assessment yet or with an overdue plan action."""
    from django.utils import timezone

    qs = case_list(actor=actor, search=search, status="open", governorate=governorate)
    mine = Q(assigned_to_id=actor.user_id) & (
        Q(risk_level="")
        | Q(pk__in=PlanAction.objects.filter(done_at__isnull=True, due_on__lt=timezone.localdate()).values("case_id"))
    )
    if actor.role == "supervisor":
        mine |= Q(status=CaseStatus.CLOSURE_REQUESTED, owner_unit_id=actor.unit_id)
    return qs.filter(mine)
