"""What auditing every read costs (issue 3): a person's page, with and without the audit write.

The two variants run in alternating rounds on the same machine so drift hits both; the figure that
matters is the ratio of their median throughputs.
"""

from __future__ import annotations

import os
import statistics
import sys

from bench.harness import (
    ROOT,
    Result,
    bench_database_url,
    ensure_same_keys,
    load,
    manage,
    server,
    summarise,
    write_results,
)


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
    from sanad.testing.auth import sign_in

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
    client = sign_in(Client(), user)  # password and second factor, as a real user's session
    assert client.get(f"/people/{person.pk}/").status_code == 200
    return f"sessionid={client.cookies['sessionid'].value}", person.pk


def main() -> None:
    requests = int(os.environ.get("BENCH_REQUESTS", "120"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "10"))
    concurrency = 4
    url = bench_database_url()
    ensure_same_keys(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "bh")
    cookie, pk = prepare(url)
    path = f"/people/{pk}/"
    from sanad.audit.models import AuditEvent

    def reads() -> int:
        return AuditEvent.objects.filter(action="person.view", object_id=str(pk)).count()

    names = ("with_audit", "without_audit")
    runs: dict[str, list[Result]] = {name: [] for name in names}
    audited: dict[str, int] = dict.fromkeys(names, 0)
    ratios = []
    # Both servers stay up and take short batches in turn (AB, BA, AB...), so a burst of other work
    # on this shared 2-core machine hits both variants alike; the figure is the median of the
    # per-round throughput ratios, not a ratio of two long runs taken minutes apart.
    with (
        server(url, app="sanad.wsgi:application") as with_audit,
        server(url, app="bench.wsgi_without_audit:application") as without_audit,
    ):
        bases = {"with_audit": with_audit, "without_audit": without_audit}
        for name in names:  # warm both
            load(bases[name], path, cookie=cookie, requests=20, concurrency=concurrency)
        for i in range(rounds):
            rps = {}
            for name in names if i % 2 == 0 else reversed(names):
                before = reads()
                raw = load(bases[name], path, cookie=cookie, requests=requests, concurrency=concurrency)
                audited[name] += reads() - before
                result = summarise(f"person_page_{name}", raw, concurrency)
                runs[name].append(result)
                rps[name] = result.requests_per_second
            ratios.append(rps["with_audit"] / rps["without_audit"])
    # The comparison means something only if one variant wrote a row per read and the other none.
    assert audited["with_audit"] >= rounds * requests, audited
    assert audited["without_audit"] == 0, audited
    results = []
    for rs in runs.values():
        middle = sorted(rs, key=lambda r: r.requests_per_second)[len(rs) // 2]
        middle.extra = {"rps_per_round": [r.requests_per_second for r in rs]}
        results.append(middle)
    overhead = 1 - statistics.median(ratios)
    out = write_results(
        "audit_overhead",
        results,
        overhead_ratio=round(overhead, 3),
        throughput_ratio_per_round=[round(r, 3) for r in ratios],
        rounds=rounds,
        audited_reads=audited,
    )
    for r in results:
        print(f"{r.name:32} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  {r.requests_per_second:6.1f} req/s")
    print(f"audit overhead: {overhead:.1%} of throughput (median of {rounds} interleaved rounds' ratios)")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
