"""The fact refresh job: deferred on commit of every change (``queue_refresh``) and every minute as a
safety net (a lost deferral, or rows queued by COPY, which defers nothing)."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="statistics-refresh")
@app.task(queue="statistics", queueing_lock="statistics_refresh", pass_context=False)
@releases_db_connection
def refresh_statistics(timestamp: int | None = None, reason: str = "") -> int:
    from sanad.statistics.facts import drain, refresh_aggregates

    total = 0
    while taken := drain():
        total += taken
    # Months marked stale without a queued change (facts written directly, a migration) catch up here.
    refresh_aggregates()
    if total:
        logger.info("statistics: %s changed source rows refreshed", total)
    return total
