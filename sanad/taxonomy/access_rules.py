"""Everyone signed in may read the definitions; only national administrators may write them, and
only for their own country."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.institutions.roles import Role


def actor_country_id(actor: Actor) -> int | None:
    return actor.membership.unit.institution.country_id if actor.membership is not None else None


def _own_country(actor: Actor, version: Any) -> bool:
    return bool(version.country_id == actor_country_id(actor))


def _own_country_scope(actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(country_id=actor_country_id(actor))


register("definitions.browse", roles=set(Role), check=_own_country, scope=_own_country_scope)
register("definitions.manage", roles={Role.NATIONAL_ADMIN}, check=_own_country, scope=_own_country_scope)
