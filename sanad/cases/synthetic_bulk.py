"""The bulk path of the synthetic generator: a million cases in minutes, for benchmarks.

The services write one row at a time with its audit event; at a million cases that takes days. This
path writes the same rows with PostgreSQL ``COPY`` in chunks, one transaction per chunk, and keeps
everything the services guarantee about the stored data:

* every encrypted column holds a real ciphertext under the primary key and the column's purpose
  (``sanad.crypto.cipher.encrypt``), so pages, the API and ``rotate_keys`` read it like any other;
* persons get the name key of ``sanad.people.search_keys`` and identity documents the keyed blind
  index of ``sanad.crypto.blind_index``, exactly as registration computes them;
* case numbers come from the same per-country yearly counter row the services upsert, incremented
  by each chunk inside its transaction, so a case opened later continues the sequence;
* ids come from the tables' own sequences, so later inserts never collide;
* codes are drawn from the published definitions and stored with their version;
* the row-history triggers fire as for any insert.

What it does not write: one audit event per row (the run itself is audited once, as a system
action) and notices. Reports, cases and their timelines are spread over the intake units, their
governorates and the last ``years`` years, in time order, so numbers grow with the opening date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import multiprocessing
import random
import secrets
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, connections, transaction
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.audit.services import audit_record
from sanad.cases.models import (
    CaseStatus,
    ClosureDecision,
    PersonRole,
    ReportStatus,
    RiskLevel,
    TimelineKind,
)
from sanad.cases.risk import instrument
from sanad.cases.services import current_definitions
from sanad.cases.synthetic import INTAKE_SECTORS, NARRATIVES, _codes, _staff
from sanad.crypto.blind_index import blind_index
from sanad.crypto.cipher import MAGIC, NONCE_BYTES
from sanad.crypto.keys import key_ring
from sanad.institutions.models import Country, Governorate, Institution, Unit
from sanad.institutions.roles import Role
from sanad.people.models import DocumentKind
from sanad.people.search_keys import name_key_of
from sanad.people.synthetic import _arabic_variant, _family_names, _latin_variant, _typo, _Zipf
from sanad.people.synthetic_names import FEMALE_FIRST, MALE_FIRST, parse_entries
from sanad.taxonomy.models import CodeList

CHUNK = 20_000
KIND_CASE, KIND_LINKED, KIND_NEW, KIND_NOT_A_CASE = 0, 1, 2, 3
# From this many cases on, the secondary indexes are rebuilt at the end instead of maintained.
REBUILD_INDEXES_FROM = 100_000
ANALYZE_AFTER = (
    "people_person", "people_identitydocument", "cases_report", "cases_reportperson", "cases_case",
    "cases_timelineentry", "cases_incident", "cases_riskassessment", "cases_servicedelivered", "cases_closurerequest",
)  # fmt: skip
# How many spellings of each name the generator keeps: enough that a name appears written
# several ways across the registry, few enough that the name-key caches stay warm.
SPELLINGS = 10
REPORTER_NAMES_AR = ("أم", "أخت", "جارة", "معلمة", "أخ")


@dataclass
class BulkSummary:
    reports: int = 0
    cases: int = 0
    persons: int = 0
    assessments: int = 0
    services: int = 0
    closed: int = 0
    timeline: int = 0
    seconds: float = 0.0
    numbers: dict[int, tuple[int, int]] = field(default_factory=dict)  # year → (first, last) sequence
    phases: dict[str, float] = field(default_factory=dict)  # seconds: rows, indexes, references, analyze

    def add(self, other: BulkSummary) -> None:
        for name in ("reports", "cases", "persons", "assessments", "services", "closed", "timeline"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for year, (first, last) in other.numbers.items():
            mine = self.numbers.get(year, (first, last))
            self.numbers[year] = (min(mine[0], first), max(mine[1], last))


class _Sealer:
    """``encrypt`` of ``sanad.crypto.cipher`` with the cipher object built once per run (building it
    per value costs more than the encryption of a short value)."""

    def __init__(self) -> None:
        ring = key_ring()
        self.prefix = MAGIC + bytes([len(ring.primary_id.encode())]) + ring.primary_id.encode()
        self.aead = AESGCM(ring.keys[ring.primary_id])

    def __call__(self, plaintext: str, *, context: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return self.prefix + nonce + self.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode())


class _Names:
    """A pool of spellings per name (Arabic variants as registries write them, and Latin forms)."""

    def __init__(self, rng: np.random.Generator, fast: random.Random) -> None:
        self.fast = fast
        self.male = _Zipf(parse_entries(MALE_FIRST), 0.9, rng)
        self.female = _Zipf(parse_entries(FEMALE_FIRST), 0.9, rng)
        self.family = _Zipf(_family_names(), 0.75, rng)
        self.rng = rng
        self._arabic: dict[tuple[str, bool], list[str]] = {}
        self._latin: dict[tuple[str, bool], list[str]] = {}
        # Pre-drawn name indices (vectorised), consumed one at a time.
        self._draws: dict[str, list[int]] = {"m": [], "f": [], "family": []}

    def _draw(self, kind: str) -> tuple[str, str]:
        pool = self._draws[kind]
        zipf = self.male if kind == "m" else self.female if kind == "f" else self.family
        if not pool:
            found = np.searchsorted(zipf.cumulative, self.rng.random(50_000))
            pool.extend(np.minimum(found, len(zipf.items) - 1).tolist())
        return zipf.items[pool.pop()]

    def arabic(self, name: tuple[str, str], *, family: bool = False) -> str:
        key = (name[0], family)
        spellings = self._arabic.get(key)
        if spellings is None:
            spellings = [_arabic_variant(name[0], self.rng, family=family) for _ in range(SPELLINGS)]
            spellings.append(_typo(name[0], self.rng))
            self._arabic[key] = spellings
        # Most records carry the usual spelling; the rest one of its variants.
        return name[0] if self.fast.random() < 0.5 else spellings[self.fast.randrange(len(spellings))]

    def latin(self, name: tuple[str, str], *, family: bool = False) -> str:
        key = (name[1], family)
        spellings = self._latin.get(key)
        if spellings is None:
            spellings = [_latin_variant(name[1], self.rng, family=family) for _ in range(SPELLINGS)]
            self._latin[key] = spellings
        return spellings[self.fast.randrange(len(spellings))]

    def first(self, sex: str) -> tuple[str, str]:
        return self._draw(sex)

    def family_name(self) -> tuple[str, str]:
        return self._draw("family")


def _reserve_ids(table: str, count: int) -> range:
    """``count`` ids from the table's own sequence, committed at once: a later insert through the
    ORM never collides. The table lock (taken by every insert too) keeps the read-then-advance of
    the sequence atomic, and is held only for that instant."""
    if count == 0:
        return range(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        last = int(cursor.fetchone()[0])
    return range(last - count + 1, last + 1)


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_list(value: list[Any]) -> str:
    inner = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
    return ("{" + inner + "}").translate(_ESCAPE)


# One function per Python type the generator stores; looked up once per value (a chain of type tests
# per value cost a quarter of a run's Python time).
_FORMATS: dict[type, Callable[[Any], str]] = {
    str: lambda v: v.translate(_ESCAPE),
    int: int.__repr__,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: "\\N",
    bytes: lambda v: "\\\\x" + v.hex(),  # bytea hex input, its backslash escaped for COPY
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    list: _text_list,
    dict: lambda v: json.dumps(v, ensure_ascii=False).translate(_ESCAPE),
}


def _text(value: Any) -> str:
    """One value in COPY's text format (psycopg's ``write_row`` does the same, several times slower)."""
    format_ = _FORMATS.get(type(value))
    return format_(value) if format_ is not None else str(value).translate(_ESCAPE)


def _lines(rows: Iterable[Sequence[Any]]) -> list[str]:
    return ["\t".join(map(_text, row)) for row in rows]


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    _copy_lines(cursor, table, columns, _lines(rows))


def _copy_lines(cursor: Any, table: str, columns: Sequence[str], lines: list[str]) -> None:
    if not lines:
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(("\n".join(lines) + "\n").encode("utf-8"))


# Tables whose inserts the row-history triggers record, and their event tables (pghistory).
HISTORY = {
    "people_person": "people_personevent",
    "people_identitydocument": "people_identitydocumentevent",
    "cases_report": "cases_reportevent",
    "cases_case": "cases_caseevent",
}


def _history_triggers(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'pgtrigger_insert_insert_%%' "
        "AND tgrelid = ANY(%s::regclass[])",
        [list(HISTORY)],
    )
    return [str(row[0]) for row in cursor.fetchall()]


def _record_history(cursor: Any, table: str, columns: Sequence[str], rows: list[list[Any]], lines: list[str]) -> None:
    """What the per-row insert trigger writes (the row, label 'insert', the transaction's time), for
    a whole chunk in one COPY of the lines the table got: the trigger's per-row context lookup
    costs more than the insert."""
    if not lines:
        return
    cursor.execute("SELECT now()")
    now = _text(cursor.fetchone()[0])
    untracked = UNTRACKED.get(table, 0)
    if untracked:
        columns = columns[:-untracked]
        lines = [line.rsplit("\t", untracked)[0] for line in lines]
    history = [f"{line}\t{now}\tinsert\t{row[0]}" for line, row in zip(lines, rows, strict=True)]
    _copy_lines(cursor, HISTORY[table], (*columns, "pgh_created_at", "pgh_label", "pgh_obj_id"), history)


PERSON_COLUMNS = (
    "id", "owner_unit_id", "confidentiality", "created_by_id", "created_at", "country_id", "first_name",
    "father_name", "grandfather_name", "family_name", "latin_name", "sex", "date_of_birth", "dob_is_estimated",
    "nationality", "phones", "address", "name_key", "merged_into_id",
)  # fmt: skip
DOCUMENT_COLUMNS = ("id", "person_id", "kind", "issuing_country", "number", "number_index")
REPORT_COLUMNS = (
    "id", "owner_unit_id", "confidentiality", "created_by_id", "created_at", "country_id", "received_at",
    "definitions_version_id", "channel_code", "reporter_type_code", "reporter_name", "narrative", "urgent",
    "status", "case_id", "row_version",
)  # fmt: skip
REPORT_PERSON_COLUMNS = ("id", "report_id", "person_id", "role", "added_at")
INCIDENT_COLUMNS = (
    "id", "report_id", "occurred_on", "period_start", "period_end", "governorate_id", "definitions_version_id",
    "location_type_code", "violence_type_codes", "context_code", "relationship_code", "injuries", "weapons",
    "children_present", "repeated",
)  # fmt: skip
CASE_COLUMNS = (
    "id", "owner_unit_id", "confidentiality", "created_by_id", "created_at", "country_id", "number", "year",
    "sequence", "survivor_id", "status", "assigned_to_id", "risk_level", "multi_agency_review",
    "definitions_version_id", "closure_reason_code", "closed_at", "row_version", "survivor_words",
)  # fmt: skip
# Columns of a table that its history does not keep (the last ones of its COPY).
UNTRACKED = {"cases_case": 1}
TIMELINE_COLUMNS = ("id", "case_id", "at", "kind", "by_id", "params")
ASSESSMENT_COLUMNS = (
    "id", "case_id", "instrument", "answers", "score", "computed_level", "level", "judgement_reason",
    "assessed_by_id", "assessed_at",
)  # fmt: skip
SERVICE_COLUMNS = (
    "id", "case_id", "definitions_version_id", "service_code", "provider_id", "delivered_on", "outcome_code",
    "recorded_by_id", "recorded_at",
)  # fmt: skip
CLOSURE_COLUMNS = (
    "id", "case_id", "definitions_version_id", "reason_code", "note", "status_before", "requested_by_id",
    "requested_at", "decision", "decided_by_id", "decided_at", "decision_note",
)  # fmt: skip


@dataclass
class _Staff:
    unit: Unit
    governorate_id: int | None
    intake: int
    worker: int
    supervisor: int


@dataclass
class _Chunk:
    """The rows of one chunk, table by table, before their ids are known to each other."""

    persons: list[list[Any]] = field(default_factory=list)
    documents: list[list[Any]] = field(default_factory=list)
    reports: list[list[Any]] = field(default_factory=list)
    report_persons: list[list[Any]] = field(default_factory=list)
    incidents: list[list[Any]] = field(default_factory=list)
    cases: list[list[Any]] = field(default_factory=list)
    timeline: list[list[Any]] = field(default_factory=list)
    assessments: list[list[Any]] = field(default_factory=list)
    services: list[list[Any]] = field(default_factory=list)
    closures: list[list[Any]] = field(default_factory=list)
    # Each new person's name key: a case copies its survivor's words (what the trigger does per row).
    name_keys: dict[int, str] = field(default_factory=dict)


class BulkGenerator:
    def __init__(self, *, country: Country, seed: int, years: int) -> None:
        self.country = country
        self.tz = zoneinfo.ZoneInfo(country.time_zone)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.fast = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.years = years
        self.seal = _Sealer()
        self.names = _Names(self.rng, self.fast)
        self.version = current_definitions(country)
        self.codes = {
            name: _codes(country, code_list)
            for name, code_list in (
                ("channel", CodeList.INTAKE_CHANNEL),
                ("reporter", CodeList.REPORTER_TYPE),
                ("violence", CodeList.VIOLENCE_TYPE),
                ("place", CodeList.LOCATION_TYPE),
                ("context", CodeList.CASE_CONTEXT),
                ("relationship", CodeList.RELATIONSHIP),
                ("closure", CodeList.CLOSURE_REASON),
                ("service", CodeList.SERVICE),
                ("outcome", CodeList.OUTCOME),
            )
        }
        for name, values in self.codes.items():
            if not values:
                raise ValueError(f"the published definitions have no {name} codes")
        units = list(
            Unit.objects.filter(
                institution__country=country, institution__sector__code__in=INTAKE_SECTORS, is_active=True
            )
            .select_related("institution", "governorate", "institution__governorate")
            .order_by("pk")
        )
        if not units:
            raise ValueError(f"country {country.code!r} has no unit that takes complaints")
        governorates = list(Governorate.objects.filter(country=country, parent__isnull=True).order_by("pk"))
        self.staff: list[_Staff] = []
        for n, unit in enumerate(units):
            governorate = unit.governorate or unit.institution.governorate
            if governorate is None and governorates:
                governorate = governorates[n % len(governorates)]
            ids = [_staff(unit, role).user_id for role in (Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR)]
            self.staff.append(
                _Staff(
                    unit, governorate.pk if governorate else None, int(ids[0] or 0), int(ids[1] or 0), int(ids[2] or 0)
                )
            )
        # Police offices receive most complaints; other units fewer (weights by sector).
        weights = [4.0 if s.unit.institution.sector.code == "police" else 1.0 for s in self.staff]
        self.unit_weights = list(np.cumsum(weights) / sum(weights))
        self.providers = list(Institution.objects.filter(country=country).values_list("pk", flat=True))
        self.dash = instrument("dash")
        self.now = timezone.now()
        self.defer_references = False

    # --- One person -----------------------------------------------------------------------

    def _person(self, chunk: _Chunk, pid: int, staff: _Staff, at: dt.datetime, *, sex: str, age: int,
                family: tuple[str, str] | None = None) -> None:  # fmt: skip
        f = self.fast
        names = self.names
        first, father, grandfather = names.first(sex), names.first("m"), names.first("m")
        family = family or names.family_name()
        first_ar, family_ar = names.arabic(first), names.arabic(family, family=True)
        father_ar = names.arabic(father) if f.random() < 0.92 else ""
        grandfather_ar = names.arabic(grandfather) if father_ar and f.random() < 0.7 else ""
        latin = f"{names.latin(first)} {names.latin(family, family=True)}" if f.random() < 0.2 else ""
        born = at.date() - dt.timedelta(days=age * 365 + f.randrange(365))
        phone = self.seal(f"3{f.randrange(10**7):07d}", context="people.person.phones") if f.random() < 0.7 else None
        key = chunk.name_keys[pid] = name_key_of(first_ar, father_ar, grandfather_ar, family_ar, latin)
        chunk.persons.append(
            [
                pid, staff.unit.pk, "normal", staff.intake, at, self.country.pk, first_ar, father_ar, grandfather_ar,
                family_ar, latin, "female" if sex == "f" else "male", born if f.random() < 0.9 else None,
                f.random() < 0.1, "", phone, None, key, None,
            ]
        )  # fmt: skip
        if f.random() < 0.4:
            number = f"{f.randrange(10**8, 10**9):09d}"
            chunk.documents.append(
                [
                    None, pid, DocumentKind.NATIONAL_ID, self.country.code.upper()[:2],
                    self.seal(number, context="people.identitydocument.number"),
                    blind_index(number, purpose=DocumentKind.NATIONAL_ID),
                ]
            )  # fmt: skip

    # --- One case's life -----------------------------------------------------------------

    def _assessments(
        self, chunk: _Chunk, case_id: int, staff: _Staff, start: dt.datetime
    ) -> tuple[str, bool, int, dt.datetime]:
        """1–2 DASH assessments; (last level, flagged for review, how many, time of the last)."""
        f = self.fast
        level, flagged, at = "", False, start
        count = 1 if f.random() < 0.7 else 2
        for _ in range(count):
            at = min(at + dt.timedelta(days=f.randrange(1, 20), minutes=f.randrange(600)), self.now)
            p = (0.15, 0.45, 0.7)[f.randrange(3)]
            answers = {item.code: f.random() < p for item in self.dash.items}
            score = self.dash.score(answers)
            computed = self.dash.level_for(score)
            level, reason = computed, ""
            if computed != RiskLevel.HIGH and f.random() < 0.05:
                level, reason = RiskLevel.HIGH, "تقدير مهني: تهديد بالقتل خلال الأسبوع الماضي"
            flagged = flagged or level == RiskLevel.HIGH
            chunk.assessments.append(
                [None, case_id, self.dash.code, (answers), score, computed, level, reason, staff.worker, at]
            )
            chunk.timeline.append(
                [None, case_id, at, TimelineKind.RISK_ASSESSED, staff.worker,
                 ({"score": score, "level": level, "computed": computed})]
            )  # fmt: skip
        return level, flagged, count, at

    def _case(self, chunk: _Chunk, case_id: int, report_id: int, survivor: int, staff: _Staff,
              opened: dt.datetime, number: tuple[int, int, str]) -> None:  # fmt: skip
        f = self.fast
        version = self.version.pk
        chunk.timeline.append([None, case_id, opened, TimelineKind.OPENED, staff.intake, ({"report": report_id})])
        level, flagged, changes, at = self._assessments(chunk, case_id, staff, opened)
        # Older cases have gone further: the number of steps taken grows with the case's age.
        age_days = (self.now - opened).days
        steps = min(4, f.randrange(0, 2 + age_days // 60))
        status = CaseStatus.ENGAGEMENT
        for after in (CaseStatus.ASSESSMENT, CaseStatus.PLAN, CaseStatus.IMPLEMENTATION, CaseStatus.FOLLOW_UP)[:steps]:
            at = min(at + dt.timedelta(days=f.randrange(1, 30)), self.now)
            chunk.timeline.append(
                [
                    None,
                    case_id,
                    at,
                    TimelineKind.STATUS_CHANGED,
                    staff.worker,
                    ({"before": status, "after": after}),
                ]
            )
            status, changes = after, changes + 1
        if steps >= 2:
            for _ in range(f.randrange(0, 3)):
                at = min(at + dt.timedelta(days=f.randrange(1, 15)), self.now)
                service, provider = f.choice(self.codes["service"]), f.choice(self.providers)
                chunk.services.append(
                    [None, case_id, version, service, provider, timezone.localtime(at, self.tz).date(),
                     f.choice(self.codes["outcome"]) if f.random() < 0.8 else "", staff.worker, at]
                )  # fmt: skip
                chunk.timeline.append(
                    [None, case_id, at, TimelineKind.SERVICE_DELIVERED, staff.worker,
                     ({"service": service, "provider": provider})]
                )  # fmt: skip
        reason, closed_at = "", None
        if steps == 4 and f.random() < 0.75:
            reason = f.choice(self.codes["closure"])
            requested = min(at + dt.timedelta(days=f.randrange(1, 30)), self.now)
            pending = f.random() < 0.08
            decided = None if pending else min(requested + dt.timedelta(days=f.randrange(0, 5)), self.now)
            chunk.closures.append(
                [None, case_id, version, reason, "", status, staff.worker, requested,
                 ClosureDecision.PENDING if pending else ClosureDecision.APPROVED,
                 None if pending else staff.supervisor, decided, ""]
            )  # fmt: skip
            chunk.timeline.append(
                [None, case_id, requested, TimelineKind.CLOSURE_REQUESTED, staff.worker, ({"reason": reason})]
            )
            changes += 1
            if pending:
                status, reason = CaseStatus.CLOSURE_REQUESTED, ""
            else:
                chunk.timeline.append(
                    [None, case_id, decided, TimelineKind.CLOSURE_APPROVED, staff.supervisor, ({"reason": reason})]
                )
                status, closed_at, changes = CaseStatus.CLOSED, decided, changes + 1
        year, sequence, text = number
        chunk.cases.append(
            [
                case_id, staff.unit.pk, "normal", staff.intake, opened, self.country.pk, text, year, sequence, survivor,
                status, staff.worker, level, flagged, version, reason, closed_at, 1 + changes,
                chunk.name_keys[survivor].split(),
            ]
        )  # fmt: skip

    # --- Reports --------------------------------------------------------------------------

    def _incident(self, chunk: _Chunk, report_id: int, staff: _Staff, received: dt.datetime, repeated: bool) -> None:
        f = self.fast
        on = timezone.localtime(received, self.tz).date() - dt.timedelta(days=f.randrange(0, 60))
        exact = f.random() < 0.8
        violence = sorted({f.choice(self.codes["violence"]) for _ in range(1 + (f.random() < 0.4))})
        chunk.incidents.append(
            [
                None, report_id, on if exact else None, None if exact else on - dt.timedelta(days=90),
                None if exact else on, staff.governorate_id, self.version.pk, f.choice(self.codes["place"]), violence,
                f.choice(self.codes["context"]), f.choice(self.codes["relationship"]), f.random() < 0.4,
                f.random() < 0.1, f.random() < 0.35, repeated,
            ]
        )  # fmt: skip

    def generate(
        self,
        *,
        cases: int,
        chunk_size: int | None = None,
        workers: int = 1,
        progress: Callable[[str], None] | None = None,
    ) -> BulkSummary:
        """``cases`` cases exactly, from about cases / 0.86 reports: the rest are still new, closed
        as not a case, or a later report about a survivor whose case is open (linked to it).

        Chunks are cut in time order and dealt out to ``workers`` processes (chunk i to worker
        i mod workers), each with its own connection and random streams seeded from the seed and
        its number: the same seed and worker count give the same data."""
        started = time.perf_counter()
        reports = round(cases / 0.86)
        span = self.years * 365 * 24 * 60
        offsets = np.sort(self.rng.integers(60, span, size=reports))[::-1]
        kinds = self.rng.choice(np.array([KIND_LINKED, KIND_NEW, KIND_NOT_A_CASE], dtype=np.int8), size=reports,
                                p=[4 / 14, 7 / 14, 3 / 14])  # fmt: skip
        kinds[self.rng.choice(reports, size=cases, replace=False)] = KIND_CASE
        received = [self.now - dt.timedelta(minutes=int(m)) for m in offsets]
        chunk_size = chunk_size or CHUNK
        chunks = [
            (received[i : i + chunk_size], kinds[i : i + chunk_size].tolist()) for i in range(0, reports, chunk_size)
        ]
        workers = max(1, min(workers, len(chunks)))
        self.defer_references = _references_deferred()
        after = _last_ids()
        with _secondary_indexes_rebuilt_after(enabled=cases >= REBUILD_INDEXES_FROM, workers=workers):
            summary = self._run_all(chunks, workers, progress, started)
            written = time.perf_counter()
        indexed = time.perf_counter()
        if self.defer_references:
            _check_references(after)
        checked = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ANALYZE_AFTER:
                cursor.execute(f"ANALYZE {table}")
        summary.phases = {
            "rows": round(written - started, 1),
            "indexes": round(indexed - written, 1),
            "references": round(checked - indexed, 1),
            "analyze": round(time.perf_counter() - checked, 1),
        }
        summary.seconds = round(time.perf_counter() - started, 1)
        return summary

    def _run_all(
        self,
        chunks: list[tuple[list[dt.datetime], list[int]]],
        workers: int,
        progress: Callable[[str], None] | None,
        started: float,
    ) -> BulkSummary:
        if workers == 1:
            summary = self._run(0, chunks, progress, started)
        else:
            # Each process opens its own connection (a forked one must never share the parent's).
            connections.close_all()
            context = multiprocessing.get_context("fork")
            results = context.Queue()
            # Forked, not spawned: the children inherit the generator as it is (keys, code lists).
            processes = [
                context.Process(
                    target=_run_worker, args=(self, w, chunks[w::workers], progress is not None, started, results)
                )
                for w in range(workers)
            ]
            for process in processes:
                process.start()
            summary = BulkSummary()
            for _ in processes:
                part = results.get()
                if isinstance(part, str):
                    raise RuntimeError(f"a generator process failed: {part}")
                summary.add(part)
            for process in processes:
                process.join()
        return summary

    def _run(
        self,
        worker: int,
        chunks: list[tuple[list[dt.datetime], list[int]]],
        progress: Callable[[str], None] | None,
        started: float,
    ) -> BulkSummary:
        self.fast.seed(self.seed * 1000 + worker)
        self.rng = np.random.default_rng([self.seed, worker])
        self.names = _Names(self.rng, self.fast)
        summary = BulkSummary()
        open_cases: list[tuple[int, int, _Staff]] = []  # (case id, survivor id, staff) to link repeats to
        for batch, kinds in chunks:
            self._write_chunk(batch, kinds, open_cases, summary)
            if progress is not None:
                progress(
                    f"worker {worker}: {summary.cases} cases, {summary.reports} reports "
                    f"({time.perf_counter() - started:.0f} s)"
                )
        return summary

    def _write_chunk(
        self,
        batch: list[dt.datetime],
        kinds: list[int],
        open_cases: list[tuple[int, int, _Staff]],
        summary: BulkSummary,
    ) -> None:
        f = self.fast
        chunk = _Chunk()
        n = len(batch)
        # Upper bounds of the ids needed; unused ones are skipped, as after a rolled-back insert.
        person_ids = iter(_reserve_ids("people_person", 3 * n))
        report_ids = iter(_reserve_ids("cases_report", n))
        case_ids = iter(_reserve_ids("cases_case", n))
        planned: list[tuple[dt.datetime, int, int, _Staff]] = []  # cases to number
        for received, kind in zip(batch, kinds, strict=True):
            staff = self.staff[min(bisect.bisect(self.unit_weights, f.random()), len(self.staff) - 1)]
            report_id = next(report_ids)
            linked = kind == KIND_LINKED and bool(open_cases)
            case_id: int | None = None
            if linked:
                case_id, survivor, staff = open_cases[f.randrange(len(open_cases))]
                status = ReportStatus.LINKED
                chunk.timeline.append(
                    [None, case_id, received, TimelineKind.REPORT_LINKED, staff.intake, ({"report": report_id})]
                )
            else:
                survivor = next(person_ids)
                adult = f.random() < 0.85
                self._person(chunk, survivor, staff, received, sex="f" if f.random() < 0.85 else "m",
                             age=f.randrange(18, 60) if adult else f.randrange(4, 17))  # fmt: skip
                status = ReportStatus.NOT_A_CASE if kind == KIND_NOT_A_CASE else ReportStatus.NEW
                if kind == KIND_CASE:
                    status, case_id = ReportStatus.CASE_OPENED, next(case_ids)
                    opened = min(received + dt.timedelta(hours=2, minutes=f.randrange(600)), self.now)
                    planned.append((opened, case_id, survivor, staff))
            perpetrator = next(person_ids)
            self._person(chunk, perpetrator, staff, received, sex="m" if f.random() < 0.9 else "f",
                         age=f.randrange(20, 65))  # fmt: skip
            roles = [(survivor, PersonRole.SURVIVOR), (perpetrator, PersonRole.ALLEGED_PERPETRATOR)]
            if f.random() < 0.15:
                child = next(person_ids)
                self._person(chunk, child, staff, received, sex="f" if f.random() < 0.5 else "m",
                             age=f.randrange(1, 15))  # fmt: skip
                roles.append((child, PersonRole.CHILD))
            for person_id, role in roles:
                chunk.report_persons.append([None, report_id, person_id, role, received])
            reporter_name = None
            if f.random() < 0.3:
                relative = REPORTER_NAMES_AR[f.randrange(len(REPORTER_NAMES_AR))]
                reporter_name = self.seal(
                    f"{relative} {self.names.arabic(self.names.first('f'))}", context="cases.report.reporter_name"
                )
            chunk.reports.append(
                [
                    report_id, staff.unit.pk, "normal", staff.intake, received, self.country.pk, received,
                    self.version.pk, f.choice(self.codes["channel"]), f.choice(self.codes["reporter"]), reporter_name,
                    self.seal(NARRATIVES[f.randrange(len(NARRATIVES))], context="cases.report.narrative"),
                    f.random() < 0.1, status, case_id, 1,
                ]
            )  # fmt: skip
            self._incident(chunk, report_id, staff, received, repeated=linked or f.random() < 0.6)
        numbers = self._numbers([p[0] for p in planned])
        # The report that opened each case carries its id with the status case_opened.
        opened_by = {row[14]: row[0] for row in chunk.reports if row[13] == ReportStatus.CASE_OPENED}
        for (opened, case_id, survivor, staff), number in zip(planned, numbers, strict=True):
            self._case(chunk, case_id, opened_by[case_id], survivor, staff, opened, number)
            year = number[0]
            first, last = summary.numbers.get(year, (number[1], number[1]))
            summary.numbers[year] = (min(first, number[1]), max(last, number[1]))
        # Cases still open can take a later report of the same survivor.
        open_cases.extend(
            (row[0], row[9], plan[3])
            for row, plan in zip(chunk.cases, planned, strict=True)
            if row[10] != CaseStatus.CLOSED
        )
        del open_cases[: max(0, len(open_cases) - 50_000)]
        self._flush(chunk)
        summary.reports += len(chunk.reports)
        summary.cases += len(chunk.cases)
        summary.persons += len(chunk.persons)
        summary.assessments += len(chunk.assessments)
        summary.services += len(chunk.services)
        summary.closed += sum(1 for row in chunk.cases if row[10] == CaseStatus.CLOSED)
        summary.timeline += len(chunk.timeline)

    def _numbers(self, opened: list[dt.datetime]) -> list[tuple[int, int, str]]:
        """Numbers from the services' counter row, one upsert per year per chunk, committed at
        once (workers queue on the row only for that instant; a chunk that then fails leaves a gap,
        never a duplicate). Within a chunk, sequences follow the opening time."""
        years = [timezone.localtime(at, self.tz).year for at in opened]
        wanted: dict[int, int] = {}
        for year in years:
            wanted[year] = wanted.get(year, 0) + 1
        next_of: dict[int, int] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            for year, count in sorted(wanted.items()):
                cursor.execute(
                    "INSERT INTO cases_casecounter (country_id, year, last) VALUES (%s, %s, %s) "
                    "ON CONFLICT (country_id, year) DO UPDATE SET last = cases_casecounter.last + EXCLUDED.last "
                    "RETURNING last",
                    [self.country.pk, year, count],
                )
                next_of[year] = int(cursor.fetchone()[0]) - count + 1
        out: list[tuple[int, int, str]] = [(0, 0, "")] * len(opened)
        for i in sorted(range(len(opened)), key=lambda i: opened[i]):
            year = years[i]
            sequence = next_of[year]
            next_of[year] += 1
            out[i] = (year, sequence, f"{self.country.case_prefix}-{year}-{sequence:06d}")
        return out

    def _flush(self, chunk: _Chunk) -> None:
        for table, rows in (
            ("people_identitydocument", chunk.documents),
            ("cases_reportperson", chunk.report_persons),
            ("cases_incident", chunk.incidents),
            ("cases_timelineentry", chunk.timeline),
            ("cases_riskassessment", chunk.assessments),
            ("cases_servicedelivered", chunk.services),
            ("cases_closurerequest", chunk.closures),
        ):
            for row, pk in zip(rows, _reserve_ids(table, len(rows)), strict=True):
                row[0] = pk
        with transaction.atomic(), connection.cursor() as django_cursor:
            cursor = django_cursor.cursor
            # Synthetic rows: a crash loses the chunk, which the run then simply lacks.
            cursor.execute("SET LOCAL synchronous_commit = off")
            if self.defer_references:
                # No per-row foreign-key triggers (nor any other trigger) in this transaction: the
                # run checks every reference of its rows set-wise at its end (_check_references).
                cursor.execute("SET LOCAL session_replication_role = replica")
            # The row-history insert triggers are skipped for this transaction (pgtrigger's own
            # switch) and their rows written set-wise, identical but for the per-row context lookup.
            triggers = _history_triggers(cursor)
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(triggers) + "}"])
            for table, columns, rows in (
                ("people_person", PERSON_COLUMNS, chunk.persons),
                ("people_identitydocument", DOCUMENT_COLUMNS, chunk.documents),
                ("cases_case", CASE_COLUMNS, chunk.cases),
                ("cases_report", REPORT_COLUMNS, chunk.reports),
            ):
                lines = _lines(rows)
                _copy_lines(cursor, table, columns, lines)
                _record_history(cursor, table, columns, rows, lines)
            cursor.execute("SELECT set_config('pgtrigger.ignore', '', true)")
            _copy(cursor, "cases_reportperson", REPORT_PERSON_COLUMNS, chunk.report_persons)
            _copy(cursor, "cases_incident", INCIDENT_COLUMNS, chunk.incidents)
            _copy(cursor, "cases_timelineentry", TIMELINE_COLUMNS, chunk.timeline)
            _copy(cursor, "cases_riskassessment", ASSESSMENT_COLUMNS, chunk.assessments)
            _copy(cursor, "cases_servicedelivered", SERVICE_COLUMNS, chunk.services)
            _copy(cursor, "cases_closurerequest", CLOSURE_COLUMNS, chunk.closures)


# The tables a run writes to, history tables included.
BULK_TABLES = (
    "people_person", "people_identitydocument", "cases_report", "cases_reportperson", "cases_case",
    "cases_timelineentry", "cases_incident", "cases_riskassessment", "cases_servicedelivered",
    "cases_closurerequest", *HISTORY.values(),
)  # fmt: skip
# The tables whose rows a run creates and whose references it checks afterwards.
CHECKED_TABLES = BULK_TABLES[:10]
# Where a large run keeps the definitions of the indexes it dropped until they are built again: a
# run killed midway leaves them there, and the next run (or ``restore_dropped_indexes``) builds them.
DROPPED_TABLE = "sanad_bulk_dropped_index"


def restore_dropped_indexes(*, workers: int = 1) -> int:
    """Build every index a bulk run dropped and has not built again; how many. Several at once on
    separate connections when ``workers`` > 1 (a build is CPU-bound in one backend)."""
    from concurrent.futures import ThreadPoolExecutor

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {DROPPED_TABLE} (name text PRIMARY KEY, definition text NOT NULL)")
        # The costly ones first (the name-search GIN indexes take most of the time), then the biggest
        # tables, so the builds running side by side end near the same time.
        cursor.execute(
            f"SELECT d.name, d.definition FROM {DROPPED_TABLE} d "  # noqa: S608 - fixed name
            "LEFT JOIN pg_class t ON t.relname = split_part(split_part(d.definition, ' ON ', 2), ' ', 1) "
            "OR 'public.' || t.relname = split_part(split_part(d.definition, ' ON ', 2), ' ', 1) "
            "ORDER BY d.definition LIKE '% USING gin %' DESC, coalesce(t.reltuples, 0) DESC, d.name"
        )
        pending = [(str(name), str(definition)) for name, definition in cursor.fetchall()]

    def build(item: tuple[str, str]) -> None:
        name, definition = item
        try:
            with connection.cursor() as cursor:
                # A GIN build flushes its entries each time this memory fills: more is much faster.
                gin = " USING gin " in definition
                cursor.execute(f"SET maintenance_work_mem = '{'1GB' if gin else '256MB'}'")
                cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
                cursor.execute(f"DELETE FROM {DROPPED_TABLE} WHERE name = %s", [name])  # noqa: S608 - fixed name
        finally:
            connection.close()

    if workers <= 1:
        for item in pending:
            build(item)
        connections.close_all()
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(build, pending))
    return len(pending)


@contextmanager
def _secondary_indexes_rebuilt_after(*, enabled: bool, workers: int) -> Iterator[None]:
    """For a large run, the non-unique indexes of the tables it fills (the persons' name-search GIN
    indexes, the foreign-key and worklist indexes) are dropped and built again at the end: one build
    from sorted entries is several times cheaper than millions of insertions into them. Unique
    indexes and primary keys stay, so every uniqueness guarantee holds during the run. They are
    rebuilt from their own definitions (``pg_get_indexdef``, what the migrations created) even when
    the run fails; meanwhile searches and worklists on those tables are slower, never wrong."""
    if not enabled:
        yield
        return
    restore_dropped_indexes(workers=workers)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
            "WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisunique AND NOT x.indisprimary",
            [list(BULK_TABLES)],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(
                f"INSERT INTO {DROPPED_TABLE} VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",  # noqa: S608 - fixed name
                [name, definition],
            )
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(str(name))}")
    try:
        yield
    finally:
        connections.close_all()
        restore_dropped_indexes(workers=workers)


def _references_deferred() -> bool:
    """Whether the chunks may skip the per-row foreign-key checks (PostgreSQL's replication role,
    which only a superuser may set); the run then checks every reference set-wise at its end."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


def _last_ids() -> dict[str, int]:
    with connection.cursor() as cursor:
        out = {}
        for table in CHECKED_TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - fixed names
            out[table] = int(cursor.fetchone()[0])
        return out


def _check_references(after: dict[str, int]) -> None:
    """Every foreign key of the rows this run wrote (ids above ``after``) points at an existing row:
    what the skipped per-row checks would have enforced, in one anti-join per constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname, c.conname "
            "FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid = ANY(%s::regclass[])",
            [list(CHECKED_TABLES)],
        )
        dangling = []
        for table, column, parent, parent_column, name in cursor.fetchall():
            cursor.execute(
                f"SELECT count(*) FROM {table} c WHERE c.id > %s AND c.{column} IS NOT NULL "  # noqa: S608 - catalog names
                f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{parent_column} = c.{column})",
                [after[table]],
            )
            if count := int(cursor.fetchone()[0]):
                dangling.append(f"{name}: {count}")
    if dangling:
        raise RuntimeError("the bulk run wrote references to missing rows: " + ", ".join(dangling))


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run_worker(
    generator: BulkGenerator,
    worker: int,
    chunks: list[tuple[list[dt.datetime], list[int]]],
    report: bool,
    started: float,
    results: Any,
) -> None:
    try:
        results.put(generator._run(worker, chunks, _say if report else None, started))
    except Exception as exc:  # the parent re-raises it; a child's traceback alone would go unseen
        results.put(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        connections.close_all()


def generate_cases_bulk(
    *,
    country_code: str,
    cases: int,
    seed: int,
    years: int = 3,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> BulkSummary:
    country = Country.objects.get(code=country_code)
    generator = BulkGenerator(country=country, seed=seed, years=years)
    summary = generator.generate(cases=cases, workers=workers, progress=progress)
    audit_record(
        actor=Actor(user=None, membership=None, system="generate_synthetic"),
        action="cases.generate_synthetic",
        details={"cases": summary.cases, "reports": summary.reports, "persons": summary.persons, "seed": seed},
    )
    return summary
