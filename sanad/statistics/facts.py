"""Building the fact tables from the source records, for some source rows or for all of them.

Every fact is computed by one SQL statement per table (``DELETE`` the facts of the changed source
rows, ``INSERT ... SELECT`` them again), so a full rebuild and an incremental refresh run the very
same code. Codes are recoded to the country's current published definitions when the fact is built
(``sanad.taxonomy.recoding``); publishing a new version is followed by ``rebuild_statistics``.

Fact sources are registered (``FACT_SOURCES``): each names the queue kinds it follows and how it
refreshes. Court orders are one such source (``courts``): two fact tables, triggers on the courts'
tables queueing the kind ``court_order`` (migration 0004), and ``refresh_courts``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from sanad.statistics import aggregates
from sanad.statistics.keys import pads, sql_key
from sanad.taxonomy.models import DefinitionVersion, VersionStatus
from sanad.taxonomy.recoding import recode_map

GCC = ("bh", "sa", "ae", "kw", "qa", "om")
ARAB = ("jo", "eg", "sy", "lb", "iq", "ye", "ps", "sd", "ly", "tn", "dz", "ma", "mr", "so", "dj", "km")
ASIAN = ("in", "pk", "bd", "lk", "np", "ph", "id", "cn", "ir", "af", "th", "vn", "mm")
AFRICAN = ("et", "ke", "ug", "ng", "gh", "tz", "er")
EUROPEAN = ("gb", "fr", "de", "it", "es", "nl", "ru", "ua", "pl", "se", "ie")


def _in(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# The nationality group of a person's nationality (a two-letter country code) seen from the country.
NATIONALITY_GROUP_SQL = f"""CASE
  WHEN p.id IS NULL OR coalesce(p.nationality, '') = '' THEN 'unknown'
  WHEN lower(p.nationality) = src.country_code THEN 'national'
  WHEN lower(p.nationality) IN ({_in(GCC)}) THEN 'gcc'
  WHEN lower(p.nationality) IN ({_in(ARAB)}) THEN 'arab'
  WHEN lower(p.nationality) IN ({_in(ASIAN)}) THEN 'asian'
  WHEN lower(p.nationality) IN ({_in(AFRICAN)}) THEN 'african'
  WHEN lower(p.nationality) IN ({_in(EUROPEAN)}) THEN 'european'
  WHEN lower(p.nationality) = 'stateless' THEN 'stateless'
  ELSE 'other' END"""

CURRENT_VERSIONS = """cur AS (
  SELECT DISTINCT ON (country_id) country_id, id AS version_id FROM taxonomy_definitionversion
  WHERE status = 'published' ORDER BY country_id, number DESC
)"""

# The survivor's linked identity: a merged record counts as its survivor, then the linkage cluster.
PERSON_JOIN = """
LEFT JOIN people_person p0 ON p0.id = src.person_id
LEFT JOIN people_person p ON p.id = coalesce(p0.merged_into_id, p0.id)
LEFT JOIN people_personidentity pi ON pi.person_id = p.id
LEFT JOIN LATERAL (
  SELECT ag.code FROM taxonomy_code ag
  WHERE ag.version_id = src.cur_id AND ag.list = 'age_group_gbvims'
    AND extract(year FROM age(src.at_date, p.date_of_birth)) BETWEEN ag.age_min AND coalesce(ag.age_max, 200)
  ORDER BY ag."order" LIMIT 1
) age ON true"""

PERSON_COLUMNS = f"""
  CASE WHEN p.id IS NULL THEN NULL ELSE {sql_key("coalesce(pi.identity, p.id)")} END,
  coalesce(p.sex, 'unknown'),
  coalesce(age.code, 'unknown'),
  {NATIONALITY_GROUP_SQL},
  NULL"""


def _recode(list_name: str, version: str, code: str) -> str:
    return f"statistics_recode(%(recode)s::jsonb, {version}, '{list_name}', {code})"


def _principal(list_version: str, codes: str) -> str:
    """The first of an incident's violence types in the current list's order (recoded)."""
    return f"""(SELECT v.code FROM (
        SELECT {_recode("violence_type", list_version, "t.c")} AS code FROM unnest({codes}) AS t(c)
      ) v LEFT JOIN taxonomy_code tc ON tc.version_id = src.cur_id AND tc.list = 'violence_type' AND tc.code = v.code
      WHERE v.code <> '' ORDER BY coalesce(tc."order", 1000000), v.code LIMIT 1)"""  # noqa: S608 - fixed SQL


REPORT_SQL = f"""
WITH {CURRENT_VERSIONS}
INSERT INTO statistics_reportfact
  (report_id, country_id, month, governorate_id, institution_id, sector_id, channel, status)
SELECT r.id, r.country_id, date_trunc('month', r.received_at AT TIME ZONE c.time_zone)::date,
  coalesce(u.governorate_id, inst.governorate_id), u.institution_id, inst.sector_id,
  {_recode("intake_channel", "r.definitions_version_id", "r.channel_code")}, r.status
FROM cases_report r
JOIN institutions_country c ON c.id = r.country_id
JOIN institutions_unit u ON u.id = r.owner_unit_id
JOIN institutions_institution inst ON inst.id = u.institution_id
WHERE (%(ids)s::bigint[] IS NULL OR r.id = ANY(%(ids)s::bigint[]))
"""  # noqa: S608 - fixed names and SQL fragments of this module

INCIDENT_SQL = f"""
WITH {CURRENT_VERSIONS}, src AS (
  SELECT i.id AS incident_id, i.report_id, r.country_id, c.code AS country_code, cur.version_id AS cur_id,
    date_trunc('month', r.received_at AT TIME ZONE c.time_zone)::date AS month,
    coalesce(i.occurred_on, i.period_start) AS at_date,
    (r.received_at AT TIME ZONE c.time_zone)::date - coalesce(i.occurred_on, i.period_end, i.period_start)
      AS days_to_report,
    coalesce(i.governorate_id, u.governorate_id, inst.governorate_id) AS governorate_id,
    u.institution_id, inst.sector_id, i.repeated, i.violence_type_codes,
    i.definitions_version_id AS vid, i.context_code, i.relationship_code,
    r.definitions_version_id AS rvid, r.channel_code,
    coalesce(
      (SELECT rp.person_id FROM cases_reportperson rp WHERE rp.report_id = r.id AND rp.role = 'survivor'
       ORDER BY rp.id LIMIT 1),
      k.survivor_id) AS person_id
  FROM cases_incident i
  JOIN cases_report r ON r.id = i.report_id
  JOIN institutions_country c ON c.id = r.country_id
  JOIN institutions_unit u ON u.id = r.owner_unit_id
  JOIN institutions_institution inst ON inst.id = u.institution_id
  LEFT JOIN cases_case k ON k.id = r.case_id
  LEFT JOIN cur ON cur.country_id = r.country_id
  WHERE (%(ids)s::bigint[] IS NULL OR i.report_id = ANY(%(ids)s::bigint[]))
), typed AS (
  SELECT src.*, coalesce({_principal("src.vid", "src.violence_type_codes")}, '') AS violence_type,
    {_recode("case_context", "src.vid", "src.context_code")} AS context
  FROM src
)
INSERT INTO statistics_incidentfact
  (incident_id, report_id, country_id, month, governorate_id, institution_id, sector_id,
   survivor_key, sex, age_group, nationality_group, consented,
   occurred_month, violence_type, gbvims_type, iccs_code, context, relationship, channel, trafficking,
   days_to_report, repeated)
SELECT src.incident_id, src.report_id, src.country_id, src.month, src.governorate_id, src.institution_id,
  src.sector_id, {PERSON_COLUMNS},
  date_trunc('month', src.at_date)::date, src.violence_type, coalesce(tc.gbvims_type, ''),
  coalesce(tc.iccs_code, ''), src.context,
  {_recode("relationship", "src.vid", "src.relationship_code")},
  {_recode("intake_channel", "src.rvid", "src.channel_code")},
  (src.context = 'trafficking' OR src.violence_type = 'trafficking' OR tc.iccs_code LIKE '0204%%'
   OR EXISTS (SELECT 1 FROM unnest(src.violence_type_codes) t(c)
              WHERE {_recode("violence_type", "src.vid", "t.c")} = 'trafficking')),
  CASE WHEN src.days_to_report >= 0 THEN src.days_to_report END, src.repeated
FROM typed src
LEFT JOIN taxonomy_code tc ON tc.version_id = src.cur_id AND tc.list = 'violence_type' AND tc.code = src.violence_type
{PERSON_JOIN}
"""  # noqa: S608 - fixed names and SQL fragments of this module

CASE_SQL = f"""
WITH {CURRENT_VERSIONS}, src AS (
  SELECT k.id AS case_id, k.country_id, c.code AS country_code, cur.version_id AS cur_id,
    date_trunc('month', k.created_at AT TIME ZONE c.time_zone)::date AS month,
    (k.created_at AT TIME ZONE c.time_zone)::date AS at_date,
    coalesce(first.governorate_id, u.governorate_id, inst.governorate_id) AS governorate_id, u.institution_id,
    inst.sector_id, k.survivor_id AS person_id, k.risk_level, k.status, k.closed_at, k.created_at, c.time_zone,
    {_recode("closure_reason", "k.definitions_version_id", "k.closure_reason_code")} AS closure_reason,
    first.violence_type, first.context
  FROM cases_case k
  JOIN institutions_country c ON c.id = k.country_id
  JOIN institutions_unit u ON u.id = k.owner_unit_id
  JOIN institutions_institution inst ON inst.id = u.institution_id
  LEFT JOIN cur ON cur.country_id = k.country_id
  LEFT JOIN LATERAL (
    SELECT f.violence_type, f.context, f.governorate_id FROM statistics_incidentfact f
    JOIN cases_report r ON r.id = f.report_id WHERE r.case_id = k.id ORDER BY f.incident_id LIMIT 1
  ) first ON true
  WHERE (%(ids)s::bigint[] IS NULL OR k.id = ANY(%(ids)s::bigint[]))
)
INSERT INTO statistics_casefact
  (case_id, country_id, month, governorate_id, institution_id, sector_id,
   survivor_key, sex, age_group, nationality_group, consented,
   violence_type, gbvims_type, iccs_code, context, risk_level, closed, closed_month, closure_reason,
   days_to_closure)
SELECT src.case_id, src.country_id, src.month, src.governorate_id, src.institution_id, src.sector_id,
  {PERSON_COLUMNS},
  coalesce(src.violence_type, ''), coalesce(tc.gbvims_type, ''), coalesce(tc.iccs_code, ''),
  coalesce(src.context, ''), src.risk_level, src.status = 'closed',
  CASE WHEN src.status = 'closed' THEN date_trunc('month', src.closed_at AT TIME ZONE src.time_zone)::date END,
  CASE WHEN src.status = 'closed' THEN src.closure_reason ELSE '' END,
  CASE WHEN src.status = 'closed' THEN (src.closed_at AT TIME ZONE src.time_zone)::date - src.at_date END
FROM src
LEFT JOIN taxonomy_code tc ON tc.version_id = src.cur_id AND tc.list = 'violence_type' AND tc.code = src.violence_type
{PERSON_JOIN}
"""  # noqa: S608 - fixed names and SQL fragments of this module

SERVICE_SQL = f"""
WITH {CURRENT_VERSIONS}
INSERT INTO statistics_servicefact
  (service_id, case_id, country_id, month, governorate_id, institution_id, sector_id, service)
SELECT s.id, s.case_id, k.country_id, date_trunc('month', s.delivered_on)::date,
  coalesce(inst.governorate_id, u.governorate_id), s.provider_id, inst.sector_id,
  {_recode("service", "s.definitions_version_id", "s.service_code")}
FROM cases_servicedelivered s
JOIN cases_case k ON k.id = s.case_id
JOIN institutions_unit u ON u.id = k.owner_unit_id
JOIN institutions_institution inst ON inst.id = s.provider_id
WHERE (%(ids)s::bigint[] IS NULL OR s.case_id = ANY(%(ids)s::bigint[]))
"""  # noqa: S608 - fixed names and SQL fragments of this module

REFERRAL_SQL = """
INSERT INTO statistics_referralfact
  (referral_id, country_id, month, governorate_id, institution_id, sector_id, from_institution_id,
   kind, urgency, status, acknowledge_minutes, contact_minutes, acknowledged_within, contacted_within)
SELECT r.id, r.country_id, date_trunc('month', r.sent_at AT TIME ZONE c.time_zone)::date,
  coalesce(tu.governorate_id, ti.governorate_id), tu.institution_id, ti.sector_id, fu.institution_id,
  r.kind, r.urgency, r.status,
  (extract(epoch FROM r.acknowledged_at - r.sent_at) / 60)::int,
  (extract(epoch FROM r.first_contact_at - r.sent_at) / 60)::int,
  CASE WHEN r.acknowledge_due IS NULL THEN NULL
       WHEN r.acknowledged_at IS NOT NULL THEN r.acknowledged_at <= r.acknowledge_due
       WHEN r.acknowledge_due < now() THEN false END,
  CASE WHEN r.first_contact_due IS NULL THEN NULL
       WHEN r.first_contact_at IS NOT NULL THEN r.first_contact_at <= r.first_contact_due
       WHEN r.first_contact_due < now() THEN false END
FROM referrals_referral r
JOIN institutions_country c ON c.id = r.country_id
JOIN institutions_unit tu ON tu.id = r.to_unit_id
JOIN institutions_institution ti ON ti.id = tu.institution_id
JOIN institutions_unit fu ON fu.id = r.from_unit_id
WHERE (%(ids)s::bigint[] IS NULL OR r.id = ANY(%(ids)s::bigint[]))
"""

APPEAL_SQL = """
INSERT INTO statistics_appealfact
  (appeal_id, country_id, month, governorate_id, institution_id, sector_id, platform, status, answered,
   days_to_answer)
SELECT a.id, a.country_id, date_trunc('month', a.posted_on)::date, coalesce(u.governorate_id, inst.governorate_id),
  u.institution_id, inst.sector_id, a.platform, a.status, answer.at IS NOT NULL,
  CASE WHEN answer.at IS NOT NULL THEN greatest((answer.at AT TIME ZONE c.time_zone)::date - a.posted_on, 0) END
FROM cases_appeal a
JOIN institutions_country c ON c.id = a.country_id
JOIN institutions_unit u ON u.id = a.owner_unit_id
JOIN institutions_institution inst ON inst.id = u.institution_id
LEFT JOIN LATERAL (
  SELECT min(l.at) AS at FROM cases_appeallogentry l
  WHERE l.appeal_id = a.id AND l.status IN ('contacted', 'report_opened', 'not_a_case', 'answered_elsewhere')
) answer ON true
WHERE (%(ids)s::bigint[] IS NULL OR a.id = ANY(%(ids)s::bigint[]))
"""

# Survivor-months of the given survivor keys, from their incident facts (all survivors when NULL).
SURVIVOR_SQL = """
INSERT INTO statistics_survivormonthfact
  (survivor_key, month, country_id, governorate_id, institution_id, sector_id, sex, age_group,
   nationality_group, consented, violence_type, incidents, first_month)
SELECT DISTINCT ON (f.survivor_key, f.month) f.survivor_key, f.month, f.country_id, f.governorate_id,
  f.institution_id, f.sector_id, f.sex, f.age_group, f.nationality_group, f.consented, f.violence_type,
  count(*) OVER (PARTITION BY f.survivor_key, f.month),
  min(f.month) OVER (PARTITION BY f.survivor_key)
FROM statistics_incidentfact f
WHERE f.survivor_key IS NOT NULL AND (%(keys)s::bigint[] IS NULL OR f.survivor_key = ANY(%(keys)s::bigint[]))
ORDER BY f.survivor_key, f.month, f.incident_id
"""


def _recodes() -> str:
    """Every published version's codes mapped to its country's current version, as JSON for SQL:
    {"version_id:list:code": "current code" or null}. Codes of the current version are absent (kept)."""
    mapping: dict[str, str | None] = {}
    published = list(DefinitionVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("country_id", "number"))
    current: dict[int, DefinitionVersion] = {}
    for version in published:
        current[version.country_id] = version
    for version in published:
        newest = current[version.country_id]
        if version.pk == newest.pk:
            continue
        try:
            moves = recode_map(version, newest)
        except ValueError:
            continue
        for (list_name, code), new in moves.items():
            if new != code:
                mapping[f"{version.pk}:{list_name}:{code}"] = new
    return json.dumps(mapping)


def _params(ids: list[int] | None, recode: str) -> dict[str, Any]:
    ipad, opad = pads()
    return {"ids": ids, "recode": recode, "ipad": ipad, "opad": opad}


def _run(cursor: Any, delete: str, insert: str, params: dict[str, Any]) -> int:
    cursor.execute(delete, params)
    cursor.execute(insert, params)
    return int(cursor.rowcount)


@dataclass
class Changes:
    """What changed, by source: report, case, referral, appeal and person ids."""

    ids: dict[str, set[int]] = field(default_factory=dict)

    def add(self, kind: str, source_id: int) -> None:
        self.ids.setdefault(kind, set()).add(source_id)

    def of(self, kind: str) -> list[int] | None:
        values = self.ids.get(kind)
        return sorted(values) if values else None


def _expand(cursor: Any, changes: Changes) -> None:
    """A person's change touches the reports and cases they are the survivor of; a case's change its
    reports (their facts carry its survivor), and a report's change its case (the case's type)."""
    persons = changes.of("person")
    if persons:
        cursor.execute(
            "SELECT DISTINCT rp.report_id FROM cases_reportperson rp JOIN people_person p ON p.id = rp.person_id "
            "WHERE rp.role = 'survivor' AND (p.id = ANY(%(p)s) OR p.merged_into_id = ANY(%(p)s))",
            {"p": persons},
        )
        for (rid,) in cursor.fetchall():
            changes.add("report", rid)
        cursor.execute(
            "SELECT k.id FROM cases_case k JOIN people_person p ON p.id = k.survivor_id "
            "WHERE p.id = ANY(%(p)s) OR p.merged_into_id = ANY(%(p)s)",
            {"p": persons},
        )
        for (cid,) in cursor.fetchall():
            changes.add("case", cid)
    cases = changes.of("case")
    if cases:
        cursor.execute("SELECT id FROM cases_report WHERE case_id = ANY(%s)", [cases])
        for (rid,) in cursor.fetchall():
            changes.add("report", rid)
    reports = changes.of("report")
    if reports:
        cursor.execute(
            "SELECT DISTINCT case_id FROM cases_report WHERE id = ANY(%s) AND case_id IS NOT NULL", [reports]
        )
        for (cid,) in cursor.fetchall():
            changes.add("case", cid)


def refresh_cases_domain(cursor: Any, changes: Changes | None, recode: str) -> dict[str, int]:
    """Reports, incidents, survivor-months, cases and services: rebuilt together because each reads
    the one before it (a case's type is its first incident's)."""
    counts: dict[str, int] = {}
    reports = changes.of("report") if changes else None
    cases = changes.of("case") if changes else None
    if changes is not None and reports is None and cases is None:
        return counts
    everything = changes is None
    if everything or reports:
        p = _params(reports, recode)
        counts["report"] = _run(
            cursor, "DELETE FROM statistics_reportfact WHERE %(ids)s::bigint[] IS NULL OR report_id = ANY(%(ids)s)",
            REPORT_SQL, p,
        )
        cursor.execute(
            "DELETE FROM statistics_incidentfact WHERE %(ids)s::bigint[] IS NULL OR report_id = ANY(%(ids)s) "
            "RETURNING survivor_key",
            p,
        )
        keys = {k for (k,) in cursor.fetchall() if k is not None}
        cursor.execute(INCIDENT_SQL + " RETURNING survivor_key", p)
        rows = cursor.fetchall()
        counts["incident"] = len(rows)
        keys |= {k for (k,) in rows if k is not None}
        survivors = None if everything else sorted(keys)
        if everything or survivors:
            sp = {"keys": survivors}
            counts["survivor"] = _run(
                cursor,
                "DELETE FROM statistics_survivormonthfact WHERE %(keys)s::bigint[] IS NULL "
                "OR survivor_key = ANY(%(keys)s)",
                SURVIVOR_SQL, sp,
            )
    if everything or cases:
        p = _params(cases, recode)
        counts["case"] = _run(
            cursor, "DELETE FROM statistics_casefact WHERE %(ids)s::bigint[] IS NULL OR case_id = ANY(%(ids)s)",
            CASE_SQL, p,
        )
        counts["service"] = _run(
            cursor, "DELETE FROM statistics_servicefact WHERE %(ids)s::bigint[] IS NULL OR case_id = ANY(%(ids)s)",
            SERVICE_SQL, p,
        )
    return counts


def _simple(table: str, column: str, sql: str, kind: str) -> Callable[[Any, Changes | None, str], dict[str, int]]:
    def refresh(cursor: Any, changes: Changes | None, recode: str) -> dict[str, int]:
        ids = changes.of(kind) if changes else None
        if changes is not None and ids is None:
            return {}
        delete = f"DELETE FROM {table} WHERE %(ids)s::bigint[] IS NULL OR {column} = ANY(%(ids)s)"  # noqa: S608
        return {kind: _run(cursor, delete, sql, _params(ids, recode))}

    return refresh


@dataclass(frozen=True)
class FactSource:
    """One family of facts: the queue kinds it follows and how it refreshes (ids, or None for all)."""

    name: str
    kinds: tuple[str, ...]
    refresh: Callable[[Any, Changes | None, str], dict[str, int]]


FACT_SOURCES: dict[str, FactSource] = {}


def register_fact_source(source: FactSource) -> None:
    """Extension point: the courts domain registers its court-order fact here (see module doc)."""
    if source.name in FACT_SOURCES:
        raise ValueError(f"fact source {source.name!r} registered twice")
    FACT_SOURCES[source.name] = source


register_fact_source(FactSource("cases", ("report", "case", "person"), refresh_cases_domain))
register_fact_source(
    FactSource("referrals", ("referral",), _simple("statistics_referralfact", "referral_id", REFERRAL_SQL, "referral"))
)
register_fact_source(
    FactSource("appeals", ("appeal",), _simple("statistics_appealfact", "appeal_id", APPEAL_SQL, "appeal"))
)


# Court orders (sanad.courts): one fact per order, in the month issued, with its life's counts.
COURT_ORDER_SQL = """
INSERT INTO statistics_courtorderfact
  (court_order_id, country_id, month, governorate_id, institution_id, sector_id, order_type, status,
   sessions_scheduled, sessions_held, sessions_missed, sessions_cancelled, breaches, payments, payments_amount,
   payment_delay_median)
SELECT o.id, o.country_id, date_trunc('month', o.issued_on)::date, coalesce(u.governorate_id, inst.governorate_id),
  u.institution_id, inst.sector_id, o.order_type, o.status,
  s.scheduled, s.held, s.missed, s.cancelled, b.n, p.n, p.amount, p.median
FROM courts_courtorder o
JOIN institutions_unit u ON u.id = o.court_unit_id
JOIN institutions_institution inst ON inst.id = u.institution_id
LEFT JOIN LATERAL (
  SELECT count(*) AS scheduled, count(*) FILTER (WHERE vs.status = 'held') AS held,
    count(*) FILTER (WHERE vs.status IN ('visitor_absent', 'child_not_brought')) AS missed,
    count(*) FILTER (WHERE vs.status = 'cancelled') AS cancelled
  FROM courts_visitsession vs WHERE vs.order_id = o.id
) s ON true
LEFT JOIN LATERAL (SELECT count(*) AS n FROM courts_orderbreach ob WHERE ob.order_id = o.id) b ON true
LEFT JOIN LATERAL (
  SELECT count(*) AS n, coalesce(sum(pay.amount), 0) AS amount,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(pay.paid_on - pay.due_on, 0)) AS median
  FROM courts_payment pay WHERE pay.order_id = o.id
) p ON true
WHERE (%(ids)s::bigint[] IS NULL OR o.id = ANY(%(ids)s::bigint[]))
"""

# What happened on court orders, in the month it happened: sessions due (at the social centre),
# breaches (when they happened, in the country's time) and the fund's payments (when paid).
COURT_EVENT_SQL = """
WITH o AS (
  SELECT o.id, o.country_id, o.order_type, o.centre_unit_id, c.time_zone,
    coalesce(u.governorate_id, inst.governorate_id) AS governorate_id, u.institution_id, inst.sector_id
  FROM courts_courtorder o
  JOIN institutions_country c ON c.id = o.country_id
  JOIN institutions_unit u ON u.id = o.court_unit_id
  JOIN institutions_institution inst ON inst.id = u.institution_id
  WHERE (%(ids)s::bigint[] IS NULL OR o.id = ANY(%(ids)s::bigint[]))
)
INSERT INTO statistics_courteventfact
  (court_order_id, event, country_id, month, governorate_id, institution_id, sector_id, order_type,
   session_status, breach_source, held, delay_days, amount)
SELECT o.id, 'session', o.country_id, date_trunc('month', vs.on)::date,
  coalesce(cu.governorate_id, ci.governorate_id, o.governorate_id), coalesce(cu.institution_id, o.institution_id),
  coalesce(ci.sector_id, o.sector_id), o.order_type, vs.status, '',
  CASE WHEN vs.status = 'held' THEN true WHEN vs.status IN ('visitor_absent', 'child_not_brought') THEN false END,
  NULL::int, NULL::numeric
FROM courts_visitsession vs
JOIN o ON o.id = vs.order_id
LEFT JOIN institutions_unit cu ON cu.id = o.centre_unit_id
LEFT JOIN institutions_institution ci ON ci.id = cu.institution_id
UNION ALL
SELECT o.id, 'breach', o.country_id, date_trunc('month', ob.occurred_at AT TIME ZONE o.time_zone)::date,
  o.governorate_id, o.institution_id, o.sector_id, o.order_type, '', ob.source, NULL::boolean, NULL::int, NULL::numeric
FROM courts_orderbreach ob
JOIN o ON o.id = ob.order_id
UNION ALL
SELECT o.id, 'payment', o.country_id, date_trunc('month', pay.paid_on)::date,
  o.governorate_id, o.institution_id, o.sector_id, o.order_type, '', '', NULL::boolean,
  greatest(pay.paid_on - pay.due_on, 0), pay.amount
FROM courts_payment pay
JOIN o ON o.id = pay.order_id
"""


def refresh_courts(cursor: Any, changes: Changes | None, recode: str) -> dict[str, int]:
    """Both court facts of the changed orders (or of every order)."""
    ids = changes.of("court_order") if changes else None
    if changes is not None and ids is None:
        return {}
    p = _params(ids, recode)
    return {
        "court_order": _run(
            cursor,
            "DELETE FROM statistics_courtorderfact WHERE %(ids)s::bigint[] IS NULL OR court_order_id = ANY(%(ids)s)",
            COURT_ORDER_SQL, p,
        ),
        "court_event": _run(
            cursor,
            "DELETE FROM statistics_courteventfact WHERE %(ids)s::bigint[] IS NULL OR court_order_id = ANY(%(ids)s)",
            COURT_EVENT_SQL, p,
        ),
    }


register_fact_source(FactSource("courts", ("court_order",), refresh_courts))


def refresh(changes: Changes) -> dict[str, int]:
    """Replace the facts of the changed source rows (and of what depends on them)."""
    counts: dict[str, int] = {}
    recode = _recodes()
    with transaction.atomic(), connection.cursor() as cursor:
        _expand(cursor, changes)
        for source in FACT_SOURCES.values():
            counts.update(source.refresh(cursor, changes, recode))
    # The months those facts belong to are now marked stale (triggers); their aggregates are
    # recomputed afterwards in their own transaction (``refresh_aggregates``), so a new case reaches
    # the facts in a fraction of a second while a year's unique survivors take longer to recount.
    return counts


def rebuild_all() -> dict[str, int]:
    """Every fact from every source row, in one transaction; the queue is emptied with it."""
    counts: dict[str, int] = {}
    recode = _recodes()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE statistics_queuedchange IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM statistics_queuedchange")
        for source in FACT_SOURCES.values():
            counts.update(source.refresh(cursor, None, recode))
        for table in ("reportfact", "incidentfact", "survivormonthfact", "casefact", "servicefact",
                      "referralfact", "appealfact", "courtorderfact", "courteventfact"):
            cursor.execute(f"ANALYZE statistics_{table}")
        aggregates.rebuild(cursor)
    return counts


def refresh_aggregates(*, everything: bool = False) -> int:
    """Recompute the aggregates of the months marked stale (or all of them) from the facts as they
    are: after facts were loaded directly (the benchmark) or by the periodic job's safety net."""
    with transaction.atomic(), connection.cursor() as cursor:
        if everything:
            aggregates.rebuild(cursor)
            return -1
        return aggregates.refresh_stale(cursor)


def drain(*, batch: int = 5000) -> int:
    """Take up to ``batch`` queued changes (skipping rows another drain holds) and refresh their facts
    in the same transaction: a failure leaves them queued. Returns how many were taken."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM statistics_queuedchange WHERE id IN (SELECT id FROM statistics_queuedchange "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING kind, source_id",
            [batch],
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        changes = Changes()
        for kind, source_id in rows:
            changes.add(kind, source_id)
        refresh(changes)
    return len(rows)
