"""Reading a standalone person CSV into linkage records, refusing bad files whole.

Refused (``PersonFileRefused`` with the line and reason): not UTF-8, no ``record_id`` column,
an empty or duplicate record id. A malformed date of birth is not a refusal: the date is read
as missing and counted, because one clerk's typo should not stop a national run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sanad.people.linkage.records import PersonRecord
from sanad.people.names import normalise_digits, parse_name_chain

KNOWN_COLUMNS = (
    "sex",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "full_name",
    "dob",
    "national_id",
    "phone",
)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_RE = re.compile(r"^(\d{4})$")


class PersonFileRefused(Exception):
    """The file cannot be linked; ``line`` is 1-based (the header is line 1)."""

    def __init__(self, *, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass(slots=True)
class PersonFile:
    records: list[PersonRecord]
    malformed_dates: list[int] = field(default_factory=list)  # line numbers


@lru_cache(maxsize=100_000)
def parse_dob(text: str, /) -> tuple[dt.date | None, bool, bool]:
    """(date, is_estimated, malformed). ISO, day/month/year, or a bare year (estimated, 1 July)."""
    text = normalise_digits(text.strip())
    if not text:
        return None, False, False
    try:
        if match := _ISO_RE.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3])), False, False
        if match := _DMY_RE.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1])), False, False
        if match := _YEAR_RE.match(text):
            return dt.date(int(match[1]), 7, 1), True, False
    except ValueError:
        pass
    return None, False, True


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PersonFileRefused(line=line, reason=f"not UTF-8 (byte {error.start})") from None


def read_person_file(path: Path, /) -> PersonFile:
    """Every row as a ``PersonRecord``; a full name fills the chain parts left empty."""
    reader = csv.reader(io.StringIO(_decode(path.read_bytes()), newline=""))
    header = next(reader, None)
    if header is None:
        raise PersonFileRefused(line=1, reason="empty file: no header")
    columns = [c.strip().lower() for c in header]
    if "record_id" not in columns:
        raise PersonFileRefused(line=1, reason="no record_id column")
    # Column positions; an absent column reads the empty cell appended to every row.
    absent = len(columns)
    (rid, sex, first_at, father_at, grand_at, family_at, full_at, dob_at, nid_at, phone_at) = (
        columns.index(name) if name in columns else absent for name in ("record_id", *KNOWN_COLUMNS)
    )
    result = PersonFile(records=[])
    seen: dict[str, int] = {}
    append = result.records.append
    for row in reader:
        if not "".join(row).strip():
            continue  # a blank line is not a record
        line = reader.line_num
        if len(row) != absent:  # short rows: the missing cells are empty; extra cells are ignored
            row = (row + [""] * absent)[:absent]
        row.append("")
        record_id = row[rid].strip()
        if not record_id:
            raise PersonFileRefused(line=line, reason="empty record_id")
        if record_id in seen:
            raise PersonFileRefused(
                line=line, reason=f"duplicate record_id {record_id!r} (first on line {seen[record_id]})"
            )
        seen[record_id] = line
        dob, estimated, malformed = parse_dob(row[dob_at].strip())
        if malformed:
            result.malformed_dates.append(line)
        first, family = row[first_at].strip(), row[family_at].strip()
        father, grandfather = row[father_at].strip(), row[grand_at].strip()
        full_name = row[full_at].strip()
        if full_name and not (first or family):
            chain = parse_name_chain(full_name)
            first, father, grandfather, family = chain.first, chain.father, chain.grandfather, chain.family
        append(
            PersonRecord(
                record_id=record_id,
                sex=row[sex].strip(),
                first=first,
                father=father,
                grandfather=grandfather,
                family=family,
                dob=dob,
                dob_is_estimated=estimated,
                national_id=row[nid_at].strip(),
                phone=row[phone_at].strip(),
            )
        )
    return result
