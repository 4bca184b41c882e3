"""Turn records into columns of integer codes so blocking and comparison run in numpy.

All four name fields share one vocabulary of normalised strings (so first-vs-family can be
compared when a source swapped them) and one vocabulary of cross-script keys. Normalisation is
cached per distinct string, which is what makes a million records cheap: registries repeat names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter

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

    digits = value if value.isascii() and value.isdigit() else _NON_DIGIT_RE.sub("", normalise_digits(value))
    return digits if len(digits) >= 5 else ""


def clean_phone(value: str, /) -> str:
    """The last 8 digits: country codes and leading zeros are written inconsistently."""
    from sanad.people.names import normalise_digits

    digits = value if value.isascii() and value.isdigit() else _NON_DIGIT_RE.sub("", normalise_digits(value))
    return digits[-8:] if len(digits) >= 7 else ""


_COLUMN_NAMES = (*NAME_FIELDS, "sex", "dob", "dob_is_estimated", "national_id", "phone")
_COLUMNS = attrgetter(*_COLUMN_NAMES)


def _dense_codes(values: Sequence[str], vocabulary: dict[str, int]) -> IntArray:
    """Each value's code in ``vocabulary`` (new values appended), "" → MISSING."""
    return np.fromiter(
        (vocabulary.setdefault(v, len(vocabulary)) if v else MISSING for v in values),
        dtype=np.int64,
        count=len(values),
    )


def _cleaned_codes(values: Sequence[str], clean: Callable[[str], str], vocabulary: dict[str, int]) -> IntArray:
    """Codes of the cleaned values, cleaning each distinct raw value once."""
    cleaned: dict[str, int] = {}

    def code(value: str) -> int:
        found = cleaned.get(value)
        if found is None:
            tidy = clean(value)
            found = cleaned[value] = vocabulary.setdefault(tidy, len(vocabulary)) if tidy else MISSING
        return found

    return np.fromiter((code(v) if v else MISSING for v in values), dtype=np.int64, count=len(values))


def prepare_records(records: Sequence[PersonRecord], /) -> PreparedRecords:
    """Normalise and encode every field of every record.

    Work is per distinct value, never per record: a registry of a million rows holds a few tens
    of thousands of distinct name spellings, and each is normalised once.
    """
    n = len(records)
    raw_vocabulary: dict[str, int] = {}
    norm_vocabulary: dict[str, int] = {}
    raw: dict[str, IntArray] = {}
    norm: dict[str, IntArray] = {}
    # One pass over the records to columns; every later step runs per column or per distinct value.
    columns = list(zip(*map(_COLUMNS, records), strict=True)) if n else [()] * len(_COLUMN_NAMES)
    column = dict(zip(_COLUMN_NAMES, columns, strict=True))
    for field in NAME_FIELDS:
        raw[field] = _dense_codes([v.strip() for v in column[field]], raw_vocabulary)
    raw_strings = list(raw_vocabulary)
    # The normalised form of a raw string depends only on the string and whether it is a family name.
    for is_family, fields in ((False, NAME_FIELDS[:3]), (True, NAME_FIELDS[3:])):
        used = np.flatnonzero(np.bincount(np.concatenate([raw[f] for f in fields]) + 1, minlength=1)[1:])
        normalise = normalise_family_name if is_family else normalise_given_name
        norm_of_raw = np.full(max(len(raw_strings), 1), MISSING, dtype=np.int64)
        norm_of_raw[used] = _dense_codes([normalise(raw_strings[c]) for c in used.tolist()], norm_vocabulary)
        for f in fields:
            norm[f] = np.where(raw[f] >= 0, norm_of_raw[np.maximum(raw[f], 0)], MISSING)
    sex_of: dict[str, int] = {}
    sex = np.fromiter(
        (sex_of[v] if v in sex_of else sex_of.setdefault(v, _sex_code(v)) for v in column["sex"]),
        dtype=np.int8,
        count=n,
    )
    epoch = _EPOCH.toordinal()
    dob_days = np.fromiter(
        (d.toordinal() - epoch if d is not None else MISSING for d in column["dob"]), dtype=np.int64, count=n
    )
    dob_year = np.fromiter((d.year if d is not None else MISSING for d in column["dob"]), dtype=np.int64, count=n)
    dob_estimated = np.fromiter(column["dob_is_estimated"], dtype=np.bool_, count=n) & (dob_days != MISSING)
    nid_vocabulary: dict[str, int] = {}
    nid_code = _cleaned_codes(column["national_id"], clean_national_id, nid_vocabulary)
    nid_strings = list(nid_vocabulary)
    phone_code = _cleaned_codes(column["phone"], clean_phone, {})

    strings = list(norm_vocabulary)
    key_vocabulary: dict[str, int] = {}
    latin = np.array([not is_arabic(s) for s in strings], dtype=np.bool_)
    key_code = _dense_codes([token_key(s) for s in strings], key_vocabulary)
    vocabulary = Vocabulary(strings=strings, latin=latin, key_code=key_code, keys=list(key_vocabulary))
    key = {
        f: np.where(norm[f] >= 0, key_code[np.maximum(norm[f], 0)] if len(strings) else MISSING, MISSING)
        for f in NAME_FIELDS
    }
    # One row per record, IDs right-aligned: rows of distinct IDs are shared through nid_code.
    id_rows = _digit_matrix(nid_strings)
    nid_digits = np.full((n, id_rows.shape[1]), 255, dtype=np.uint8)
    has_id = nid_code >= 0
    nid_digits[has_id] = id_rows[nid_code[has_id]]
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
        nid_digits=nid_digits,
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
