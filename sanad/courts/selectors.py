"""Reads of court orders, always inside the access policy; reading one order is audited.

``order_view`` is the one place that decides what of an order a reader gets (pages and API both use
it): parties and terms of the order, never the case's narrative. The fund reads the payment details
(obligor, beneficiaries, amounts); a social centre reads the schedule and the sessions.
The de-identified facts for the statistics are in ``sanad.courts.facts``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import Denied, can, get_for, require, scope
from sanad.audit.services import audit_record
from sanad.cases.models import Case
from sanad.courts.models import ComplianceReport, CourtOrder, OrderType
from sanad.referrals.scope import consented_scope


def order_list(*, actor: Actor, order_type: str = "") -> QuerySet[CourtOrder]:
    qs = scope(actor, "court.order.list", CourtOrder.objects.all()).select_related(
        "court_unit__institution", "centre_unit__institution", "case", "link_referral"
    )
    if order_type in OrderType.values:
        qs = qs.filter(order_type=order_type)
    return qs.order_by("-issued_on", "-pk")


def cases_before_court(*, actor: Actor) -> QuerySet[Case]:
    """The cases referred to the actor's court, newest first: where a clerk records an order."""
    return scope(actor, "court.case.list", Case.objects.all()).only("pk", "number").order_by("-pk")


def case_for_court(*, actor: Actor, pk: int) -> Case:
    return get_for(actor, "court.case.list", Case.objects.select_related("country"), pk=pk)


def order_get(*, actor: Actor, pk: int, audit: bool = True) -> CourtOrder:
    order = get_for(
        actor,
        "court.order.view",
        CourtOrder.objects.select_related(
            "country",
            "case",
            "court_unit__institution",
            "centre_unit__institution",
            "link_referral__to_unit__institution",
            "protected_person",
            "restrained_person",
            "child",
            "custodial_parent",
            "visiting_parent",
            "obligor",
        ),
        pk=pk,
    )
    if audit:
        audit_record(actor=actor, action="court.order.view", object_type="courts.courtorder", object_id=order.pk)
    return order


def _name(person: Any) -> str | None:
    return person.full_name if person is not None else None


def _unit(unit: Any) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "name": f"{unit.institution.name} / {unit.name}"}


def order_view(*, actor: Actor, order: CourtOrder) -> dict[str, Any]:
    """What the reader may read of ``order``: the terms its role needs, nothing of the case."""
    link = order.link_referral
    data: dict[str, Any] = {
        "id": order.pk,
        "order_type": order.order_type,
        "status": order.status,
        "reference": order.reference,
        "case_number": order.case.number,
        "court": _unit(order.court_unit),
        "issued_on": order.issued_on.isoformat(),
        "starts_on": order.starts_on.isoformat(),
        "ends_on": order.ends_on.isoformat() if order.ends_on else None,
        "version": order.row_version,
        "events": [
            {"at": e.at.isoformat(), "event": e.event, "status": e.status, "params": e.params}
            for e in order.events.all()
        ],
        "link": {
            "referral": link.pk,
            "to_unit": link.to_unit_id,
            "status": link.status,
            # The receiver reads nothing of the case through the link, only the order.
            "case_fields_shared": sorted(consented_scope(link).fields),
            "basis": consented_scope(link).basis,
        }
        if link is not None
        else None,
    }
    if order.order_type == OrderType.PROTECTION:
        data.update(
            protected_person=_name(order.protected_person),
            restrained_person=_name(order.restrained_person),
            conditions=order.conditions,
            distance_metres=order.distance_metres,
            breaches=[
                {
                    "id": b.pk,
                    "occurred_at": b.occurred_at.isoformat(),
                    "source": b.source,
                    "account": str(b.account),
                    "reported_at": b.reported_at.isoformat(),
                }
                for b in order.breaches.all()
            ],
        )
    elif order.order_type == OrderType.VISITATION:
        data.update(
            child=_name(order.child),
            custodial_parent=_name(order.custodial_parent),
            visiting_parent=_name(order.visiting_parent),
            centre=_unit(order.centre_unit),
            supervised=order.supervised,
            handover=str(order.handover or ""),
            weekday=order.weekday,
            session_start=order.session_start.isoformat(timespec="minutes") if order.session_start else None,
            session_end=order.session_end.isoformat(timespec="minutes") if order.session_end else None,
            session_frequency=order.session_frequency,
            overlaps_with=order.overlaps_with,
            sessions=[
                {
                    "id": s.pk,
                    "on": s.on.isoformat(),
                    "status": s.status,
                    "reported_by": s.reported_by,
                    "note": str(s.note or ""),
                    "wellbeing": str(s.wellbeing or ""),
                }
                for s in order.sessions.all()
            ],
            compliance_reports=[report_data(r) for r in order.compliance_reports.all()],
        )
    else:
        data.update(
            obligor=_name(order.obligor),
            beneficiaries=[p.full_name for p in order.beneficiaries.all()],
            amount=str(order.amount) if order.amount is not None else None,
            payment_frequency=order.payment_frequency,
            fund_status=order.fund_status,
            fund_reason=order.fund_reason,
            variations=[
                {
                    "varied_on": v.varied_on.isoformat(),
                    "amount_before": str(v.amount_before) if v.amount_before is not None else None,
                    "amount_after": str(v.amount_after) if v.amount_after is not None else None,
                    "ends_on_after": v.ends_on_after.isoformat() if v.ends_on_after else None,
                }
                for v in order.variations.all()
            ],
            payments=[
                {
                    "due_on": p.due_on.isoformat(),
                    "paid_on": p.paid_on.isoformat(),
                    "amount": str(p.amount),
                    "delay_days": p.delay_days,
                }
                for p in order.payments.all()
            ],
            recoveries=[
                {"recovered_on": r.recovered_on.isoformat(), "amount": str(r.amount)} for r in order.recoveries.all()
            ],
        )
    data["may"] = {
        "change": can(actor, "court.order.change", order),
        "record_session": can(actor, "court.session.record", order),
        "fund": can(actor, "court.fund.act", order),
        "report_breach": can(actor, "court.breach.report", order),
    }
    return data


def report_data(report: ComplianceReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "generated_at": report.generated_at.isoformat(),
        "trigger": report.trigger,
        "up_to": report.up_to.isoformat(),
        "scheduled": report.scheduled,
        "held": report.held,
        "visitor_absent": report.visitor_absent,
        "child_not_brought": report.child_not_brought,
        "cancelled": report.cancelled,
    }


def compliance_report_get(*, actor: Actor, pk: int) -> ComplianceReport:
    """A report, reached through its order (within the reader's reach, 404 otherwise)."""
    report = ComplianceReport.objects.filter(pk=pk).only("pk", "order_id").first()
    order = order_get(actor=actor, pk=report.order_id if report else 0, audit=False)
    try:
        require(actor, "court.compliance.view", order)
    except Denied:
        raise Http404 from None
    full = ComplianceReport.objects.select_related("order").get(pk=pk)
    full.order = order
    return full
