from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sanad.core.navigation import ROLE_DESCRIPTIONS, items_for


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    role = membership.role if membership is not None else None
    return {
        "demo_mode": settings.SANAD_DEMO_MODE,
        "acting_membership": membership,
        "nav_items": items_for(role),
        "role_description": ROLE_DESCRIPTIONS.get(role or "", ""),
        # A callable: the count query runs only when a page shows the inbox link.
        "unread_notices": lambda: _unread_notices(request),
    }


def _unread_notices(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        return 0
    from sanad.access.actor import actor_from_request
    from sanad.notices.selectors import unread_count

    return unread_count(actor=actor_from_request(request))
