"""Signed-in sessions: when they started, when they were last used, and ending them all at once.

The session carries three times (seconds since the epoch):
- ``AUTH_AT``: when the password was accepted; the absolute timeout counts from it;
- ``SEEN_AT``: the last request; the idle timeout counts from it;
- ``VERIFIED_AT``: the last full authentication (password and second factor); step-up checks it.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction

from sanad.access.actor import Actor, client_ip
from sanad.accounts.models import User, UserSession

AUTH_AT = "sanad_auth_at"
SEEN_AT = "sanad_seen_at"
SEEN_AT_RESOLUTION = 30
VERIFIED_AT = "sanad_verified_at"


def now() -> float:
    return time.time()


def start_session(request: Any, user: User) -> None:
    """Called on every sign-in (the password step): stamps the session and records it for the user."""
    stamp = now()
    request.session[AUTH_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session.pop(VERIFIED_AT, None)
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def mark_fully_authenticated(request: Any) -> None:
    """The second factor passed (or was re-entered for a step-up): a new session key, and the time."""
    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key and old_key != request.session.session_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
    request.session[VERIFIED_AT] = now()


def seconds_since_full_authentication(request: Any) -> float | None:
    verified_at = request.session.get(VERIFIED_AT)
    return None if verified_at is None else now() - float(verified_at)


def is_tracked(request: Any) -> bool:
    key = request.session.session_key
    return key is not None and UserSession.objects.filter(session_key=key, user_id=request.user.pk).exists()


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_user_sessions(user: User | int, *, reason: str, actor: Actor | None = None) -> int:
    """End every session of ``user`` now (disabled account, ended membership...). Returns how many."""
    user_id = user if isinstance(user, int) else user.pk
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    if not keys:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()

    from sanad.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=actor or Actor.for_system("accounts.sessions"),
            action="auth.sessions_ended",
            object_type="accounts.user",
            object_id=user_id,
            reason=reason,
            details={"sessions": len(keys)},
        )
    return len(keys)
