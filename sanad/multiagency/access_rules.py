"""Who may do what in multi-agency review.

Participants are the convening unit and every unit of a participating institution. They all see the
meeting and its agenda entries (case number, owning institution, risk level, outcome), which is the
minimum needed to prepare: the case record itself stays under the cases' rules. What was agreed for a
case, and why it left the agenda, is seen only by those who act on it: the convening unit, the
case's owning institution, and (for an action) the institution responsible for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.institutions.roles import CASE_ROLES, Role


def _participates(actor: Actor, meeting: Any) -> bool:
    if meeting.convening_unit_id == actor.unit_id:
        return True
    return meeting.institutions.filter(pk=actor.institution_id or 0).exists()


def _meetings_in_reach(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(
        Q(convening_unit_id=actor.unit_id)
        | Q(
            pk__in=qs.model.institutions.through.objects.filter(institution_id=actor.institution_id or 0).values(
                "reviewmeeting_id"
            )
        )
    )


def _convenes(actor: Actor, meeting: Any) -> bool:
    return bool(meeting.convening_unit_id == actor.unit_id)


def _item_detail(actor: Actor, item: Any) -> bool:
    return bool(item.meeting.convening_unit_id == actor.unit_id or item.owner_institution_id == actor.institution_id)


def _action_detail(actor: Actor, action: Any) -> bool:
    return bool(action.responsible_institution_id == actor.institution_id or _item_detail(actor, action.item))


def _may_complete(actor: Actor, action: Any) -> bool:
    if action.responsible_user_id is not None and action.responsible_user_id == actor.user_id:
        return True
    return actor.role == Role.SUPERVISOR and action.responsible_institution_id == actor.institution_id


def _actions_for_me(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    mine = Q(responsible_user_id=actor.user_id or 0)
    if actor.role == Role.SUPERVISOR:
        # A supervisor follows everything their institution took on, named person or not.
        mine |= Q(responsible_institution_id=actor.institution_id or 0)
    return qs.filter(mine)


register("marac.convene", roles={Role.SUPERVISOR})
register("marac.view", roles=CASE_ROLES, check=_participates, scope=_meetings_in_reach)
register(
    "marac.manage", roles={Role.SUPERVISOR}, check=_convenes, scope=lambda a, qs: qs.filter(convening_unit_id=a.unit_id)
)
register("marac.item_detail", roles=CASE_ROLES, check=_item_detail)
register("marac.action_detail", roles=CASE_ROLES, check=_action_detail)
register("marac.action_list", roles=CASE_ROLES, scope=_actions_for_me)
register("marac.action_complete", roles=CASE_ROLES, check=_may_complete, scope=_actions_for_me)
