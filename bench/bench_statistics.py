"""National statistics (issue 8): the national dashboard over one year of 1,000,000 cases' worth of
facts, with each single filter, through a real server (target p95 <= 1 s), against the best
hand-written SQL for the same numbers (target <= 3x); and the time for one new case to reach the
facts through the real worker job (target <= 60 s).

The dashboard reads fact tables only, so the facts are filled directly by set-based SQL inside
PostgreSQL (``INSERT ... SELECT`` over ``generate_series``, faster than COPY from a client) in the
database ``stats_bench`` on the server of DATABASE_URL: BENCH_CASES (default 1,000,000) cases over
three years, 1.2 incidents and reports per case, survivor-months derived from the incidents as the
refresh does, 1.5 services and 0.4 referrals per case, 20,000 appeals. A second run reuses them.
Codes, governorates and institutions are the Bahrain pack's, drawn with fixed hashes.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.harness import ROOT, Result, bench_env, ensure_same_keys, load, manage, server, summarise, write_results

DATABASE = "stats_bench"
YEAR = 2025


def bench_url() -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    parts = urlsplit(base)
    import psycopg

    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


# h(g, salt): a fixed pseudo-random non-negative integer per row and attribute.
H = "(hashint8(g * 31 + {salt}) & 2147483647)"


def pick(array: str, salt: int) -> str:
    return f"({array})[1 + {H.format(salt=salt)} %% cardinality({array})]"


FILL_INCIDENTS = f"""
INSERT INTO statistics_incidentfact
  (incident_id, report_id, country_id, month, governorate_id, institution_id, sector_id, survivor_key, sex,
   age_group, nationality_group, consented, occurred_month, violence_type, gbvims_type, iccs_code, context,
   relationship, channel, trafficking, days_to_report, repeated)
SELECT g, g, %(country)s, m.month, {pick("%(govs)s::int[]", 1)}, inst.id, inst.sector,
  {H.format(salt=2)} %% %(survivors)s, CASE WHEN {H.format(salt=3)} %% 100 < 85 THEN 'female' ELSE 'male' END,
  {pick("%(ages)s::text[]", 4)}, {pick("%(nats)s::text[]", 5)}, NULL, m.month,
  vt.code, vt.gbvims, vt.iccs, {pick("%(contexts)s::text[]", 7)}, {pick("%(rels)s::text[]", 8)},
  {pick("%(channels)s::text[]", 9)}, {H.format(salt=10)} %% 50 = 0, {H.format(salt=11)} %% 90,
  {H.format(salt=12)} %% 5 = 0
FROM generate_series(%(first)s, %(last)s) AS g
CROSS JOIN LATERAL (SELECT (date '2024-01-01' + ({H.format(salt=13)} %% 36) * interval '1 month')::date AS month) m
CROSS JOIN LATERAL (
  SELECT (%(insts)s::int[])[1 + {H.format(salt=14)} %% cardinality(%(insts)s::int[])] AS id,
         (%(sectors)s::int[])[1 + {H.format(salt=14)} %% cardinality(%(sectors)s::int[])] AS sector
) inst
CROSS JOIN LATERAL (SELECT (%(types)s::text[])[i] AS code, (%(gbvims)s::text[])[i] AS gbvims,
                           (%(iccs)s::text[])[i] AS iccs
                    FROM (SELECT 1 + {H.format(salt=6)} %% cardinality(%(types)s::text[]) AS i) t) vt
"""  # noqa: S608 - fixed SQL of this benchmark

FILL_REPORTS = """
INSERT INTO statistics_reportfact (report_id, country_id, month, governorate_id, institution_id, sector_id, channel,
  status)
SELECT report_id, country_id, month, governorate_id, institution_id, sector_id, channel,
  CASE WHEN incident_id %% 7 = 0 THEN 'not_a_case' ELSE 'case_opened' END
FROM statistics_incidentfact WHERE incident_id BETWEEN %(first)s AND %(last)s
"""

FILL_CASES = f"""
INSERT INTO statistics_casefact
  (case_id, country_id, month, governorate_id, institution_id, sector_id, survivor_key, sex, age_group,
   nationality_group, consented, violence_type, gbvims_type, iccs_code, context, risk_level, closed, closed_month,
   closure_reason, days_to_closure)
SELECT incident_id, country_id, month, governorate_id, institution_id, sector_id, survivor_key, sex, age_group,
  nationality_group, NULL, violence_type, gbvims_type, iccs_code, context,
  (ARRAY['standard', 'medium', 'high'])[1 + incident_id %% 3], incident_id %% 4 = 0,
  CASE WHEN incident_id %% 4 = 0 THEN (month + interval '2 months')::date END,
  CASE WHEN incident_id %% 4 = 0 THEN {pick("%(closures)s::text[]", 20).replace("g *", "incident_id *")} ELSE '' END,
  CASE WHEN incident_id %% 4 = 0 THEN 30 + incident_id %% 200 END
FROM statistics_incidentfact WHERE incident_id BETWEEN %(first)s AND %(last)s AND incident_id %% 6 <> 0
"""  # noqa: S608 - fixed SQL of this benchmark

FILL_SERVICES = f"""
INSERT INTO statistics_servicefact (service_id, case_id, country_id, month, governorate_id, institution_id, sector_id,
  service)
SELECT g, g / 3 * 2, %(country)s, (date '2024-01-01' + ({H.format(salt=21)} %% 36) * interval '1 month')::date,
  {pick("%(govs)s::int[]", 22)}, {pick("%(insts)s::int[]", 23)}, {pick("%(sectors)s::int[]", 23)},
  {pick("%(services)s::text[]", 24)}
FROM generate_series(%(first)s, %(last)s) AS g
"""  # noqa: S608 - fixed SQL of this benchmark

FILL_REFERRALS = f"""
INSERT INTO statistics_referralfact (referral_id, country_id, month, governorate_id, institution_id, sector_id,
  from_institution_id, kind, urgency, status, acknowledge_minutes, contact_minutes, acknowledged_within,
  contacted_within)
SELECT g, %(country)s, (date '2024-01-01' + ({H.format(salt=31)} %% 36) * interval '1 month')::date,
  {pick("%(govs)s::int[]", 32)}, {pick("%(insts)s::int[]", 33)}, {pick("%(sectors)s::int[]", 33)},
  {pick("%(insts)s::int[]", 34)}, 'service', (ARRAY['immediate', 'urgent', 'routine'])[1 + g %% 3], 'completed',
  {H.format(salt=35)} %% 3000, {H.format(salt=36)} %% 6000, {H.format(salt=37)} %% 10 < 8,
  {H.format(salt=38)} %% 10 < 7
FROM generate_series(%(first)s, %(last)s) AS g
"""  # noqa: S608 - fixed SQL of this benchmark

FILL_APPEALS = f"""
INSERT INTO statistics_appealfact (appeal_id, country_id, month, governorate_id, institution_id, sector_id, platform,
  status, answered, days_to_answer)
SELECT g, %(country)s, (date '2024-01-01' + ({H.format(salt=41)} %% 36) * interval '1 month')::date,
  {pick("%(govs)s::int[]", 42)}, {pick("%(insts)s::int[]", 43)}, {pick("%(sectors)s::int[]", 43)},
  (ARRAY['x', 'instagram', 'tiktok', 'snapchat', 'press'])[1 + g %% 5],
  (ARRAY['contacted', 'report_opened', 'not_a_case', 'new'])[1 + g %% 4], g %% 4 <> 3, g %% 9
FROM generate_series(1, %(count)s) AS g
"""  # noqa: S608 - fixed SQL of this benchmark


def fill(cursor: object, cases: int, params: dict[str, object]) -> None:
    """In chunks of 200,000 so each statement's memory stays small on a shared machine."""
    incidents = int(cases * 1.2)
    chunk = 200_000
    for first in range(1, incidents + 1, chunk):
        last = min(first + chunk - 1, incidents)
        for sql in (FILL_INCIDENTS, FILL_REPORTS, FILL_CASES):
            cursor.execute(sql, {**params, "first": first, "last": last})  # type: ignore[attr-defined]
        print(f"  incidents {last}/{incidents}", flush=True)
    services = int(cases * 1.5)
    for first in range(1, services + 1, chunk):
        cursor.execute(FILL_SERVICES, {**params, "first": first, "last": min(first + chunk - 1, services)})  # type: ignore[attr-defined]
    cursor.execute(FILL_REFERRALS, {**params, "first": 1, "last": int(cases * 0.4)})  # type: ignore[attr-defined]
    cursor.execute(FILL_APPEALS, {**params, "count": 20_000})  # type: ignore[attr-defined]


HAND_SQL = """
-- The best hand-written SQL for the dashboard's numbers: one pass per fact table with GROUPING SETS.
SELECT violence_type, sex, gbvims_type, iccs_code, to_char(month, 'YYYY-MM'), governorate_id, context, relationship,
  count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_report)
FROM statistics_incidentfact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {f}
GROUP BY GROUPING SETS ((violence_type, sex), (gbvims_type), (iccs_code), (to_char(month, 'YYYY-MM')),
  (governorate_id), (context), (relationship), ());
SELECT channel, count(*) FROM statistics_reportfact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {f}
GROUP BY GROUPING SETS ((channel), ());
SELECT age_group, nationality_group, count(*), count(*) FILTER (WHERE n >= 2 OR first_month < %(s)s)
FROM (SELECT DISTINCT ON (survivor_key) age_group, nationality_group, sum(incidents) OVER w AS n, first_month
      FROM statistics_survivormonthfact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {f}
      WINDOW w AS (PARTITION BY survivor_key) ORDER BY survivor_key, month) s
GROUP BY GROUPING SETS ((age_group), (nationality_group), ());
SELECT count(DISTINCT survivor_key) FROM statistics_incidentfact
WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s AND trafficking {f};
SELECT risk_level, count(*) FROM statistics_casefact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {f}
GROUP BY GROUPING SETS ((risk_level), ());
SELECT closure_reason, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_closure)
FROM statistics_casefact WHERE country_id = %(c)s AND closed_month BETWEEN %(s)s AND %(e)s AND closed {f}
GROUP BY GROUPING SETS ((closure_reason), ());
SELECT service, count(*) FROM statistics_servicefact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {fo}
GROUP BY service;
SELECT sector_id, count(*), avg(acknowledged_within::int) FROM statistics_referralfact
WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {fo} GROUP BY GROUPING SETS ((sector_id), ());
SELECT status, count(*) FROM statistics_appealfact WHERE country_id = %(c)s AND month BETWEEN %(s)s AND %(e)s {fo}
GROUP BY status;
"""


def hand_sql_ms(
    url: str, country: int, column: str | None, value: str | None, *, start: str, end: str, repeat: int = 3
) -> float:
    import psycopg

    condition = f"AND {column} = %(v)s" if column else ""
    sql = HAND_SQL.format(f=condition, fo=condition)
    times = []
    with psycopg.connect(url) as conn:
        columns = {
            (table, name)
            for table, name in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_name LIKE 'statistics_%%fact'"
            ).fetchall()
        }
        # A fact table without the filtered dimension is not on the filtered page either.
        statements = [
            s
            for s in sql.split(";")
            if "SELECT" in s
            and (column is None or (re.search(r"statistics_\w+fact", s).group(0), column) in columns)  # type: ignore[union-attr]
        ]
        for _ in range(repeat):
            started = time.perf_counter()
            for statement in statements:
                conn.execute(statement, {"c": country, "s": start, "e": end, "v": value}).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def hand_aggregate_sql_ms(
    url: str, country: int, dim: str | None, value: object, *, start: str, end: str, repeat: int = 3
) -> float:
    """The best hand-written SQL over the pre-aggregated table for the same numbers: the months'
    counts and histograms summed, and the period's unique-survivor rows."""
    import psycopg

    period = "Q" if start.endswith("04-01") else "Y"
    where = "filter_dim = %(d)s AND filter_value = %(v)s" if dim else "filter_dim = '' AND filter_value IS NULL"
    months = (
        "SELECT source, dims, k0, k1, sum(n) FROM statistics_aggregate WHERE country_id = %(c)s AND "  # noqa: S608
        f"{where} AND period = 'M' AND month BETWEEN %(s)s AND %(e)s GROUP BY source, dims, k0, k1"
    )
    survivors = (
        "SELECT source, dims, k0, k1, n FROM statistics_aggregate WHERE country_id = %(c)s AND "  # noqa: S608
        f"{where} AND period = %(p)s AND month = %(s)s"
    )
    times = []
    with psycopg.connect(url) as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            for statement in (months, survivors):
                conn.execute(statement, {"c": country, "s": start, "e": end, "d": dim, "v": str(value), "p": period})
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    cases = int(os.environ.get("BENCH_CASES", "1000000"))
    requests = int(os.environ.get("BENCH_REQUESTS", "20"))
    url = bench_url()
    ensure_same_keys(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "bh")
    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from sanad.accounts.models import User
    from sanad.institutions.models import AreaLevel, Country, Governorate, Institution, Membership, Unit
    from sanad.statistics.facts import SURVIVOR_SQL
    from sanad.statistics.models import IncidentFact
    from sanad.taxonomy.models import Code, DefinitionVersion
    from sanad.testing.auth import sign_in

    country = Country.objects.get(code="bh")
    version = DefinitionVersion.objects.filter(country=country, status="published").order_by("-number").first()

    def codes(name: str) -> list[str]:
        return list(Code.objects.filter(version=version, list=name).order_by("order").values_list("code", flat=True))

    types = list(
        Code.objects.filter(version=version, list="violence_type").order_by("order").values_list(
            "code", "gbvims_type", "iccs_code"
        )
    )
    institutions = list(Institution.objects.filter(country=country).values_list("pk", "sector_id"))
    params = {
        "country": country.pk,
        "govs": list(
            Governorate.objects.filter(country=country, level=AreaLevel.GOVERNORATE).values_list("pk", flat=True)
        ),
        "insts": [i for i, _ in institutions],
        "sectors": [s for _, s in institutions],
        "survivors": int(cases * 0.85),
        "ages": codes("age_group_gbvims"),
        "nats": codes("nationality_group"),
        "types": [t[0] for t in types],
        "gbvims": [t[1] for t in types],
        "iccs": [t[2] for t in types],
        "contexts": codes("case_context"),
        "rels": codes("relationship"),
        "channels": codes("intake_channel"),
        "closures": codes("closure_reason"),
        "services": codes("service"),
    }
    have = IncidentFact.objects.count()
    if have < int(cases * 1.2):
        print(f"filling facts for {cases} cases into {DATABASE}", flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("incident", "report", "case", "service", "referral", "appeal", "survivormonth"):
                cursor.execute(f"TRUNCATE statistics_{table}fact")
            fill(cursor, cases, params)
            cursor.execute(SURVIVOR_SQL, {"keys": None})
            for table in ("incident", "report", "case", "service", "referral", "appeal", "survivormonth"):
                cursor.execute(f"VACUUM ANALYZE statistics_{table}fact")
        print(f"filled in {time.perf_counter() - started:.0f}s", flush=True)
    from sanad.statistics.facts import refresh_aggregates
    from sanad.statistics.models import Aggregate, StaleMonth

    # Facts written directly: their months are marked stale; the dashboards' aggregates catch up.
    if StaleMonth.objects.exists() or not Aggregate.objects.exists():
        started = time.perf_counter()
        refresh_aggregates(everything=True)
        print(f"aggregates rebuilt in {time.perf_counter() - started:.0f}s", flush=True)
    counts = {}
    with connection.cursor() as cursor:
        for t in ("incident", "report", "case", "survivormonth", "service", "referral", "appeal"):
            cursor.execute(f"SELECT count(*) FROM statistics_{t}fact")  # noqa: S608 - fixed names
            counts[t] = cursor.fetchone()[0]
        # Real rows made later (the latency test) must not take the ids the filled facts use.
        for table in ("cases_report", "cases_incident", "cases_case", "cases_servicedelivered", "referrals_referral",
                      "cases_appeal"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(%s, "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {table})))",
                [cases * 3],
            )
    user, _ = User.objects.get_or_create(username="bench-statistician")
    takatof = Unit.objects.get(institution__code="scw", code="takatof")
    Membership.objects.get_or_create(user=user, unit=takatof, role="statistician", is_active=True)
    client = sign_in(Client(), user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    gov = str(params["govs"][0])  # type: ignore[index]
    inst = str(IncidentFact.objects.values_list("institution_id", flat=True).first())
    filters = [
        ("none", "", None, None),
        ("quarter", "&quarter=2", None, None),
        ("governorate", f"&governorate={gov}", "governorate_id", int(gov)),
        ("institution", f"&institution={inst}", "institution_id", int(inst)),
        ("sex", "&sex=female", "sex", "female"),
        ("age_group", "&age_group=18-25", "age_group", "18-25"),
        ("nationality_group", "&nationality_group=national", "nationality_group", "national"),
        ("violence_type", "&violence_type=physical_assault", "violence_type", "physical_assault"),
        ("context", "&context=intimate_partner", "context", "intimate_partner"),
        ("relationship", "&relationship=spouse", "relationship", "spouse"),
        ("channel", "&channel=hotline", "channel", "hotline"),
    ]
    # BENCH_FILTERS=sex,channel runs those filters only, keeping the other results of an earlier run.
    only = [f for f in os.environ.get("BENCH_FILTERS", "").split(",") if f]
    if only:
        filters = [f for f in filters if f[0] in only]
    results: list[Result] = []
    with server(url) as base:
        for name, query, column, value in filters:
            path = f"/statistics/?year={YEAR}{query}"
            load(base, path, cookie=cookie, requests=2, concurrency=1)  # warm the server's caches
            raw = load(base, path, cookie=cookie, requests=requests, concurrency=1)
            r = summarise(f"dashboard_{name}", raw, 1)
            start, end = (f"{YEAR}-04-01", f"{YEAR}-06-30") if name == "quarter" else (f"{YEAR}-01-01", f"{YEAR}-12-31")
            hand = hand_sql_ms(url, country.pk, column, value, start=start, end=end)
            hand_agg = hand_aggregate_sql_ms(url, country.pk, column and name, value, start=start, end=end)
            r.extra = {
                "hand_sql_median_ms": round(hand, 1),
                "ratio_p95_to_hand_sql": round(r.p95_ms / hand, 2),
                "hand_sql_on_aggregates_median_ms": round(hand_agg, 1),
                "ratio_p95_to_hand_sql_on_aggregates": round(r.p95_ms / hand_agg, 2),
            }
            results.append(r)
            print(f"{r.name:32} median {r.median_ms:8.1f} ms  p95 {r.p95_ms:8.1f} ms  {r.extra}", flush=True)
    results.append(new_case_latency(url))
    if only:
        import json

        from bench.harness import RESULTS

        earlier = RESULTS / "statistics.json"
        if earlier.exists():
            fresh = {r.name for r in results}
            kept = [Result(**r) for r in json.loads(earlier.read_text())["results"] if r["name"] not in fresh]
            results = kept + results
    load_avg = os.getloadavg()
    out = write_results(
        "statistics",
        results,
        database=DATABASE,
        cases=cases,
        fact_rows=counts,
        load_average=[round(x, 2) for x in load_avg],
        uptime=subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    )
    print(f"results: {out}")


def new_case_latency(url: str) -> Result:
    """A real worker process runs; a case registered through the services commits; the time until
    its fact exists is measured (the job is deferred on commit, the periodic run is the safety net)."""
    from django.db import connection
    from django.utils import timezone

    from sanad.access.actor import Actor
    from sanad.cases import services as case_services
    from sanad.institutions.models import Unit
    from sanad.institutions.roles import Role
    from sanad.people.services import PersonInput, person_register
    from sanad.statistics.models import CaseFact

    unit = Unit.objects.filter(institution__country__code="bh", institution__sector__code="police").first()
    assert unit is not None
    from sanad.accounts.models import User
    from sanad.institutions.models import Membership

    officer, _ = User.objects.get_or_create(username="bench-intake")
    membership, _ = Membership.objects.get_or_create(user=officer, unit=unit, role=Role.INTAKE_OFFICER, is_active=True)
    actor = Actor(user=officer, membership=membership)
    worker = subprocess.Popen(
        # As `make run` starts it: two jobs at once, so the aggregates recount runs beside the facts.
        [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency", "2"],
        cwd=ROOT,
        env=bench_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    latencies = []
    try:
        time.sleep(5)  # the worker starts and drains what earlier runs left
        for _ in range(3):
            survivor = person_register(
                actor=actor, data=PersonInput(first_name="سارة", family_name="الحسن", sex="female")
            )
            report = case_services.report_register(
                actor=actor,
                data=case_services.ReportInput(
                    received_at=timezone.now(),
                    channel_code="hotline",
                    reporter_type_code="survivor",
                    narrative="بلاغ للقياس",
                    persons=[(survivor.pk, "survivor")],
                ),
            )
            case = case_services.case_open(actor=actor, report=report)
            started = time.perf_counter()
            while not CaseFact.objects.filter(case_id=case.pk).exists():
                if time.perf_counter() - started > 180:
                    break
                time.sleep(0.2)
                connection.close()
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        worker.terminate()
        # The worker finishes the job it holds first: recounting a year's unique survivors takes a while.
        try:
            worker.wait(timeout=300)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return Result(
        name="new_case_to_facts",
        requests=len(latencies),
        concurrency=1,
        median_ms=round(statistics.median(latencies), 1),
        p95_ms=round(max(latencies), 1),
        requests_per_second=0,
        errors=sum(1 for t in latencies if t > 180_000),
        extra={"target_ms": 60_000},
    )


if __name__ == "__main__":
    main()
