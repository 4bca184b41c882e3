"""Where encryption keys come from.

``SANAD_ENCRYPTION_KEYS``: comma-separated ``id:base64(32 bytes)``; the first is the primary key
(used to encrypt), the others only decrypt until ``rotate_keys`` has moved every value off them.
``SANAD_KEY_FILE``: the same, one key per line (for a mounted secret). ``SANAD_BLIND_INDEX_KEY``:
base64 of 32 bytes for the keyed blind indexes; it is never rotated by ``rotate_keys`` (an index
key change means recomputing every index).

Development, demo and test runs without keys get keys generated once under ``var/keys`` so
``make run`` needs no set-up; production refuses to start without them.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRing:
    primary_id: str
    keys: dict[str, bytes]
    blind_index_key: bytes


def _parse(entries: list[str], source: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for entry in (e.strip() for e in entries):
        if not entry or entry.startswith("#"):
            continue
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id.isalnum() or len(key_id) > 16:
            raise ImproperlyConfigured(f"{source}: each key is 'id:base64', id alphanumeric (≤16)")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} is not base64") from None
        if len(raw) != KEY_BYTES:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} must be {KEY_BYTES} bytes")
        if key_id in keys:
            raise ImproperlyConfigured(f"{source}: key id {key_id!r} appears twice")
        keys[key_id] = raw
    return keys


def _development_keys() -> tuple[list[str], str]:
    folder = Path(settings.VAR_DIR) / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    enc, idx = folder / "encryption.keys", folder / "blind_index.key"
    if not enc.exists():
        enc.write_text(f"k1:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}\n")
        enc.chmod(0o600)
    if not idx.exists():
        idx.write_text(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode())
        idx.chmod(0o600)
    return enc.read_text().splitlines(), idx.read_text().strip()


@cache
def key_ring() -> KeyRing:
    if os.environ.get("SANAD_ENCRYPTION_KEYS"):
        entries, source = os.environ["SANAD_ENCRYPTION_KEYS"].split(","), "SANAD_ENCRYPTION_KEYS"
        index_key = os.environ.get("SANAD_BLIND_INDEX_KEY", "")
    elif os.environ.get("SANAD_KEY_FILE"):
        source = os.environ["SANAD_KEY_FILE"]
        entries = Path(source).read_text().splitlines()
        index_key = os.environ.get("SANAD_BLIND_INDEX_KEY", "")
    elif settings.DEBUG or settings.SANAD_DEMO_MODE or getattr(settings, "SANAD_TESTING", False):
        entries, index_key = _development_keys()
        source = "var/keys"
    else:
        raise ImproperlyConfigured("SANAD_ENCRYPTION_KEYS or SANAD_KEY_FILE must be set")
    keys = _parse(entries, source)
    if not keys:
        raise ImproperlyConfigured(f"{source}: no encryption key")
    try:
        blind = base64.b64decode(index_key, validate=True)
    except ValueError:
        raise ImproperlyConfigured("SANAD_BLIND_INDEX_KEY is not base64") from None
    if len(blind) != KEY_BYTES:
        raise ImproperlyConfigured(f"SANAD_BLIND_INDEX_KEY must be {KEY_BYTES} bytes")
    return KeyRing(primary_id=next(iter(keys)), keys=keys, blind_index_key=blind)


def reset_key_ring() -> None:
    """Forget the cached keys (tests and rotation re-read the environment)."""
    key_ring.cache_clear()
