from __future__ import annotations

from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

ATTEMPTS = 12


@app.task(
    queue="notifications",
    pass_context=True,
    retry=RetryStrategy(max_attempts=ATTEMPTS, exponential_wait=2),
)
def deliver_notice_email(context: JobContext, *, delivery_id: int) -> bool:
    return _deliver(delivery_id, final_attempt=(context.job.attempts or 0) + 1 >= ATTEMPTS)


@releases_db_connection
def _deliver(delivery_id: int, *, final_attempt: bool) -> bool:
    from sanad.notices.email import deliver

    return deliver(delivery_id, final_attempt=final_attempt)
