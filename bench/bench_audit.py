"""What auditing every read costs (issue 3): a person's page, with and without the audit write.

The two variants run in alternating rounds on the same machine so drift hits both; the figure that
matters is the ratio of their median throughputs.
"""

from __future__ import annotations

import os
import statistics
import sys

from bench.harness import ROOT, Result, bench_database_url, load, manage, server, summarise, write_results


def prepare(url: str) -> tuple[str, int]:
    from bench.harness import bench_env

    os.environ.update(bench_env(url))
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from sanad.access.actor import Actor
    from sanad.accounts.models import User
    from sanad.institutions.models import Membership, Unit
    from sanad.people.services import DocumentInput, PersonInput, person_register

    user, _ = User.objects.get_or_create(username="bench-caseworker")
    unit = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, role="case_worker", is_active=True)
    person = person_register(
        actor=Actor(user=user, membership=membership),
        data=PersonInput(
            first_name="فاطمة",
            father_name="أحمد",
            family_name="الحداد",
            phones="36001234",
            address="المحرق، مجمع 204",
            documents=[DocumentInput(kind="national_id", number="850123456")],
        ),
    )
    client = Client()
    client.force_login(user)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    return f"sessionid={client.cookies['sessionid'].value}", person.pk


def main() -> None:
    requests = int(os.environ.get("BENCH_REQUESTS", "300"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    concurrency = 4
    url = bench_database_url()
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "bh")
    cookie, pk = prepare(url)
    path = f"/people/{pk}/"
    variants = {"with_audit": "sanad.wsgi:application", "without_audit": "bench.wsgi_without_audit:application"}
    runs: dict[str, list[Result]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, app in variants.items():
            with server(url, app=app) as base:
                raw = load(base, path, cookie=cookie, requests=requests, concurrency=concurrency)
                runs[name].append(summarise(f"person_page_{name}", raw, concurrency))
    results = []
    for rs in runs.values():
        best = sorted(rs, key=lambda r: r.requests_per_second)[len(rs) // 2]
        best.extra = {"rps_per_round": [r.requests_per_second for r in rs]}
        results.append(best)
    rps = {name: statistics.median(r.requests_per_second for r in rs) for name, rs in runs.items()}
    overhead = 1 - rps["with_audit"] / rps["without_audit"]
    out = write_results("audit_overhead", results, overhead_ratio=round(overhead, 3), rounds=rounds)
    for r in results:
        print(f"{r.name:32} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  {r.requests_per_second:6.1f} req/s")
    print(f"audit overhead: {overhead:.1%} of throughput (median of {rounds} alternating rounds)")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
