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
    }
