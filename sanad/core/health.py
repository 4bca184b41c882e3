"""What /healthz reports: can we reach the database, and is a worker alive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone


def database_state() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the class name is enough
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def worker_state() -> dict[str, Any]:
    """A worker is alive when one has beaten its heart recently (procrastinate_workers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(last_heartbeat) FROM procrastinate_workers")
            row = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    last = row[0] if row else None
    if last is None:
        return {"ok": False, "last_heartbeat": None}
    fresh = timezone.now() - last <= dt.timedelta(seconds=settings.SANAD_WORKER_STALE_SECONDS)
    return {"ok": fresh, "last_heartbeat": last.isoformat()}


def health() -> tuple[dict[str, Any], bool]:
    db = database_state()
    worker = worker_state() if db["ok"] else {"ok": False, "error": "database unavailable"}
    healthy = bool(db["ok"] and worker["ok"])
    return {"status": "ok" if healthy else "unavailable", "database": db, "worker": worker}, healthy
