"""Housekeeping jobs run by the procrastinate worker."""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone
from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.periodic(cron="*/15 * * * *", periodic_id="purge-expired-sessions")
@app.task(queue="housekeeping", queueing_lock="purge_expired_sessions", pass_context=False)
@releases_db_connection
def purge_expired_sessions(timestamp: int | None = None) -> int:
    """Remove sessions past their expiry so a stolen old cookie is worth nothing and the table stays small."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("purged %s expired sessions", deleted)
    return deleted
