"""Who may do what with referrals. The sending side is the unit that holds the case; the receiving
side is the unit it was sent to; the national response coordinator follows every referral of the
country by its dates and states only (never the reason nor the case)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.access.records import in_content_scope
from sanad.institutions.roles import Role

# Health and forensic examiners send the mandatory notifications of hospitals; schools' counsellors
# are case workers of the education sector.
_WORKERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}
_FOLLOWERS = _WORKERS | {Role.NATIONAL_COORDINATOR}
# Courts, the alimony fund and social centres hold no case: they send and answer the referrals that
# carry court orders (sanad.courts), through the same inbox, standards and breaches.
_LINKS = {Role.COURT_CLERK, Role.ALIMONY_OFFICER, Role.SOCIAL_CENTRE_OFFICER}


def _either_side(actor: Actor, referral: Any) -> bool:
    return actor.unit_id in (referral.from_unit_id, referral.to_unit_id) or _coordinates(actor, referral)


def _coordinates(actor: Actor, referral: Any) -> bool:
    membership = actor.membership
    return (
        actor.role == Role.NATIONAL_COORDINATOR
        and membership is not None
        and membership.unit.institution.country_id == referral.country_id
    )


def _visible(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    membership = actor.membership
    if membership is None:
        return qs.none()
    if actor.role == Role.NATIONAL_COORDINATOR:
        return qs.filter(country_id=membership.unit.institution.country_id)
    return qs.filter(Q(from_unit_id=actor.unit_id) | Q(to_unit_id=actor.unit_id))


def _sender(actor: Actor, referral: Any) -> bool:
    return referral.from_unit_id == actor.unit_id


def _receiver(actor: Actor, referral: Any) -> bool:
    return referral.to_unit_id == actor.unit_id


def _sender_or_receiver(actor: Actor, referral: Any) -> bool:
    return _sender(actor, referral) or _receiver(actor, referral)


def _holds_case(actor: Actor, case: Any) -> bool:
    # Only the unit that holds the case refers it, and only a member who may read it.
    return bool(case.owner_unit_id == actor.unit_id) and in_content_scope(actor, case)


def _has_the_right(actor: Actor, _obj: Any) -> bool:
    membership = actor.membership
    return membership is not None and membership.may_refer_without_consent


register("referral.list", roles=_FOLLOWERS | _LINKS, scope=_visible)
register("referral.view", roles=_FOLLOWERS | _LINKS, check=_either_side, scope=_visible)
register("referral.send", roles=_WORKERS, check=_holds_case)
# A notification that comes from a body holding no case (a hospital, a school).
register("referral.notify", roles=_WORKERS)
register("referral.send_without_consent", roles=_WORKERS, check=_has_the_right)
register("referral.respond", roles=_WORKERS | _LINKS, check=_receiver)
register("referral.withdraw", roles=_WORKERS | _LINKS, check=_sender)
register("referral.withdraw_consent", roles=_WORKERS, check=_sender)
# Reading the case through the referral: the receiving side, within the consented scope (scope.py).
register("referral.read_case", roles=_WORKERS | _LINKS, check=_receiver)
# The printable form: both sides, never the coordinator (it holds the reason and the consented case part).
register("referral.print_form", roles=_WORKERS | _LINKS, check=_sender_or_receiver, scope=_visible)
register("referral.response_times", roles={Role.SUPERVISOR, Role.NATIONAL_COORDINATOR, Role.NATIONAL_ADMIN})
register("standard.view", roles={Role.NATIONAL_ADMIN, Role.NATIONAL_COORDINATOR, Role.SUPERVISOR})
register("standard.confirm", roles={Role.NATIONAL_ADMIN})
# A court sends the referral that carries its order (a visitation ruling to a social centre, an
# unpaid judgment to the alimony fund) on the country's court-order legal ground: it holds no case.
register("referral.send_on_order", roles={Role.COURT_CLERK})
# The court varies the order its link carries: the completion is due at the order's new end.
register("referral.reschedule_on_order", roles={Role.COURT_CLERK}, check=_sender)
