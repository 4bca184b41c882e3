"""Who may see and act on court orders. Each side sees what its role needs:

- the court that recorded an order (its clerks) sees and changes it; the prosecution's clerks see the
  country's protection orders (breaches reach them);
- a social centre sees the visitation rulings carried out there (and the protection orders on the
  same cases, so it knows who must stay away), and records the sessions;
- the alimony fund sees only the judgments referred to it, and records decisions and payments;
- the case owner's workers see the orders on the cases they may read.

Nobody reads the case itself through an order: the links share no case field (``consented_scope``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.access.records import content_scope
from sanad.institutions.roles import Role

_CASE_ROLES = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR}
_ALL = {Role.COURT_CLERK, Role.SOCIAL_CENTRE_OFFICER, Role.ALIMONY_OFFICER, *_CASE_ROLES}


def _sector(actor: Actor) -> str:
    membership = actor.membership
    return membership.unit.institution.sector.code if membership is not None else ""


def visible_q(actor: Actor) -> Q | None:
    """The orders the actor may see, as one condition (None: none at all)."""
    from sanad.cases.models import Case
    from sanad.courts.models import CourtOrder, OrderType

    membership = actor.membership
    if membership is None:
        return None
    unit = actor.unit_id
    if actor.role == Role.COURT_CLERK:
        q = Q(court_unit_id=unit)
        if _sector(actor) == "prosecution":
            q |= Q(order_type=OrderType.PROTECTION, country_id=membership.unit.institution.country_id)
        return q
    if actor.role == Role.SOCIAL_CENTRE_OFFICER:
        cases_here = CourtOrder.objects.filter(centre_unit_id=unit).values("case_id")
        return Q(order_type=OrderType.VISITATION, centre_unit_id=unit) | Q(
            order_type=OrderType.PROTECTION, case_id__in=cases_here
        )
    if actor.role == Role.ALIMONY_OFFICER:
        return Q(order_type=OrderType.ALIMONY, link_referral__to_unit_id=unit)
    if actor.role in _CASE_ROLES:
        return Q(case_id__in=content_scope(actor, Case.objects.all()).values("pk"))
    return None


def _visible(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    q = visible_q(actor)
    return qs.none() if q is None else qs.filter(q)


def _sees(actor: Actor, order: Any) -> bool:
    return _visible(actor, type(order)._default_manager.filter(pk=order.pk)).exists()


def _court_of(actor: Actor, order: Any) -> bool:
    return order.court_unit_id == actor.unit_id


def _centre_of(actor: Actor, order: Any) -> bool:
    return order.order_type == "visitation" and order.centre_unit_id == actor.unit_id


def _fund_of(actor: Actor, order: Any) -> bool:
    link = order.link_referral
    return order.order_type == "alimony" and link is not None and link.to_unit_id == actor.unit_id


def _protection_seen(actor: Actor, order: Any) -> bool:
    return order.order_type == "protection" and _sees(actor, order)


def _visitation_seen(actor: Actor, order: Any) -> bool:
    return order.order_type == "visitation" and _sees(actor, order)


def cases_before_court(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Cases referred to the actor's court unit by the unit holding them (the court's only way to a case)."""
    from sanad.referrals.models import ReferralStatus

    if actor.role != Role.COURT_CLERK or _sector(actor) != "court":
        return qs.none()
    return qs.filter(
        referrals__to_unit_id=actor.unit_id,
        referrals__status__in=[
            ReferralStatus.SENT,
            ReferralStatus.RECEIVED,
            ReferralStatus.ACCEPTED,
            ReferralStatus.IN_PROGRESS,
            ReferralStatus.COMPLETED,
        ],
    ).distinct()


def _before_court(actor: Actor, case: Any) -> bool:
    return cases_before_court(actor, type(case)._default_manager.filter(pk=case.pk)).exists()


register("court.order.list", roles=_ALL, scope=_visible)
register("court.order.view", roles=_ALL, check=_sees, scope=_visible)
register("court.case.list", roles={Role.COURT_CLERK}, scope=cases_before_court)
register("court.order.create", roles={Role.COURT_CLERK}, check=_before_court)
register("court.order.change", roles={Role.COURT_CLERK}, check=_court_of)
register("court.session.record", roles={Role.SOCIAL_CENTRE_OFFICER}, check=_centre_of)
register(
    "court.compliance.view", roles={Role.COURT_CLERK, Role.SOCIAL_CENTRE_OFFICER, *_CASE_ROLES}, check=_visitation_seen
)
register("court.fund.act", roles={Role.ALIMONY_OFFICER}, check=_fund_of)
register(
    "court.breach.report",
    roles={Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.SOCIAL_CENTRE_OFFICER},
    check=_protection_seen,
)
