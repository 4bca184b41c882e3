from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.task(queue="notifications", pass_context=False, retry=10)
@releases_db_connection
def notify_record_opened(*, grant_id: int) -> None:
    """Break-glass or unseal: the owner unit's supervisors and the auditors are told at once.

    Until the in-app inbox lands (referrals issue), the notice is the audit row plus this log line at
    WARNING, which operators route to the auditors' alerting; the job exists so the delivery point is
    already transactional and retried.
    """
    from sanad.access.models import AccessGrant

    grant = AccessGrant.objects.select_related("content_type", "user").get(pk=grant_id)
    logger.warning(
        "record opened: %s %s:%s by user %s until %s",
        grant.kind,
        grant.content_type.model,
        grant.object_id,
        grant.user_id,
        grant.expires_at,
    )
