from typing import Any

from django.db.models import Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.institutions.roles import Role


def _own(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    mine = Q(recipient_id=actor.user_id or 0)
    return queryset.filter(mine | Q(unit_id=actor.unit_id)) if actor.unit_id else queryset.filter(mine)


def _is_own(actor: Actor, notice: Any) -> bool:
    if actor.user is None:
        return False
    return notice.recipient_id == actor.user.pk or (notice.unit_id is not None and notice.unit_id == actor.unit_id)


# Every role has an inbox; each user reads the notices addressed to them and to the unit they act for.
register("notice.read", roles=set(Role), check=_is_own, scope=_own)
