"""Referrals (issue 7): the deadline scan over 100,000 open referrals (target <= 1 s) and a unit's
incoming inbox with 10,000 referrals (target p95 <= 150 ms), on the UAE pack.

The referrals are bulk-loaded once into the database ``referrals_bench`` on the server of
DATABASE_URL (never the dev data; a second run reuses them): BENCH_REFERRALS (default 100000) open
referrals sent over the last week, BENCH_INBOX (default 10000) of them to Aman's case management, the
rest spread over the other units. About 2% have an acknowledgement deadline already past, as after a
quiet weekend. The scan is timed twice: the first run over that backlog (every breach new), then a
run five minutes later, as the periodic job runs in steady state. Deadlines, breaches and notices are
real rows; the scan runs inside a transaction that is rolled back, so each run starts equal.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.harness import ROOT, Result, bench_env, ensure_same_keys, load, manage, server, summarise, write_results

DATABASE = "referrals_bench"


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


_BULK = """
INSERT INTO referrals_referral (
  country_id, kind, from_unit_id, to_unit_id, definitions_version_id, service_codes, urgency, reason,
  shared_fields, legal_ground_id, status, sent_by_id, sent_at, standard_id,
  acknowledge_due, first_contact_due, complete_due, acknowledged_at, decline_reason_code, outcome_code,
  closing_note, row_version
)
SELECT t.country_id, t.kind, t.from_unit_id,
       CASE WHEN g <= %(inbox)s THEN %(inbox_unit)s ELSE (%(others)s::bigint[])[1 + g %% %(n_others)s] END,
       t.definitions_version_id, t.service_codes,
       (ARRAY['immediate', 'urgent', 'routine'])[1 + g %% 3], t.reason, t.shared_fields, t.legal_ground_id,
       CASE WHEN g %% 10 < 6 THEN 'sent' WHEN g %% 10 < 8 THEN 'received' ELSE 'in_progress' END,
       t.sent_by_id, s.sent_at, t.standard_id,
       -- about 2%% of the referrals still waiting for acknowledgement are past that deadline
       CASE WHEN g %% 50 = 0 THEN %(now)s - interval '10 minutes' ELSE s.sent_at + interval '8 days' END,
       s.sent_at + interval '10 days', s.sent_at + interval '30 days',
       CASE WHEN g %% 10 < 6 THEN NULL ELSE s.sent_at + interval '1 hour' END,
       '', '', '', 1
  FROM referrals_referral t,
       generate_series(1, %(count)s) AS g,
       LATERAL (SELECT %(now)s - (g %% 10000) * interval '1 minute' AS sent_at) s
 WHERE t.id = %(template)s
"""


def main() -> None:
    count = int(os.environ.get("BENCH_REFERRALS", "100000"))
    inbox = int(os.environ.get("BENCH_INBOX", "10000"))
    requests = int(os.environ.get("BENCH_REQUESTS", "300"))
    url = bench_url()
    ensure_same_keys(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "ae")
    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sanad.accounts.models import User
    from sanad.institutions.models import Membership, Unit
    from sanad.referrals.deadlines import scan
    from sanad.referrals.models import LegalGround, Referral, ResponseStandard
    from sanad.taxonomy.models import DefinitionVersion
    from sanad.testing.auth import sign_in

    sender_unit = Unit.objects.get(institution__code="dfwac", code="case-management")
    inbox_unit = Unit.objects.get(institution__code="aman-centre", code="case-management")
    others = list(
        Unit.objects.filter(institution__country__code="ae")
        .exclude(pk__in=[sender_unit.pk, inbox_unit.pk])
        .values_list("pk", flat=True)
    )
    user, _ = User.objects.get_or_create(username="bench-aman")
    Membership.objects.get_or_create(user=user, unit=inbox_unit, role="case_worker", is_active=True)
    sender, _ = User.objects.get_or_create(username="bench-dfwac")
    for unit_id in [inbox_unit.pk, *others]:
        supervisor, _ = User.objects.get_or_create(username=f"bench-supervisor-{unit_id}")
        Membership.objects.get_or_create(user=supervisor, unit_id=unit_id, role="supervisor", is_active=True)
    have = Referral.objects.count()
    if have < count:
        print(f"loading {count} referrals into {DATABASE}", flush=True)
        started = time.perf_counter()
        now = timezone.now()
        template = Referral.objects.create(
            country=sender_unit.institution.country,
            kind="notification",
            from_unit=sender_unit,
            to_unit=inbox_unit,
            definitions_version=DefinitionVersion.objects.get(country__code="ae", number=1),
            service_codes=["shelter"],
            urgency="routine",
            reason="سبب الإحالة",
            shared_fields=["identity"],
            legal_ground=LegalGround.objects.get(country__code="ae", code="child_at_risk"),
            status="withdrawn",
            sent_by=sender,
            standard=ResponseStandard.objects.get(country__code="ae", sector__code="shelter", urgency="routine"),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                _BULK,
                {
                    "inbox": inbox,
                    "inbox_unit": inbox_unit.pk,
                    "others": others,
                    "n_others": len(others),
                    "now": now,
                    "count": count - have,
                    "template": template.pk,
                },
            )
            cursor.execute("ANALYZE referrals_referral")
        print(f"loaded in {time.perf_counter() - started:.0f}s", flush=True)
    open_count = Referral.objects.filter(status__in=["sent", "received", "accepted", "in_progress"]).count()

    def timed_scan(at: dt.datetime) -> tuple[float, int]:
        """One scan inside a transaction rolled back afterwards, so every run starts from the same rows."""
        started = time.perf_counter()
        with transaction.atomic():
            result = scan(now=at)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed * 1000, result.breaches

    now = timezone.now()
    backlog = [timed_scan(now) for _ in range(3)]
    # Steady state: the backlog already recorded, the next run five minutes later finds only what is new.
    with transaction.atomic():
        scan(now=now)
        steady = [timed_scan(now + dt.timedelta(minutes=5)) for _ in range(5)]
        transaction.set_rollback(True)
    scan_results = [
        Result(
            name="deadline_scan_backlog",
            requests=len(backlog),
            concurrency=1,
            median_ms=round(statistics.median(t for t, _ in backlog), 1),
            p95_ms=round(max(t for t, _ in backlog), 1),
            requests_per_second=0,
            errors=0,
            extra={"open_referrals": open_count, "new_breaches": backlog[0][1]},
        ),
        Result(
            name="deadline_scan_steady",
            requests=len(steady),
            concurrency=1,
            median_ms=round(statistics.median(t for t, _ in steady), 1),
            p95_ms=round(max(t for t, _ in steady), 1),
            requests_per_second=0,
            errors=0,
            extra={"open_referrals": open_count, "new_breaches": steady[0][1]},
        ),
    ]
    client = sign_in(Client(), user)
    path = "/referrals/?box=incoming&state=open"
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with server(url) as base:
        # One request at a time: the time to render the inbox itself. Then four at once on the same
        # server, where on 2 cores each request also waits for the CPU the others hold.
        alone_raw = load(base, path, cookie=cookie, requests=requests, concurrency=1)
        raw = load(base, path, cookie=cookie, requests=requests, concurrency=4)
        # The home page under the same load, same server, same moment: on a shared machine the ratio
        # says more than the absolute figure.
        home_raw = load(base, "/", cookie=cookie, requests=requests, concurrency=4)
    inbox_count = Referral.objects.filter(to_unit=inbox_unit).count()
    alone = summarise("incoming_inbox_10000_one_at_a_time", alone_raw, 1, len(ctx.captured_queries))
    alone.extra["inbox_referrals"] = inbox_count
    page = summarise("incoming_inbox_10000", raw, 4, len(ctx.captured_queries))
    page.extra["inbox_referrals"] = inbox_count
    home = summarise("home_same_run", home_raw, 4)
    page.extra["p95_ratio_to_home"] = round(page.p95_ms / home.p95_ms, 2) if home.p95_ms else None
    results = [*scan_results, alone, page, home]
    out = write_results("referrals", results, database=DATABASE)
    for r in results:
        print(f"{r.name:36} median {r.median_ms:8.1f} ms  p95/max {r.p95_ms:8.1f} ms  {r.extra}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
