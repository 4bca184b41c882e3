from typing import Any

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.institutions.roles import Role


def _own(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(recipient=actor.user)


def _is_own(actor: Actor, notice: Any) -> bool:
    return actor.user is not None and notice.recipient_id == actor.user.pk


# Every role has an inbox; each user reads only the notices addressed to them.
register("notice.read", roles=set(Role), check=_is_own, scope=_own)
