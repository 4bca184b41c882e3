"""Sign-in in a real browser: enrolment on first login, TOTP, lockout, idle timeout, and the strict
Content-Security-Policy on our pages, the administration area and the API documentation."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from sanad.institutions.roles import Role
from sanad.testing.auth import fresh_totp_code, give_totp_device
from sanad.testing.factories import TEST_PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page: Any) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda msg: (
            found.append(msg.text) if "Content Security Policy" in msg.text or "Refused to" in msg.text else None
        ),
    )
    return found


def password_step(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")


def code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    return str(totp.token()).zfill(6)


def test_first_login_enrols_an_authenticator_app_then_signs_in_with_it(page: Any) -> None:
    violations = csp_violations(page)
    m = member(Role.CASE_WORKER, username="noor")
    password_step(page, "noor")
    page.wait_for_url("**/account/security/setup/**")
    # Nothing else is reachable before enrolment.
    page.goto("/institutions/")
    page.wait_for_url("**/account/security/setup/**")
    assert page.locator("[data-testid=totp-qr]").get_attribute("src").startswith("data:image/svg+xml;base64,")
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    page.fill("#id_code", code_from_secret(secret))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/account/security/recovery-codes/**")
    assert len(page.locator("[data-testid=recovery-codes] li").all()) == 10
    page.click("[data-testid=continue]")
    page.wait_for_url("**/institutions/")
    # Sign out, then in again: password, then the code from the app.
    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")
    password_step(page, "noor")
    page.wait_for_url("**/login/verify/**")
    device = m.user.totpdevice_set.get()
    page.fill("#id_code", fresh_totp_code(device))
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-testid=role]")
    assert not violations, violations


def test_login_with_totp(page: Any, login: Any) -> None:
    violations = csp_violations(page)
    member(Role.SUPERVISOR, username="salma")
    login("salma")
    page.wait_for_selector("[data-testid=role]")
    assert page.url.endswith("/")
    assert not violations, violations


def test_wrong_code_is_refused(page: Any) -> None:
    m = member(Role.CASE_WORKER, username="huda")
    give_totp_device(m.user)
    password_step(page, "huda")
    page.wait_for_url("**/login/verify/**")
    page.fill("#id_code", "000000")
    page.click("button[type=submit].primary")
    assert page.locator("[data-testid=mfa-error]").is_visible()
    page.goto("/")
    page.wait_for_url("**/login/verify/**")


def test_lockout_after_repeated_failures(page: Any) -> None:
    m = member(Role.CASE_WORKER, username="fatima")
    give_totp_device(m.user)
    for _ in range(4):
        password_step(page, "fatima", "not-the-password-1")
        assert page.locator("[data-testid=login-error]").is_visible()
    password_step(page, "fatima", "not-the-password-1")
    assert page.locator("[data-testid=lockout]").is_visible()
    # Now even the right password is refused, with the same lockout page.
    password_step(page, "fatima")
    assert page.locator("[data-testid=lockout]").is_visible()
    assert "/login/verify/" not in page.url
    # An unknown user is told exactly the same thing once "locked".
    for _ in range(5):
        password_step(page, "nobody-here", "not-the-password-1")
    assert page.locator("[data-testid=lockout]").is_visible()


def test_idle_timeout_sends_back_to_sign_in(page: Any, login: Any, settings: Any) -> None:
    settings.SANAD_IDLE_TIMEOUT_SECONDS = 2
    member(Role.CASE_WORKER, username="reem")
    login("reem")
    page.wait_for_selector("[data-testid=role]")
    time.sleep(3)
    page.goto("/institutions/")
    page.wait_for_url("**/login/?next=%2Finstitutions%2F")
    assert page.locator(".messages li").count() == 1


def test_admin_and_api_docs_work_under_the_content_security_policy(page: Any, login: Any) -> None:
    violations = csp_violations(page)
    m = member(Role.NATIONAL_ADMIN, username="admin1", is_staff=True, is_superuser=True)
    assert m.user.is_superuser
    login("admin1")
    page.wait_for_selector("[data-testid=role]")
    page.goto("/admin/")
    page.wait_for_selector("#site-name")
    page.goto("/admin/institutions/membership/add/")
    page.wait_for_selector("form#membership_form")
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    assert not violations, violations


def test_passkey_enrolment_then_sign_in_with_it(page: Any, live_server: Any, settings: Any) -> None:
    """A virtual authenticator (Chromium's WebAuthn domain) stands in for a security key."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    m = member(Role.CASE_WORKER, username="layla")
    password_step(page, "layla")
    page.wait_for_url("**/account/security/setup/**")
    page.click("#passkey-register-button")
    page.wait_for_url("**/account/security/recovery-codes/**")
    assert len(page.locator("[data-testid=recovery-codes] li").all()) == 10
    assert m.user.webauthncredential_set.filter(confirmed=True).count() == 1
    page.click("[data-testid=continue]")
    page.wait_for_selector("[data-testid=role]")
    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")
    password_step(page, "layla")
    page.wait_for_url("**/login/verify/**")
    page.click("#passkey-verification-button")
    page.wait_for_selector("[data-testid=role]")
    from sanad.audit.models import AuditEvent

    logins = AuditEvent.objects.filter(user_id=m.user.pk, action="auth.login").values_list("details", flat=True)
    assert list(logins) == [{"method": "webauthn"}, {"method": "webauthn"}]
    assert AuditEvent.objects.filter(user_id=m.user.pk, action="auth.mfa_enrolled").count() == 1
