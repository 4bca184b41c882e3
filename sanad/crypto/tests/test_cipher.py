from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured

from sanad.crypto.blind_index import blind_index, normalise_identifier
from sanad.crypto.cipher import DecryptionError, decrypt, encrypt, key_id_of
from sanad.crypto.keys import key_ring, reset_key_ring


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("SANAD_ENCRYPTION_KEYS", f"k2:{new_key()},k1:{new_key()}")
    monkeypatch.setenv("SANAD_BLIND_INDEX_KEY", new_key())
    reset_key_ring()
    yield monkeypatch
    reset_key_ring()


def test_round_trip_under_the_primary_key_holds_no_plaintext(keys: pytest.MonkeyPatch) -> None:
    text = "تسكن في المحرق، مجمع 204، هاتف 36001234"
    blob = encrypt(text, context="people.address")
    assert key_id_of(blob) == "k2"
    assert text.encode() not in blob and b"36001234" not in blob
    assert decrypt(blob, context="people.address") == text
    assert encrypt(text, context="people.address") != blob  # a fresh nonce every time


def test_a_value_moved_to_another_column_does_not_decrypt(keys: pytest.MonkeyPatch) -> None:
    blob = encrypt("secret", context="cases.narrative")
    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(blob, context="cases.note")


def test_tampered_bytes_are_refused(keys: pytest.MonkeyPatch) -> None:
    blob = bytearray(encrypt("secret", context="c"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt(bytes(blob), context="c")


def test_old_keys_decrypt_until_removed(keys: pytest.MonkeyPatch) -> None:
    old = key_ring().keys["k1"]
    keys.setenv("SANAD_ENCRYPTION_KEYS", f"k1:{base64.b64encode(old).decode()}")
    reset_key_ring()
    blob = encrypt("x", context="c")
    keys.setenv("SANAD_ENCRYPTION_KEYS", f"k3:{new_key()},k1:{base64.b64encode(old).decode()}")
    reset_key_ring()
    assert decrypt(blob, context="c") == "x"
    keys.setenv("SANAD_ENCRYPTION_KEYS", f"k3:{new_key()}")
    reset_key_ring()
    with pytest.raises(DecryptionError, match="unknown key id 'k1'"):
        decrypt(blob, context="c")


def test_decrypted_values_never_show_in_reprs(keys: pytest.MonkeyPatch) -> None:
    value = decrypt(encrypt("36001234", context="c"), context="c")
    assert "36001234" not in repr(value) and "36001234" not in repr({"phone": value})
    assert str(value) == "36001234"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("nocolon", "id:base64"),
        ("k1:not-base64!", "not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
    ],
)
def test_bad_key_settings_are_refused(keys: pytest.MonkeyPatch, setting: str, message: str) -> None:
    keys.setenv("SANAD_ENCRYPTION_KEYS", setting)
    reset_key_ring()
    with pytest.raises(ImproperlyConfigured, match=message):
        key_ring()


def test_blind_index_normalises_and_separates_purposes(keys: pytest.MonkeyPatch) -> None:
    assert normalise_identifier(" ٨٥٠١-٢٣٤٥٦ ") == "850123456"
    a = blind_index("850123456", purpose="national_id")
    assert a == blind_index("٨٥٠ ١٢٣ ٤٥٦", purpose="national_id")
    assert a != blind_index("850123456", purpose="passport")
    assert "850123456" not in a and blind_index("  ", purpose="national_id") == ""
    keys.setenv("SANAD_BLIND_INDEX_KEY", new_key())
    reset_key_ring()
    assert blind_index("850123456", purpose="national_id") != a
