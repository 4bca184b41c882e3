"""The password policy: long enough, not too long for the hasher, not a known breached or common password.

No composition rules (upper case, digits, symbols): they make passwords harder to remember, not harder to
guess (NIST SP 800-63B, OWASP ASVS 5.0 chapter 6).
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COMMON_PASSWORDS_PATH = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"

# Words anyone would try first against this system: its name, the countries it serves, what it is for.
CONTEXT_WORDS = frozenset(
    {
        "sanad",
        "سند",
        "takatof",
        "تكاتف",
        "bahrain",
        "البحرين",
        "jordan",
        "الأردن",
        "emirates",
        "الإمارات",
        "police",
        "الشرطة",
        "shelter",
        "password",
        "كلمةالمرور",
        "كلمةالسر",
    }
)
_SEPARATORS = re.compile(r"[\s\-_.@#!$%^&*+=~|/\\,;:'\"`()\[\]{}<>?]+")
_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING = re.compile(r"^[\d\W_]+")


class LengthValidator:
    """At least ``min_length`` characters (12) and at most ``max_length`` (128); spaces count."""

    def __init__(self, min_length: int = 12, max_length: int = 128) -> None:
        self.min_length = min_length
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min_length)d character.",
                    "This password is too short. It must contain at least %(min_length)d characters.",
                    self.min_length,
                ),
                code="password_too_short",
                params={"min_length": self.min_length},
            )
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It may contain at most %(max_length)d character.",
                    "This password is too long. It may contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password must contain between %(min_length)d and %(max_length)d characters.") % {
            "min_length": self.min_length,
            "max_length": self.max_length,
        }


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_PATH, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def _candidates(password: str) -> set[str]:
    """The password and the cores people wrap in digits and symbols ("Password2024!" → "password")."""
    lowered = password.strip().lower()
    core = _LEADING.sub("", _TRAILING.sub("", lowered))
    joined = _SEPARATORS.sub("", lowered)
    return {c for c in (lowered, core, joined, _LEADING.sub("", _TRAILING.sub("", joined))) if c}


def is_common_password(password: str) -> bool:
    """True when the password, case-insensitively, or its core without the digits and symbols around it,
    is on the shipped breached/common list or is a word anyone would try against this system."""
    words = common_passwords()
    for candidate in _candidates(password):
        if candidate in words or candidate in CONTEXT_WORDS:
            return True
        # A context word repeated or with a year around it: "sanadsanad", "bahrain2024bahrain".
        if any(word in candidate and len(candidate) - len(word) <= 4 for word in CONTEXT_WORDS):
            return True
    return False


class BreachedPasswordValidator:
    """Refuses a password found in the shipped list of breached and common passwords
    (``sanad/accounts/data/common-passwords.txt.gz``, 40,000 entries), case-insensitively."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_common_password(password):
            raise ValidationError(
                _("This password is too common or has appeared in a data breach. Choose another one."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be a common password or one that has appeared in a data breach.")
