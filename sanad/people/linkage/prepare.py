"""Turn records into columns of integer codes so blocking and comparison run in numpy.

All four name fields share one vocabulary of normalised strings (so first-vs-family can be
compared when a source swapped them) and one vocabulary of cross-script keys. Normalisation is
cached per distinct string, which is what makes a million records cheap: registries repeat names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.records import PersonRecord
from sanad.people.names import is_arabic, normalise_family_name, normalise_given_name, token_key

NAME_FIELDS = ("first", "father", "grandfather", "family")
MISSING = -1
_EPOCH = dt.date(1900, 1, 1)
_NON_DIGIT_RE = re.compile(r"\D")
IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class Vocabulary:
    """Distinct strings and, for each, its script (0 Arabic, 1 Latin) and cross-script key code."""

    strings: list[str]
    latin: npt.NDArray[np.bool_]
    key_code: IntArray
    keys: list[str]


@dataclass(slots=True)
class PreparedRecords:
    """Column-wise codes; ``MISSING`` (-1) wherever a value is absent."""

    size: int
    raw: dict[str, IntArray]  # raw-string codes per name field (exact level)
    norm: dict[str, IntArray]  # normalised-string codes per name field
    key: dict[str, IntArray]  # cross-script key codes per name field
    vocabulary: Vocabulary
    sex: npt.NDArray[np.int8]  # 0 unknown, 1 male, 2 female
    dob_days: IntArray  # days since 1900-01-01
    dob_year: IntArray
    dob_estimated: npt.NDArray[np.bool_]
    nid_code: IntArray
    nid_digits: npt.NDArray[np.uint8]  # (size, width) digits, 255 padding, for one-digit typos
    phone_code: IntArray


def _sex_code(value: str) -> int:
    value = value.strip().lower()
    if value in {"m", "male", "ذكر", "ذ", "1"}:
        return 1
    if value in {"f", "female", "انثى", "أنثى", "ا", "2"}:
        return 2
    return 0


def clean_national_id(value: str, /) -> str:
    """Digits only (Arabic-Indic digits folded); anything shorter than 5 digits is not an ID."""
    from sanad.people.names import normalise_digits

    digits = _NON_DIGIT_RE.sub("", normalise_digits(value))
    return digits if len(digits) >= 5 else ""


def clean_phone(value: str, /) -> str:
    """The last 8 digits: country codes and leading zeros are written inconsistently."""
    from sanad.people.names import normalise_digits

    digits = _NON_DIGIT_RE.sub("", normalise_digits(value))
    return digits[-8:] if len(digits) >= 7 else ""


class _Coder:
    """Assigns dense integer codes to strings, "" → MISSING."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.strings: list[str] = []

    def code(self, value: str) -> int:
        if not value:
            return MISSING
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.strings)
            self.strings.append(value)
        return found


def prepare_records(records: Sequence[PersonRecord], /) -> PreparedRecords:
    """Normalise and encode every field of every record."""
    n = len(records)
    raw_coder, norm_coder, key_coder, nid_coder, phone_coder = _Coder(), _Coder(), _Coder(), _Coder(), _Coder()
    raw = {f: np.empty(n, dtype=np.int64) for f in NAME_FIELDS}
    norm = {f: np.empty(n, dtype=np.int64) for f in NAME_FIELDS}
    # The normalised form of a raw string depends only on the string and whether it is a family name.
    norm_of_raw: dict[tuple[str, bool], int] = {}
    sex = np.zeros(n, dtype=np.int8)
    dob_days = np.full(n, MISSING, dtype=np.int64)
    dob_year = np.full(n, MISSING, dtype=np.int64)
    dob_estimated = np.zeros(n, dtype=np.bool_)
    nid_code = np.empty(n, dtype=np.int64)
    phone_code = np.empty(n, dtype=np.int64)
    nid_strings: list[str] = []
    for i, record in enumerate(records):
        for field in NAME_FIELDS:
            value = getattr(record, field).strip()
            raw[field][i] = raw_coder.code(value)
            is_family = field == "family"
            cached = norm_of_raw.get((value, is_family))
            if cached is None:
                normalised = normalise_family_name(value) if is_family else normalise_given_name(value)
                cached = norm_of_raw[(value, is_family)] = norm_coder.code(normalised)
            norm[field][i] = cached
        sex[i] = _sex_code(record.sex)
        if record.dob is not None:
            dob_days[i] = (record.dob - _EPOCH).days
            dob_year[i] = record.dob.year
            dob_estimated[i] = record.dob_is_estimated
        nid = clean_national_id(record.national_id)
        nid_strings.append(nid)
        nid_code[i] = nid_coder.code(nid)
        phone_code[i] = phone_coder.code(clean_phone(record.phone))

    strings = norm_coder.strings
    latin = np.array([not is_arabic(s) for s in strings], dtype=np.bool_)
    key_code = np.array([key_coder.code(token_key(s)) for s in strings], dtype=np.int64)
    vocabulary = Vocabulary(strings=strings, latin=latin, key_code=key_code, keys=key_coder.strings)
    key = {
        f: np.where(norm[f] >= 0, key_code[np.maximum(norm[f], 0)] if len(strings) else MISSING, MISSING)
        for f in NAME_FIELDS
    }
    return PreparedRecords(
        size=n,
        raw=raw,
        norm=norm,
        key=key,
        vocabulary=vocabulary,
        sex=sex,
        dob_days=dob_days,
        dob_year=dob_year,
        dob_estimated=dob_estimated,
        nid_code=nid_code,
        nid_digits=_digit_matrix(nid_strings),
        phone_code=phone_code,
    )


def _digit_matrix(values: list[str]) -> npt.NDArray[np.uint8]:
    """Right-aligned digit matrix so IDs of equal length line up digit by digit."""
    width = max((len(v) for v in values), default=1) or 1
    padded = "".join(v.rjust(width, "x") for v in values).encode("ascii")
    matrix = (
        np.frombuffer(padded, dtype=np.uint8).reshape(len(values), width).copy()
        if values
        else np.zeros((0, width), dtype=np.uint8)
    )
    matrix[matrix == ord("x")] = 255
    return matrix
