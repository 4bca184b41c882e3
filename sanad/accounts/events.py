"""Audit events of sign-in and sessions (action names start with ``auth.``)."""

from __future__ import annotations

from typing import Any

from sanad.access.actor import Actor, client_ip
from sanad.audit.models import Outcome


def audit_auth(
    request: Any,
    action: str,
    *,
    user: Any = None,
    denied: bool = False,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    from sanad.audit.services import audit_record

    if user is None:
        current = getattr(request, "user", None)
        user = current if current is not None and current.is_authenticated else None
    actor = Actor(
        user=user,
        membership=getattr(request, "membership", None),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    audit_record(
        actor=actor,
        action=action,
        object_type="accounts.user" if user is not None else "",
        object_id=user.pk if user is not None else "",
        outcome=Outcome.DENIED if denied else Outcome.ALLOWED,
        reason=reason,
        details=details,
    )
