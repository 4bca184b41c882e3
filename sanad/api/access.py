"""The API's face of the access policy: a refused action is a 403 for DRF, with the denial audited
by the policy itself."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied

from sanad.access.actor import Actor
from sanad.access.policy import Denied, require


def require_or_forbidden(actor: Actor, action: str, obj: Any = None) -> None:
    try:
        require(actor, action, obj)
    except Denied:
        raise PermissionDenied from None
