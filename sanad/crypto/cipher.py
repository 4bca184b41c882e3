"""Authenticated encryption (AES-256-GCM) of text values.

Stored form: ``b"S1" | len(key_id) | key_id | nonce(12) | ciphertext+tag``. The associated data
names the column (``app_label.model.field``), so a ciphertext copied into another column fails to
decrypt instead of showing up there.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sanad.crypto.keys import key_ring

MAGIC = b"S1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A value could not be decrypted: wrong column, unknown key, or tampered bytes."""


class Secret(str):
    """A decrypted value. Its repr is masked, so tracebacks and debug logs never show it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('«redacted»')"


def encrypt(plaintext: str, *, context: str) -> bytes:
    ring = key_ring()
    key_id = ring.primary_id.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.primary_id]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed


def key_id_of(blob: bytes) -> str:
    if blob[:2] != MAGIC:
        raise DecryptionError("not a Sanad ciphertext")
    return blob[3 : 3 + blob[2]].decode()


def decrypt(blob: bytes, *, context: str) -> Secret:
    key_id = key_id_of(blob)
    start = 3 + len(key_id)
    nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    key = key_ring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        return Secret(AESGCM(key).decrypt(nonce, sealed, context.encode()).decode("utf-8"))
    except InvalidTag:
        raise DecryptionError("authentication failed (tampered, or from another column)") from None
