"""django-otp-webauthn's endpoints, with our audit trail and session stamps.

Passkeys here are a second factor after the password (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False).
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from sanad.accounts import sessions
from sanad.accounts.events import audit_auth

# Set by the step-up page once the password was re-entered by a user whose second factor is a passkey.
STEP_UP_PASSWORD_AT = "sanad_stepup_password_at"  # noqa: S105 - a session key name
STEP_UP_PASSWORD_WINDOW_SECONDS = 120


class CompleteRegistration(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> Any:
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            audit_auth(self.request, "auth.mfa_enrolled", details={"method": "webauthn"})
            if not was_verified:
                # First device: registering it completes this sign-in, as confirming a TOTP app does.
                sessions.mark_fully_authenticated(self.request)
                axes_reset(username=self.request.user.get_username())
                audit_auth(self.request, "auth.login", details={"method": "webauthn"})
        return response


class CompleteAuthentication(webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> Any:
        was_verified = self.request.user.is_authenticated and self.request.user.is_verified()
        super().complete_auth(device)
        request = self.request
        if not was_verified:
            sessions.mark_fully_authenticated(request)
            axes_reset(username=request.user.get_username())
            audit_auth(request, "auth.login", details={"method": "webauthn"})
            return
        password_at = request.session.pop(STEP_UP_PASSWORD_AT, None)
        if password_at is not None and sessions.now() - float(password_at) <= STEP_UP_PASSWORD_WINDOW_SECONDS:
            sessions.mark_fully_authenticated(request)
            audit_auth(request, "auth.reauthenticated", details={"method": "webauthn"})


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        webauthn_views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path(
        "authentication/begin/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path("authentication/complete/", CompleteAuthentication.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
