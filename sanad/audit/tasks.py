from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from sanad.audit.verification import verify_all
from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.periodic(cron="7 * * * *", periodic_id="verify-audit")
@app.task(queue="housekeeping", queueing_lock="verify_audit", pass_context=False)
@releases_db_connection
def verify_audit_chains(timestamp: int | None = None) -> int:
    """Hourly: recompute every chain; a break is logged at CRITICAL for the operators' alerting and
    every auditor gets a notice."""
    from sanad.notices.models import NoticeKind
    from sanad.notices.services import auditors, notify

    _, breaks = verify_all()
    for broken in breaks:
        logger.critical("audit trail broken: %s", broken)
        notify(recipients=auditors(), kind=NoticeKind.AUDIT_BROKEN, params={"problem": str(broken)})
    return len(breaks)
