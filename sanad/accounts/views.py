"""Sign-in second step, enrolment of second factors, recovery codes, step-up and the lockout page."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.models import Device

from sanad.accounts import mfa, sessions
from sanad.accounts.events import audit_auth
from sanad.accounts.forms import CodeForm, ReauthenticationForm, SignInForm
from sanad.accounts.stepup import require_recent_auth
from sanad.accounts.webauthn import STEP_UP_PASSWORD_AT

NEW_RECOVERY_CODES = "sanad_new_recovery_codes"


def safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def complete_sign_in(request: HttpRequest, device: Device | None, *, method: str) -> None:
    """The second factor passed: mark the session verified, rotate its key, clear the failure count."""
    if device is not None:
        otp_login(request, device)
    sessions.mark_fully_authenticated(request)
    axes_reset(username=request.user.get_username())
    audit_auth(request, "auth.login", details={"method": method})


def second_factor_failed(request: HttpRequest, action: str = "auth.mfa_failed") -> HttpResponse | None:
    """A wrong code counts as a failed sign-in for the lockout; a lockout ends the half-open session."""
    audit_auth(request, action, denied=True)
    user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        request._sanad_logout_audited = True  # type: ignore[attr-defined]
        logout(request)
        return locked_out(request)
    return None


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout page: the same for unknown users and real ones (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = SignInForm(request)
    return render(
        request,
        "core/login.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_message": _(
                "Too many failed attempts. Sign-in is blocked for %(minutes)d minutes; try again later."
            )
            % {"minutes": minutes},
        },
        status=429,
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a TOTP code, a recovery code, or a passkey."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(safe_next(request))
    if not mfa.has_confirmed_device(user):
        return redirect(f"{reverse('mfa-enrol')}?next={safe_next(request)}")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_code(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            complete_sign_in(request, device, method=mfa.method_of(device))
            return redirect(safe_next(request))
        lockout = second_factor_failed(request)
        if lockout is not None:
            return lockout
        error = _("The code is not valid. Check your authenticator app and try again.")
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "error": error,
            "next": safe_next(request),
            "has_totp": mfa.totp_devices(user).exists(),  # type: ignore[arg-type]
            "has_passkey": mfa.has_passkey(user),  # type: ignore[arg-type]
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Forced on first sign-in: set up an authenticator app (QR code drawn here) or a passkey."""
    user = request.user
    if mfa.has_confirmed_device(user):
        return redirect("account-security" if user.is_verified() else "login-verify")  # type: ignore[union-attr]
    device = mfa.pending_totp_device(user)  # type: ignore[arg-type]
    if device is None or request.method == "GET":
        device = mfa.start_totp_enrolment(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_totp_enrolment(device, form.cleaned_data["code"]):
            audit_auth(request, "auth.mfa_enrolled", details={"method": "totp"})
            complete_sign_in(request, device, method="totp")
            return redirect_with_new_recovery_codes(request)
        lockout = second_factor_failed(request, "auth.mfa_enrolment_failed")
        if lockout is not None:
            return lockout
        error = _("The code is not valid. Check the time on your phone and try again.")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "error": error,
            "next": safe_next(request),
            "qr_code": mfa.qr_code_data_uri(device.config_url),
            "secret": mfa.totp_secret(device),
        },
    )


def redirect_with_new_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = mfa.issue_recovery_codes(request.user)  # type: ignore[arg-type]
    audit_auth(request, "auth.recovery_codes_issued", details={"count": len(codes)})
    request.session[NEW_RECOVERY_CODES] = codes
    return redirect(f"{reverse('mfa-recovery-codes')}?next={safe_next(request)}")


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes are shown once, right after they are made; they are never shown again."""
    if request.method == "POST":
        return regenerate_recovery_codes(request)
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if codes is None and mfa.remaining_recovery_codes(request.user) == 0:  # type: ignore[arg-type]
        # Enrolled with a passkey: the first codes are made here.
        return redirect_with_new_recovery_codes(request)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "remaining": mfa.remaining_recovery_codes(request.user),  # type: ignore[arg-type]
            "next": safe_next(request),
        },
    )


@require_recent_auth(max_age_seconds=300)
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    return redirect_with_new_recovery_codes(request)


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's second factors: authenticator app, passkeys, recovery codes left."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "totp_devices": list(mfa.totp_devices(user)),  # type: ignore[arg-type]
            "passkeys": list(mfa.passkeys(user)),  # type: ignore[arg-type]
            "remaining": mfa.remaining_recovery_codes(user),  # type: ignore[arg-type]
        },
    )


@never_cache
@sensitive_post_parameters("password", "code")
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Step-up: the password and a second factor again, then back to the sensitive action.

    With an authenticator app the code is typed beside the password; with only a passkey, the password
    comes first and the passkey then completes the step-up (``sanad.accounts.webauthn``)."""
    user = request.user
    has_totp = mfa.totp_devices(user).exists()  # type: ignore[arg-type]
    has_passkey = mfa.has_passkey(user)  # type: ignore[arg-type]
    form = ReauthenticationForm(request.POST or None, request=request, needs_code=has_totp)
    error = ""
    passkey_step = False
    if request.method == "POST":
        if form.is_valid():
            device = mfa.verify_code(user, form.cleaned_data["code"]) if has_totp else None  # type: ignore[arg-type]
            if has_totp and device is None:
                lockout = second_factor_failed(request, "auth.reauthentication_failed")
                if lockout is not None:
                    return lockout
                error = _("The code is not valid. Check your authenticator app and try again.")
            elif has_passkey and not has_totp:
                request.session[STEP_UP_PASSWORD_AT] = sessions.now()
                passkey_step = True
            else:
                if device is not None:
                    otp_login(request, device)
                sessions.mark_fully_authenticated(request)
                audit_auth(request, "auth.reauthenticated", details={"method": mfa.method_of(device) or "password"})
                return redirect(safe_next(request))
        else:
            # A wrong password was already counted for the lockout by authenticate().
            audit_auth(request, "auth.reauthentication_failed", denied=True)
            if getattr(request, "axes_locked_out", False):
                request._sanad_logout_audited = True  # type: ignore[attr-defined]
                logout(request)
                return locked_out(request)
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "error": error, "next": safe_next(request), "passkey_step": passkey_step},
    )


__all__ = ["SignInForm", "enrol", "locked_out", "reauthenticate", "recovery_codes", "security", "verify"]
