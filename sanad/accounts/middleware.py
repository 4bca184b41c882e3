"""Session rules enforced on the server for every request of a signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from sanad.accounts import sessions
from sanad.accounts.events import audit_auth
from sanad.accounts.mfa import has_confirmed_device

# Views a signed-in user may reach before passing the second factor.
MFA_EXEMPT_VIEWS = frozenset({"login", "login-verify", "logout", "set-language", "mfa-enrol", "healthz"})
MFA_EXEMPT_NAMESPACES = frozenset({"otp_webauthn"})


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (which would otherwise swap the target page in)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def with_next(url_name: str, request: HttpRequest) -> str:
    target = request.get_full_path() if request.method == "GET" else ""
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target and target != "/" else url


class SessionPolicyMiddleware:
    """Ends a session idle for ``SANAD_IDLE_TIMEOUT_SECONDS``, older than ``SANAD_ABSOLUTE_TIMEOUT_SECONDS``,
    or ended elsewhere (user disabled, membership ended: its ``UserSession`` row is gone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self.expired(request)
            if reason is not None:
                return self.end(request, reason)
            # Written at most every SEEN_AT_RESOLUTION seconds: a session write on every page view costs
            # three queries, and a 15-minute idle timeout does not need a finer clock.
            stamp = sessions.now()
            if stamp - (request.session.get(sessions.SEEN_AT) or 0) >= sessions.SEEN_AT_RESOLUTION:
                request.session[sessions.SEEN_AT] = stamp
        return self.get_response(request)

    @staticmethod
    def expired(request: HttpRequest) -> str | None:
        session = request.session
        auth_at, seen_at = session.get(sessions.AUTH_AT), session.get(sessions.SEEN_AT)
        now = sessions.now()
        if auth_at is None or seen_at is None:
            return "unknown"
        if now - float(seen_at) > settings.SANAD_IDLE_TIMEOUT_SECONDS:
            return "idle"
        if now - float(auth_at) > settings.SANAD_ABSOLUTE_TIMEOUT_SECONDS:
            return "absolute"
        if not sessions.is_tracked(request):
            return "ended"
        return None

    @staticmethod
    def end(request: HttpRequest, reason: str) -> HttpResponse:
        audit_auth(request, "auth.session_expired", reason=reason)
        request._sanad_logout_audited = True  # type: ignore[attr-defined]
        logout(request)
        if reason == "idle":
            messages.warning(request, _("Your session ended after a period without activity. Sign in again."))
        elif reason == "absolute":
            messages.warning(request, _("Your session reached its maximum length. Sign in again."))
        else:
            messages.warning(request, _("Your session has ended. Sign in again."))
        return redirect_to(request, with_next("login", request))


class MfaRequiredMiddleware:
    """A signed-in user who has not passed a second factor reaches only the sign-in and enrolment pages:
    with a confirmed device they are asked for it, without one they must enrol one first.
    ``SANAD_DEMO_MODE`` (``make run`` only, shown by a banner) lets users without a device through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and (match.view_name in MFA_EXEMPT_VIEWS or set(match.namespaces) & MFA_EXEMPT_NAMESPACES):
            return None
        enrolled = has_confirmed_device(user)
        if settings.SANAD_DEMO_MODE and not enrolled:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("A second factor is required.")}, status=403)
        return redirect_to(request, with_next("login-verify" if enrolled else "mfa-enrol", request))
