"""`make bench`: run every benchmark (or those named in BENCH_ONLY) and write JSON under bench/results/."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

BENCHMARKS = [
    "bench_shell",
    "bench_audit",
    "bench_linkage",
    "bench_search",
    "bench_cases",
    "bench_referrals",
    "bench_statistics",
]


def main() -> None:
    only = [b for b in os.environ.get("BENCH_ONLY", "").split(",") if b]
    chosen = [b for b in BENCHMARKS if not only or b in only or b.removeprefix("bench_") in only]
    failed = []
    for name in chosen:
        print(f"== {name}", flush=True)
        # Each benchmark in its own interpreter: Django is configured per benchmark.
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        if code:
            failed.append(name)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")
    importlib.invalidate_caches()


if __name__ == "__main__":
    main()
