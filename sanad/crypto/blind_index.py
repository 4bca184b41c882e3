"""Keyed blind indexes: an HMAC of a normalised identifier, stored beside its ciphertext so the
identifier can be found exactly without being stored in the clear."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from sanad.crypto.keys import key_ring

ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalise_identifier(value: str) -> str:
    """Digits in any script become ASCII; spaces, dashes and case do not matter."""
    value = unicodedata.normalize("NFKC", value).translate(ARABIC_INDIC)
    return "".join(ch for ch in value.upper() if ch.isalnum())


def blind_index(value: str, *, purpose: str) -> str:
    """``purpose`` separates index spaces (a national ID and a passport number never collide)."""
    normalised = normalise_identifier(value)
    if not normalised:
        return ""
    mac = hmac.new(key_ring().blind_index_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
    return mac.hexdigest()[:40]
