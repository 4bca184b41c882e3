"""The plain records the linkage engine reads, and the pair decisions data stewards make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as one source knows them. Every field but ``record_id`` may be empty."""

    record_id: str
    sex: str = ""  # "m", "f" or "" (anything else is read as unknown)
    first: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""
    dob: dt.date | None = None
    dob_is_estimated: bool = False  # year only, or computed from an age
    national_id: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class PairDecision:
    """A reviewer's verdict on two records: later runs must honour it whatever the model says."""

    record_id_a: str
    record_id_b: str
    is_match: bool
