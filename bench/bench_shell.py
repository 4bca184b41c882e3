"""Home page and institution list under load from a second process (issue 2)."""

from __future__ import annotations

import os
import sys
from typing import Any

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


def session_cookie_and_queries(url: str, paths: list[str]) -> tuple[str, dict[str, int]]:
    """Log a bench user in (in-process Django) and count the queries each page issues."""
    from bench.harness import bench_env

    os.environ.update(bench_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sanad.accounts.models import User
    from sanad.institutions.models import Membership, Unit
    from sanad.testing.auth import sign_in

    user, _ = User.objects.get_or_create(username="bench-intake")
    unit = Unit.objects.get(institution__code="police-muharraq", code="fpo")
    Membership.objects.get_or_create(user=user, unit=unit, role="intake_officer", is_active=True)
    client = sign_in(Client(), user)  # password and second factor, as a real user's session
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
        counts[path] = len(ctx.captured_queries)
    return f"sessionid={client.cookies['sessionid'].value}", counts


def main(argv: list[str] | None = None) -> None:
    requests = int(os.environ.get("BENCH_REQUESTS", "400"))
    concurrency = 4
    url = bench_database_url()
    ensure_same_keys(url)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "load_country_pack", "bh")
    paths = {
        "home": "/",
        "institution_list": "/institutions/",
        "institution_list_filtered": "/institutions/?sector=police",
    }
    cookie, queries = session_cookie_and_queries(url, list(paths.values()))
    results: list[Result] = []
    extra: dict[str, Any] = {}
    with server(url) as base:
        for name, path in paths.items():
            raw = load(base, path, cookie=cookie, requests=requests, concurrency=concurrency)
            results.append(summarise(name, raw, concurrency, queries[path]))
    out = write_results("shell", results, **extra)
    for r in results:
        print(
            f"{r.name:28} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  {r.requests_per_second:6.1f} req/s  "
            f"{r.queries_per_request} queries  errors {r.errors}"
        )
    print(f"results: {out}")


if __name__ == "__main__":
    main()
