"""Benchmark harness: a real server in one process, load from another, JSON results.

Timings on a 2-core shared machine are noisy: every figure is a median or a percentile over many
requests, and comparisons are reported as ratios measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def bench_database_url() -> str:
    """The server of DATABASE_URL (or the embedded one), database ``sanad_bench``: never the dev data."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.path.insert(0, str(ROOT))
        from sanad.embedded_db import embedded_database_url

        return embedded_database_url("sanad_bench")
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'sanad_bench'").fetchone():
            conn.execute('CREATE DATABASE "sanad_bench"')
    return urlunsplit(parts._replace(path="/sanad_bench"))


def _bench_keys() -> dict[str, str]:
    """Encryption keys for the benchmark database, made once under var/bench (never the dev keys)."""
    import base64
    import secrets

    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "keys.env"
    if not path.exists():
        enc = base64.b64encode(secrets.token_bytes(32)).decode()
        idx = base64.b64encode(secrets.token_bytes(32)).decode()
        path.write_text(f"SANAD_ENCRYPTION_KEYS=b1:{enc}\nSANAD_BLIND_INDEX_KEY={idx}\n")
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line)


def ensure_same_keys(url: str) -> None:
    """Refuse a benchmark database filled under other encryption keys (another checkout's
    var/bench/keys.env): its ciphertexts would not decrypt, and the benchmark would fail midway or
    measure errors. The database remembers a fingerprint of the keys it was filled with."""
    import hashlib

    import psycopg

    keys = _bench_keys()
    fingerprint = hashlib.sha256(
        (keys["SANAD_ENCRYPTION_KEYS"] + "|" + keys["SANAD_BLIND_INDEX_KEY"]).encode()
    ).hexdigest()[:16]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS sanad_bench_keys (fingerprint text NOT NULL)")
        row = conn.execute("SELECT fingerprint FROM sanad_bench_keys").fetchone()
        if row is None:
            conn.execute("INSERT INTO sanad_bench_keys VALUES (%s)", [fingerprint])
        elif row[0] != fingerprint:
            database = urlsplit(url).path.lstrip("/")
            sys.exit(
                f"the benchmark database {database} was filled under other encryption keys than "
                f"{ROOT / 'var' / 'bench' / 'keys.env'}; drop it (dropdb {database}) to rebuild it, "
                "or restore the keys it was made with"
            )


def bench_env(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_bench_keys())
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="sanad.settings",
        SECRET_KEY=env.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(url: str, *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=bench_env(url), check=True, capture_output=True, text=True
    )
    return out.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    url: str,
    *,
    workers: int = 2,
    threads: int = 4,
    extra_env: dict[str, str] | None = None,
    app: str = "sanad.wsgi:application",
) -> Any:
    """Gunicorn on a free loopback port, as `make run` starts it; stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [
            os.path.join(os.path.dirname(PYTHON), "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench_env(url, **(extra_env or {})),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass
class Result:
    name: str
    requests: int
    concurrency: int
    median_ms: float
    p95_ms: float
    requests_per_second: float
    errors: int
    queries_per_request: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load(
    base: str,
    path: str,
    *,
    cookie: str,
    requests: int,
    concurrency: int,
    method: str = "GET",
    body_file: str = "",
    headers: list[str] | None = None,
    expect: int = 200,
) -> dict[str, Any]:
    """Run the load generator in its own process so it does not share the GIL with anything else."""
    extra = ["--method", method, "--expect", str(expect)]
    extra += ["--body-file", body_file] if body_file else []
    for header in headers or []:
        extra += ["--header", header]
    out = subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.load",
            base + path,
            "--cookie",
            cookie,
            "--requests",
            str(requests),
            "--concurrency",
            str(concurrency),
            *extra,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def summarise(name: str, raw: dict[str, Any], concurrency: int, queries: int | None = None) -> Result:
    latencies = sorted(raw["latencies_ms"])
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("nan")
    return Result(
        name=name,
        requests=len(latencies),
        concurrency=concurrency,
        median_ms=round(statistics.median(latencies), 2) if latencies else float("nan"),
        p95_ms=round(p95, 2),
        requests_per_second=round(len(latencies) / raw["wall_seconds"], 1),
        errors=raw["errors"],
        queries_per_request=queries,
    )


def write_results(benchmark: str, results: list[Result], **notes: Any) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{benchmark}.json"
    payload = {
        "benchmark": benchmark,
        "at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(r) for r in results],
        **notes,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
