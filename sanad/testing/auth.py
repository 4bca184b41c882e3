"""Signing in from tests: the real flow, with a second factor the test can compute.

- ``give_totp_device(user)``: a confirmed TOTP device for ``user``;
- ``totp_code(device)``: the code an authenticator app would show now (each code is accepted once:
  ``fresh_totp_code(device)`` also forgets the last one used, for a second sign-in in the same 30 s);
- ``sign_in(client, user)``: a signed-in, second-factor-verified session on a Django test client;
- ``MfaClient``: the suite's ``client`` fixture; its ``login()``/``force_login()`` complete the second
  factor the way ``sign_in`` does, so tests about something else need not repeat it.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanad.accounts.sessions import VERIFIED_AT


def give_totp_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator-app", confirmed=True)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return str(totp.token()).zfill(device.digits)


def fresh_totp_code(device: TOTPDevice) -> str:
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return totp_code(device)


def _verify_session(client: Client, user: Any) -> None:
    device = give_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT] = time.time()
    session.save()


def sign_in(client: Client, user: Any) -> Client:
    """Sign ``user`` in on ``client`` with a verified second factor (no HTTP round trip)."""
    Client.force_login(client, user)
    _verify_session(client, user)
    return client


class MfaClient(Client):
    def login(self, **credentials: Any) -> bool:
        # django-axes needs the request that Client.login does not pass to authenticate().
        request = RequestFactory().post("/login/")
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self._login(user)  # type: ignore[attr-defined]
        _verify_session(self, user)
        return True

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        _verify_session(self, user)
