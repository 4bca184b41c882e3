from __future__ import annotations

import logging

from django.utils import timezone
from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.periodic(cron="*/5 * * * *", periodic_id="referral-deadline-scan")
@app.task(queue="referrals", queueing_lock="referral_deadline_scan", pass_context=False)
@releases_db_connection
def scan_referral_deadlines(timestamp: int | None = None) -> dict[str, int]:
    """Every five minutes: new breaches to the receivers' supervisors, overdue ones to the coordinator."""
    from sanad.referrals.deadlines import scan

    result = scan(now=timezone.now())
    if result.breaches or result.escalated:
        logger.warning(
            "referral deadlines: %s new breaches, %s escalated, %s resolved",
            result.breaches,
            result.escalated,
            result.resolved,
        )
    return {"breaches": result.breaches, "escalated": result.escalated, "resolved": result.resolved}
