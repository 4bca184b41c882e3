"""Search while typing at intake (issue 6): ``find_candidates`` p50/p95 over a large registry.

N synthetic persons (BENCH_SEARCH_PERSONS, default 100000; the target is stated at 1000000:
``BENCH_SEARCH_PERSONS=1000000``, about ten minutes to load the first time) are loaded once with
COPY into their own database ``people_bench_<N>`` on the server of DATABASE_URL (never the dev
data; a second run reuses them). Each query is a name as another source spelled it (another record
of the same true person, often in the other script), as an officer would type it; the search
includes its audit write, as in production.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from bench.harness import ROOT, Result, bench_env, ensure_same_keys, manage, write_results


def bench_url(database: str) -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    parts = urlsplit(base)
    import psycopg

    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    return urlunsplit(parts._replace(path=f"/{database}"))


def main() -> None:
    persons = int(os.environ.get("BENCH_SEARCH_PERSONS", "100000"))
    queries = int(os.environ.get("BENCH_SEARCH_QUERIES", "400"))
    database = f"people_bench_{persons}"
    url = bench_url(database)
    ensure_same_keys(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "bh")
    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import numpy as np
    from django.db import connection

    from sanad.access.actor import Actor
    from sanad.accounts.models import User
    from sanad.institutions.models import Membership, Unit
    from sanad.people.matching import find_candidates
    from sanad.people.models import Person
    from sanad.people.synthetic import generate_records
    from sanad.people.synthetic_registry import copy_rows

    user, _ = User.objects.get_or_create(username="bench-intake")
    unit = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, role="intake_officer", is_active=True)
    generated = generate_records(records=persons, seed=13)
    have = Person.objects.count()
    if have < persons:
        print(f"loading {persons - have} persons into {database}", flush=True)
        started = time.perf_counter()
        rest = slice(have, persons)
        copy_rows(
            generated.rows[rest],
            [s for _, _, s in generated.truth][rest],
            unit=unit,
            user=user,
            progress=lambda n: print(f"  {n} rows ({time.perf_counter() - started:.0f}s)", flush=True),
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE people_person")
            cursor.execute("VACUUM ANALYZE people_identitydocument")
        print(f"loaded in {time.perf_counter() - started:.0f}s", flush=True)
    # Queries: for a record, the name as written by another record of the same true person.
    by_person: dict[int, list[int]] = {}
    for n, (_, person, _) in enumerate(generated.truth):
        by_person.setdefault(person, []).append(n)
    rng = np.random.default_rng(3)
    typed = []
    for members in by_person.values():
        if len(members) > 1:
            source = members[int(rng.integers(1, len(members)))]
            row = generated.rows[source]
            name = row["full_name"] or " ".join(row[f] for f in ("first_name", "father_name", "family_name") if row[f])
            typed.append((name, source))
    picked = [typed[i] for i in rng.permutation(len(typed))[:queries]]
    # Persons were inserted in the order of the generated rows: the n-th id is the n-th row.
    pks = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:persons])
    true_person = {pk: generated.truth[n][1] for n, pk in enumerate(pks)}
    actor = Actor(user=user, membership=membership)
    for name, _source in picked[:20]:  # warm the caches, as a running server would be
        find_candidates(actor=actor, name=name)
    latencies, found, other_record_found = [], 0, 0
    wall = time.perf_counter()
    for name, source in picked:
        started = time.perf_counter()
        inside, outside = find_candidates(actor=actor, name=name)
        latencies.append((time.perf_counter() - started) * 1000)
        found += bool(inside or outside)
        # Did the officer see another record of the same person, spelled otherwise than typed?
        who = generated.truth[source][1]
        other_record_found += any(
            m.person.pk != pks[source] and true_person.get(m.person.pk) == who for m in [*inside, *outside]
        )
    wall = time.perf_counter() - wall
    latencies.sort()
    result = Result(
        name="find_candidates",
        requests=len(latencies),
        concurrency=1,
        median_ms=round(statistics.median(latencies), 2),
        p95_ms=round(latencies[int(len(latencies) * 0.95) - 1], 2),
        requests_per_second=round(len(latencies) / wall, 1),
        errors=0,
        extra={"p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2)},
    )
    out = write_results(
        f"search_while_typing-{persons}",
        [result],
        persons=Person.objects.count(),
        queries_with_a_match=found,
        queries_showing_another_record_of_the_person=other_record_found,
        database=database,
    )
    print(
        f"{persons} persons: p50 {result.median_ms} ms, p95 {result.p95_ms} ms, any match {found}/{len(latencies)}, "
        f"another record of the same person shown {other_record_found}/{len(latencies)}"
    )
    print(f"results: {out}")


if __name__ == "__main__":
    main()
