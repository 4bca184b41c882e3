"""Second factors: TOTP apps, passkeys and security keys (WebAuthn), and recovery codes.

No SMS or e-mail codes exist here. A user is *enrolled* once they have a confirmed TOTP device or passkey;
recovery codes alone do not count as enrolment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from sanad.accounts.models import User
from sanad.crypto.keys import key_ring

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery-codes"
TOTP_DEVICE_NAME = "authenticator-app"


def totp_devices(user: User, *, confirmed: bool = True) -> Any:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed)


def passkeys(user: User) -> Any:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def has_confirmed_device(user: Any) -> bool:
    return totp_devices(user).exists() or passkeys(user).exists()


def has_passkey(user: User) -> bool:
    return passkeys(user).exists()


def method_of(device: Device | None) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, StaticDevice):
        return "recovery-code"
    if isinstance(device, WebAuthnCredential):
        return "webauthn"
    return ""


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def verify_code(user: User, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (a 6-digit TOTP code or a recovery code), or None.

    Each device throttles its own failures (django-otp: exponential delay), and a TOTP code is accepted
    once only; a recovery code is used up."""
    code = _normalise(code)
    if not code:
        return None
    if code.isdigit():
        for device in totp_devices(user).select_for_update():
            if device.verify_token(code):
                return device
        return None
    digest = _recovery_digest(code)
    for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
        if static.verify_token(digest):
            return static
    return None


def start_totp_enrolment(user: User) -> TOTPDevice:
    """An unconfirmed TOTP device with a new secret (any earlier unconfirmed one is discarded)."""
    totp_devices(user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def pending_totp_device(user: User) -> TOTPDevice | None:
    return totp_devices(user, confirmed=False).order_by("-pk").first()


def confirm_totp_enrolment(device: TOTPDevice, code: str) -> bool:
    code = _normalise(code)
    if not code.isdigit() or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_secret(device: TOTPDevice) -> str:
    """The secret in the base32 form that authenticator apps accept when typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_data_uri(text: str) -> str:
    """A QR code drawn on the server as SVG, inlined as a data: URI (no request leaves the page)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _new_recovery_code() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()  # 16 characters, 80 bits


def _recovery_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed hash, so a copy of the table does not sign anyone in.

    django-otp keeps 16 characters; 16 base32 characters of an HMAC are 80 bits, as much as the code.
    """
    mac = hmac.new(key_ring().blind_index_key, b"recovery-code\x00" + code.encode(), hashlib.sha256)
    return base64.b32encode(mac.digest()).decode("ascii")[:16].lower()


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def issue_recovery_codes(user: User) -> list[str]:
    """New recovery codes for ``user`` (replacing any earlier ones). Returned once, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_recovery_digest(code)) for code in codes])
    return [format_recovery_code(code) for code in codes]


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
