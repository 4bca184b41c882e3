"""The fact refresh job: deferred on commit of every change (``queue_refresh``) and every minute as a
safety net (a lost deferral, or rows queued by COPY, which defers nothing). The dashboards'
aggregates are recounted by their own job, so a worker running two jobs at once (``make run``) keeps
bringing new cases into the facts while a year's unique survivors are recounted."""

from __future__ import annotations

import contextlib
import logging

from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="statistics-refresh")
@app.task(queue="statistics", queueing_lock="statistics_refresh", pass_context=False)
@releases_db_connection
def refresh_statistics(timestamp: int | None = None, reason: str = "") -> int:
    from sanad.statistics.facts import drain

    total = 0
    while taken := drain():
        total += taken
    if total:
        logger.info("statistics: %s changed source rows refreshed", total)
        # A savepoint: a recount already queued refuses this one with a unique violation, which would
        # otherwise abort a caller's surrounding transaction (the strategy's refresh drains inside one).
        with contextlib.suppress(AlreadyEnqueued), transaction.atomic():
            refresh_statistics_aggregates.defer(reason="facts")
    return total


@app.periodic(cron="* * * * *", periodic_id="statistics-aggregates")
# lock: a second recount waits in the queue, not in a worker slot (where a drain would wait behind it).
@app.task(queue="statistics", queueing_lock="statistics_aggregates", lock="statistics_aggregates", pass_context=False)
@releases_db_connection
def refresh_statistics_aggregates(timestamp: int | None = None, reason: str = "") -> int:
    """Recount the aggregates of the months whose facts changed (marked stale by triggers)."""
    from sanad.statistics.facts import refresh_aggregates

    months = refresh_aggregates()
    if months:
        logger.info("statistics: aggregates of %s stale months recounted", months)
    return months
