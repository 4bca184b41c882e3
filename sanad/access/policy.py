"""The one access policy: the only place that answers "may this actor do ACTION (to OBJECT)" and
"which objects may this actor ACTION". Pages, the API, exports and jobs all ask here.

Domains register rules (``register``) in their ``access_rules.py``. A rule names the roles that may
take the action at all, and optionally an object check and a queryset scope that narrow it to the
objects within the actor's reach. An action with no rule is denied to everyone.

Lookups go through ``get_for``: an object outside the actor's reach raises ``Http404`` exactly like a
missing one, and the denial is audited. The only way around the policy is ``dangerously_unscoped``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from sanad.access.actor import Actor

M = TypeVar("M", bound=Model)

ObjectCheck = Callable[[Actor, Any], bool]
Scope = Callable[[Actor, QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True)
class Rule:
    action: str
    roles: frozenset[str]
    check: ObjectCheck | None = None
    scope: Scope | None = None


_RULES: dict[str, Rule] = {}


class Denied(Exception):
    """The actor may not take this action. Views turn it into 403 (or 404 for object lookups)."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(action)


def register(
    action: str, *, roles: Iterable[str], check: ObjectCheck | None = None, scope: Scope | None = None
) -> None:
    if action in _RULES:
        raise ValueError(f"access rule {action!r} registered twice")
    _RULES[action] = Rule(action=action, roles=frozenset(roles), check=check, scope=scope)


def rule_for(action: str) -> Rule | None:
    return _RULES.get(action)


def registered_actions() -> list[str]:
    return sorted(_RULES)


def can(actor: Actor, action: str, obj: Any = None) -> bool:
    rule = _RULES.get(action)
    if rule is None or actor.user is None or actor.membership is None or not actor.user.is_active:
        return False
    if actor.role not in rule.roles:
        return False
    if obj is not None and rule.check is not None:
        return rule.check(actor, obj)
    return True


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise Denied (and audit the denial) unless the actor may take the action."""
    if not can(actor, action, obj):
        _audit_denial(actor, action, obj)
        raise Denied(action)


def scope(actor: Actor, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of ``queryset`` the actor may ``action``; empty when the role may not act at all."""
    rule = _RULES.get(action)
    if rule is None or not can(actor, action):
        return queryset.none()
    return rule.scope(actor, queryset) if rule.scope is not None else queryset


def get_for(actor: Actor, action: str, queryset: QuerySet[M], **lookup: Any) -> M:
    """One object within reach, or Http404 alike for missing and forbidden (the denial is audited)."""
    try:
        obj = scope(actor, action, queryset).get(**lookup)
    except ObjectDoesNotExist:
        if queryset.filter(**lookup).exists():
            _audit_denial(actor, action, None, model=queryset.model, lookup=lookup)
        raise Http404 from None
    if not can(actor, action, obj):
        _audit_denial(actor, action, obj)
        raise Http404
    return obj


def dangerously_unscoped(queryset: QuerySet[M], *, reason: str) -> QuerySet[M]:
    """Bypass the policy. Only for jobs that must see everything (e.g. statistics builders); the
    reason is there for the reader and for grep."""
    if not reason.strip():
        raise ValueError("a reason is required to bypass the access policy")
    return queryset


def _audit_denial(
    actor: Actor, action: str, obj: Any, *, model: type[Model] | None = None, lookup: dict[str, Any] | None = None
) -> None:
    from sanad.audit.services import audit_record

    target_model = type(obj) if obj is not None else model
    object_id = str(obj.pk) if obj is not None else str(lookup.get("pk", lookup.get("id", ""))) if lookup else ""
    audit_record(
        actor=actor,
        action=action,
        outcome="denied",
        object_type=target_model._meta.label_lower if target_model is not None else "",
        object_id=object_id,
    )
