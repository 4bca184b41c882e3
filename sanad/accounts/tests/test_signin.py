"""Sign-in and sessions: password policy, second factor, lockout, no enumeration, timeouts, ending
sessions, step-up re-authentication and the security headers."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanad.accounts import sessions
from sanad.accounts.mfa import issue_recovery_codes
from sanad.accounts.models import UserSession
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.testing.auth import fresh_totp_code, give_totp_device, sign_in, totp_code
from sanad.testing.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def actions(**filters: Any) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def password_step(client: Client, username: str, password: str = TEST_PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- password policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "x" * 129, "password123456", "PASSWORD123456", "Iseedeadpeople", "Sanad2024!!!!", "bahrain-2025!"],
)
def test_password_policy_refuses(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["tall olive tree beside the wadi", "y" * 12 + "q", "z" * 60 + "quiet river stones" + "w" * 50]
)
def test_password_policy_accepts_long_passphrases_without_composition_rules(password: str) -> None:
    assert len(password) <= 128
    validate_password(password)


def test_password_policy_messages_are_arabic_first_and_english() -> None:
    with translation.override("ar"), pytest.raises(ValidationError) as short:
        validate_password("abc")
    assert "12" in " ".join(short.value.messages) and re.search("[\u0600-\u06ff]", " ".join(short.value.messages))
    with translation.override("en"), pytest.raises(ValidationError) as common:
        validate_password("Password123456")
    assert "too common" in " ".join(common.value.messages)
    with translation.override("ar"), pytest.raises(ValidationError) as common_ar:
        validate_password("Password123456")
    assert re.search("[\u0600-\u06ff]", " ".join(common_ar.value.messages))


# --- second factor ---------------------------------------------------------------------------------


def test_first_login_forces_enrolment_before_anything_else() -> None:
    m = member(Role.CASE_WORKER)
    client = Client()
    response = password_step(client, m.user.username)
    assert response.status_code == 302 and response.url.startswith("/account/security/setup/")
    for path in ("/", "/institutions/", "/admin/", "/account/security/recovery-codes/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/account/security/setup/"), path
    assert client.get("/api/v1/sectors/").status_code == 403
    # The enrolment page draws the QR code itself: an inline data: image, no outside request.
    page = client.get("/account/security/setup/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and "chart.googleapis" not in page
    device = TOTPDevice.objects.get(user=m.user, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/Sanad")
    bad = client.post("/account/security/setup/", {"code": "000000"})
    assert "mfa-error" in bad.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 1 s after one wrong code, doubling each time
    response = client.post("/account/security/setup/", {"code": totp_code(device)})
    assert response.status_code == 302 and response.url.startswith("/account/security/recovery-codes/")
    codes_page = client.get(response.url).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page)
    assert len(codes) == 10
    # Shown once only.
    assert not re.findall(r"<code>[a-z2-7]{4}-", client.get("/account/security/recovery-codes/").content.decode())
    assert client.get("/").status_code == 200
    assert {"auth.password_accepted", "auth.mfa_enrolled", "auth.login", "auth.recovery_codes_issued"} <= set(
        actions(user_id=m.user.pk)
    )


def test_login_with_totp_then_home() -> None:
    m = member(Role.INTAKE_OFFICER)
    device = give_totp_device(m.user)
    client = Client()
    response = password_step(client, m.user.username)
    assert response.url.startswith("/login/verify/")
    assert client.get("/").url.startswith("/login/verify/")
    wrong = client.post("/login/verify/", {"code": "123456"})
    assert "mfa-error" in wrong.content.decode()
    # The device is throttled after a wrong code: even the right one is refused for a second.
    assert "mfa-error" in client.post("/login/verify/", {"code": totp_code(device)}).content.decode()
    time.sleep(2.1)
    accepted = totp_code(device)
    response = client.post("/login/verify/", {"code": accepted, "next": "/institutions/"})
    assert response.status_code == 302 and response.url == "/institutions/"
    assert client.get("/").status_code == 200
    # The same code is never accepted twice (the code itself: a fresh one after the 30-second step is valid).
    other = Client()
    password_step(other, m.user.username)
    assert "mfa-error" in other.post("/login/verify/", {"code": accepted}).content.decode()
    assert "auth.mfa_failed" in actions(user_id=m.user.pk)
    login = AuditEvent.objects.get(user_id=m.user.pk, action="auth.login")
    assert login.details == {"method": "totp"} and login.outcome == "allowed"


def test_recovery_code_works_once() -> None:
    m = member(Role.CASE_WORKER)
    give_totp_device(m.user)
    code = issue_recovery_codes(m.user)[0]
    client = Client()
    password_step(client, m.user.username)
    assert client.post("/login/verify/", {"code": code.upper()}).status_code == 302
    assert StaticToken.objects.filter(device__user=m.user).count() == 9
    again = Client()
    password_step(again, m.user.username)
    assert "mfa-error" in again.post("/login/verify/", {"code": code}).content.decode()


def test_recovery_codes_are_stored_only_as_keyed_hashes() -> None:
    m = member(Role.CASE_WORKER)
    codes = [c.replace("-", "") for c in issue_recovery_codes(m.user)]
    stored = set(StaticToken.objects.filter(device__user=m.user).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes)


def test_session_key_changes_at_each_sign_in_step() -> None:
    m = member(Role.CASE_WORKER)
    device = give_totp_device(m.user)
    client = Client()
    client.get("/login/")
    password_step(client, m.user.username)
    after_password = client.session.session_key
    client.post("/login/verify/", {"code": totp_code(device)})
    assert client.session.session_key != after_password
    assert UserSession.objects.filter(user=m.user, session_key=client.session.session_key).exists()


def test_demo_mode_may_skip_the_second_factor(settings: Any) -> None:
    settings.SANAD_DEMO_MODE = True
    m = member(Role.CASE_WORKER)
    client = Client()
    assert password_step(client, m.user.username).url == "/"
    assert client.get("/").status_code == 200


def test_admin_signs_in_through_the_same_page() -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == "/login/?next=/admin/"


# --- lockout and enumeration -----------------------------------------------------------------------


def test_lockout_per_account_whatever_the_address_then_cool_off() -> None:
    m = member(Role.CASE_WORKER)
    give_totp_device(m.user)
    client = Client()
    for i in range(4):
        assert password_step(client, m.user.username, "wrong password!", ip=f"10.0.1.{i}").status_code == 200
    # The fifth failure locks the account; then even the right password is refused, from anywhere.
    assert password_step(client, m.user.username, "wrong password!", ip="10.0.1.9").status_code == 429
    locked = password_step(client, m.user.username, ip="10.0.2.1")
    assert locked.status_code == 429 and "lockout" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert "auth.locked_out" in actions()
    # The cool-off is finite: 15 minutes later the right password works again.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert password_step(client, m.user.username, ip="10.0.2.1").url.startswith("/login/verify/")


def test_lockout_per_address_whatever_the_account() -> None:
    m = member(Role.CASE_WORKER)
    give_totp_device(m.user)
    for i in range(5):
        password_step(Client(), f"nobody{i}", "wrong password!", ip="10.9.9.9")
    assert password_step(Client(), m.user.username, ip="10.9.9.9").status_code == 429
    assert password_step(Client(), m.user.username, ip="10.9.9.10").status_code == 302


def test_wrong_second_factor_codes_count_towards_the_lockout() -> None:
    m = member(Role.CASE_WORKER)
    give_totp_device(m.user)
    client = Client()
    password_step(client, m.user.username)
    responses = [client.post("/login/verify/", {"code": f"00000{i}"}) for i in range(5)]
    assert responses[-1].status_code == 429
    assert "_auth_user_id" not in client.session
    assert password_step(Client(), m.user.username, ip="10.0.0.7").status_code == 429


def test_unknown_user_and_wrong_password_get_the_same_answer() -> None:
    m = member(Role.CASE_WORKER)
    disabled = UserFactory.create(is_active=False)
    bodies = {}
    for name, (username, password) in {
        "unknown": ("no-such-user", "whatever-password-1"),
        "wrong": (m.user.username, "whatever-password-1"),
        "disabled": (disabled.username, TEST_PASSWORD),
    }.items():
        response = password_step(Client(), username, password, ip="10.0.3.1" if name != "wrong" else "10.0.3.2")
        assert response.status_code == 200
        bodies[name] = CSRF.sub("", response.content.decode()).replace(username, "USERNAME")
    assert bodies["unknown"] == bodies["wrong"] == bodies["disabled"]
    assert "The username or password is incorrect." in bodies["unknown"] or "غير صحيحة" in bodies["unknown"]


def test_unknown_user_takes_as_long_as_a_wrong_password(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 1000
    user = UserFactory.create()
    user.password = make_password(TEST_PASSWORD)
    user.save()

    def timed(username: str) -> float:
        started = time.perf_counter()
        password_step(Client(), username, "not-the-password-1")
        return time.perf_counter() - started

    timed(user.username)  # warm up
    wrong = statistics.median(timed(user.username) for _ in range(5))
    unknown = statistics.median(timed("no-such-user-at-all") for _ in range(5))
    assert unknown > 0.5 * wrong and wrong > 0.5 * unknown


# --- session timeouts and ending sessions ----------------------------------------------------------


def test_idle_timeout_ends_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    assert client.get("/").status_code == 200
    later = time.time() + 15 * 60 + 5
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.get("/institutions/")
    assert response.status_code == 302 and response.url == "/login/?next=%2Finstitutions%2F"
    assert client.get("/").url.startswith("/login/")
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.reason == "idle" and event.user_id == m.user.pk


def test_activity_keeps_the_session_until_the_absolute_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    start = time.time()
    for minutes in range(10, 600, 10):
        monkeypatch.setattr(sessions, "now", lambda minutes=minutes: start + minutes * 60)
        assert client.get("/").status_code == 200, minutes
    monkeypatch.setattr(sessions, "now", lambda: start + 10 * 3600 + 1)
    assert client.get("/").url.startswith("/login/")
    assert AuditEvent.objects.get(action="auth.session_expired").reason == "absolute"


def test_idle_timeout_is_a_setting(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SANAD_IDLE_TIMEOUT_SECONDS = 60
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    later = time.time() + 61
    monkeypatch.setattr(sessions, "now", lambda: later)
    assert client.get("/").url.startswith("/login/")


def test_htmx_requests_are_told_to_go_to_the_login_page(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    later = time.time() + 3600
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.get("/institutions/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/")


def test_disabling_a_user_ends_all_their_sessions_at_once() -> None:
    m = member(Role.CASE_WORKER)
    first, second = sign_in(Client(), m.user), sign_in(Client(), m.user)
    bystander = member(Role.CASE_WORKER)
    third = sign_in(Client(), bystander.user)
    m.user.is_active = False
    m.user.save()
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    assert third.get("/").status_code == 200
    assert not UserSession.objects.filter(user=m.user).exists()
    assert Session.objects.count() == 1
    assert AuditEvent.objects.get(action="auth.sessions_ended").reason == "user_disabled"


def test_ending_a_membership_ends_the_sessions() -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    m.ends_at = timezone.now()
    m.save()
    assert client.get("/").url.startswith("/login/")
    assert AuditEvent.objects.get(action="auth.sessions_ended").reason == "membership_ended"


def test_deactivating_or_removing_a_membership_ends_the_sessions() -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    m.is_active = False
    m.save()
    assert client.get("/").url.startswith("/login/")
    other = member(Role.SUPERVISOR)
    client = sign_in(Client(), other.user)
    other.delete()
    assert client.get("/").url.startswith("/login/")


def test_closing_a_unit_ends_its_members_sessions() -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    m.unit.is_active = False
    m.unit.save()
    assert client.get("/").url.startswith("/login/")


def test_saving_an_unchanged_ended_membership_does_not_end_new_sessions() -> None:
    m = member(Role.CASE_WORKER)
    m.is_active = False
    m.save()
    other = member(Role.CASE_WORKER, unit=m.unit)
    other.user = m.user
    client = sign_in(Client(), m.user)
    m.save()
    assert UserSession.objects.filter(user=m.user).exists()
    assert client.session.session_key is not None


def test_logout_is_audited_and_forgets_the_session() -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    client.post("/logout/")
    assert not UserSession.objects.filter(user=m.user).exists()
    assert "auth.logout" in actions(user_id=m.user.pk)


# --- step-up ---------------------------------------------------------------------------------------


def test_step_up_when_the_last_full_sign_in_is_old(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    device = give_totp_device(m.user)
    client = sign_in(Client(), m.user)
    assert client.get("/_test/sensitive/").content == b"sensitive action done"
    later = time.time() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.get("/_test/sensitive/")
    assert response.status_code == 302 and response.url == "/login/confirm/?next=%2F_test%2Fsensitive%2F"
    page = client.get(response.url).content.decode()
    assert 'name="password"' in page and 'name="code"' in page
    bad = client.post(response.url, {"password": "not my password", "code": fresh_totp_code(device)})
    assert bad.status_code == 200 and "auth.reauthentication_failed" in actions()
    bad_code = client.post(response.url, {"password": TEST_PASSWORD, "code": "000000"})
    assert bad_code.status_code == 200
    time.sleep(1.1)  # the device's throttle after a wrong code
    done = client.post(response.url, {"password": TEST_PASSWORD, "code": fresh_totp_code(device)})
    assert done.status_code == 302 and done.url == "/_test/sensitive/"
    assert client.get("/_test/sensitive/").content == b"sensitive action done"
    assert "auth.reauthenticated" in actions(user_id=m.user.pk)


def test_step_up_after_a_post_returns_to_the_page_the_user_was_on(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    later = time.time() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.post("/_test/sensitive/", HTTP_REFERER="http://testserver/institutions/?q=x")
    assert response.url == "/login/confirm/?next=%2Finstitutions%2F%3Fq%3Dx"


def test_making_new_recovery_codes_needs_a_step_up(monkeypatch: pytest.MonkeyPatch) -> None:
    m = member(Role.CASE_WORKER)
    client = sign_in(Client(), m.user)
    issue_recovery_codes(m.user)
    later = time.time() + 301
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.post("/account/security/recovery-codes/")
    assert response.url.startswith("/login/confirm/")


# --- headers and cookies ---------------------------------------------------------------------------


def test_strict_content_security_policy_and_no_store() -> None:
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Cache-Control"] == "no-store"
    assert "<script>" not in response.content.decode() and "<style" not in response.content.decode()


def test_production_settings_make_cookies_secure_and_send_hsts() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SANAD_DEMO_MODE", "SECURE_COOKIES", "BEHIND_TLS"}}
    env.update({"SECRET_KEY": "x" * 60, "BEHIND_TLS": "1", "DJANGO_SETTINGS_MODULE": "sanad.settings"})
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
            " s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "__Host-sanad_session", "31536000", "True"]
