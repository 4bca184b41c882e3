from __future__ import annotations

from django.utils import timezone
from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection


@app.periodic(cron="*/15 * * * *", periodic_id="court-reminders")
@app.task(queue="courts", queueing_lock="court_reminders", pass_context=False)
@releases_db_connection
def court_reminders(timestamp: int | None = None) -> dict[str, int]:
    """Every quarter hour: orders take effect or expire on their dates; reminders before an order
    expires and before a session, each sent once."""
    from sanad.courts.reminders import run

    result = run(now=timezone.now())
    return {"in_force": result.in_force, "expired": result.expired, "reminders": result.reminders}
