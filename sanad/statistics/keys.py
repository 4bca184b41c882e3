"""The survivor's opaque key: HMAC-SHA256 of the linked identity under a key only the server holds,
cut to 64 bits. The same identity always gives the same key (so unique survivors can be counted);
without the key the identity cannot be found from it. PostgreSQL computes the same HMAC (its built-in
``sha256``) so facts are built in one statement; ``survivor_key`` is the Python twin for tests."""

from __future__ import annotations

import hashlib
import hmac

from sanad.crypto.keys import key_ring

_BLOCK = 64
_PURPOSE = b"sanad.statistics.survivor"


def _secret() -> bytes:
    # Derived, not reused: the blind-index key never meets a statistics hash directly.
    return hmac.new(key_ring().blind_index_key, _PURPOSE, hashlib.sha256).digest()


def pads() -> tuple[bytes, bytes]:
    """The HMAC inner and outer padded keys, passed to PostgreSQL as parameters."""
    key = _secret().ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def survivor_key(identity: int) -> int:
    digest = hmac.new(_secret(), str(identity).encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def sql_key(identity_sql: str) -> str:
    """SQL for the key of ``identity_sql`` (a bigint expression); needs %(ipad)s and %(opad)s."""
    return (
        "('x' || left(encode(sha256(%(opad)s::bytea || sha256(%(ipad)s::bytea || "
        f"convert_to(({identity_sql})::text, 'UTF8'))), 'hex'), 16))::bit(64)::bigint"
    )
