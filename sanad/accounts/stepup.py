"""Step-up re-authentication before sensitive actions (unsealing a record, break-glass, bulk export...).

    from sanad.accounts.stepup import require_recent_auth

    @require_recent_auth(max_age_seconds=300)
    def unseal(request, pk): ...

A user whose last full authentication (password and second factor) is older than ``max_age_seconds`` is
sent to re-enter both, then back. A POST is not replayed: the user comes back to the page they were on
(or the same address with GET) and submits again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from sanad.accounts.middleware import redirect_to
from sanad.accounts.sessions import seconds_since_full_authentication

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def has_recent_auth(request: HttpRequest, max_age_seconds: int | None = None) -> bool:
    limit = settings.SANAD_STEP_UP_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
    age = seconds_since_full_authentication(request)
    return age is not None and age <= limit


def _come_back_to(request: HttpRequest) -> str:
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return request.path


def reauthentication_url(request: HttpRequest) -> str:
    return f"{reverse('reauthenticate')}?{urlencode({'next': _come_back_to(request)})}"


def require_recent_auth(max_age_seconds: int | None = 300) -> Callable[[V], V]:
    """Decorate a view so it runs only if the user fully authenticated within ``max_age_seconds``
    (``None``: ``settings.SANAD_STEP_UP_MAX_AGE_SECONDS``); otherwise the user re-authenticates first."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_recent_auth(request, max_age_seconds):
                return redirect_to(request, reauthentication_url(request))
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
