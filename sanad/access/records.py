"""The rules for protected records, used by every domain that owns one (people, cases, ...).

``record_rules(prefix, model)`` registers ``<prefix>.view``, ``<prefix>.edit``, ``<prefix>.list``,
``<prefix>.break_glass``, ``<prefix>.unseal`` and ``<prefix>.set_confidentiality`` with the one
policy, so a domain states only its model and roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Lookup, Model, Q, QuerySet

from sanad.access.actor import Actor
from sanad.access.models import AccessGrant, Confidentiality, GrantKind
from sanad.access.policy import register


def _grant_ids(actor: Actor, model: type[Model], kinds: Iterable[str]) -> QuerySet[AccessGrant, int]:
    return (
        AccessGrant.objects.live()
        .filter(user_id=actor.user_id or 0, content_type=ContentType.objects.get_for_model(model), kind__in=list(kinds))
        .values_list("object_id", flat=True)
    )


class _AnyOf(Lookup[Any]):
    """``lhs = ANY(rhs)`` with an array subquery on the right: PostgreSQL runs the subquery once and
    uses the array as an index condition, so each branch of the scopes below can take its own index
    (``id IN (subquery)`` inside an OR would instead force a scan of the whole table)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _granted(actor: Actor, model: type[Model], kinds: Iterable[str]) -> Q:
    return Q(_AnyOf(F("pk"), ArraySubquery(_grant_ids(actor, model, kinds))))


def content_q(actor: Actor, model: type[Model]) -> Q:
    """The condition on ``model`` rows whose content the actor may read."""
    same_unit = Q(owner_unit_id=actor.unit_id)
    named = _granted(actor, model, [GrantKind.NAMED])
    opened = _granted(actor, model, [GrantKind.BREAK_GLASS, GrantKind.UNSEAL])
    return (
        (same_unit & Q(confidentiality=Confidentiality.NORMAL))
        | (Q(confidentiality=Confidentiality.RESTRICTED) & (named | Q(created_by_id=actor.user_id)))
        | (~Q(confidentiality=Confidentiality.SEALED) & opened)
        | (Q(confidentiality=Confidentiality.SEALED) & _granted(actor, model, [GrantKind.UNSEAL]))
    )


def content_scope(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Records whose content the actor may read."""
    return qs.filter(content_q(actor, qs.model))


def existence_scope(actor: Actor, qs: QuerySet[Any], *, unsealer_roles: frozenset[str]) -> QuerySet[Any]:
    """Records the actor may see listed: those they may read, plus sealed ones they may unseal."""
    readable = content_q(actor, qs.model)
    if actor.role in unsealer_roles:
        return qs.filter(readable | Q(confidentiality=Confidentiality.SEALED, owner_unit_id=actor.unit_id))
    return qs.filter(readable)


def reach_key(actor: Actor, obj: Any) -> tuple[Any, ...]:
    """What the answer of ``in_content_scope`` depends on besides the grants."""
    return (actor.user_id, actor.membership.pk if actor.membership else None, obj.owner_unit_id, obj.confidentiality)


def in_content_scope(actor: Actor, obj: Any) -> bool:
    # A page asks this of one record for a dozen actions while it renders; a domain may put a memo on
    # the instance for that span (``_reach_memo``, see sanad.cases.access_rules.remember_reach) so
    # the answer costs one query, not twelve.
    memo = getattr(obj, "_reach_memo", None)
    key = reach_key(actor, obj)
    if memo is not None and key in memo:
        return bool(memo[key])
    readable = content_scope(actor, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    if memo is not None:
        memo[key] = readable
    return readable


def record_rules(
    prefix: str,
    *,
    readers: Iterable[str],
    editors: Iterable[str],
    breakers: Iterable[str],
    unsealers: Iterable[str],
    confidentiality_setters: Iterable[str],
) -> None:
    unsealer_roles = frozenset(unsealers)

    def list_scope(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
        return existence_scope(actor, qs, unsealer_roles=unsealer_roles)

    def may_unseal(actor: Actor, obj: Any) -> bool:
        return obj.confidentiality == Confidentiality.SEALED and obj.owner_unit_id == actor.unit_id

    def may_set_confidentiality(actor: Actor, obj: Any) -> bool:
        return obj.owner_unit_id == actor.unit_id and (
            obj.confidentiality != Confidentiality.SEALED or in_content_scope(actor, obj)
        )

    def may_break_glass(actor: Actor, obj: Any) -> bool:
        membership = actor.membership
        return (
            membership is not None
            and membership.may_break_glass
            and obj.confidentiality != Confidentiality.SEALED
            and not in_content_scope(actor, obj)
        )

    register(f"{prefix}.view", roles=readers, check=in_content_scope, scope=content_scope)
    register(f"{prefix}.list", roles=readers, scope=list_scope)
    register(f"{prefix}.edit", roles=editors, check=in_content_scope, scope=content_scope)
    register(f"{prefix}.break_glass", roles=breakers, check=may_break_glass)
    register(f"{prefix}.unseal", roles=unsealer_roles, check=may_unseal, scope=list_scope)
    register(f"{prefix}.set_confidentiality", roles=confidentiality_setters, check=may_set_confidentiality)
