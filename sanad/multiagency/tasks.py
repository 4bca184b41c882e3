from __future__ import annotations

from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection


@app.periodic(cron="17 * * * *", periodic_id="marac-overdue")
@app.task(queue="housekeeping", queueing_lock="marac_overdue", pass_context=False)
@releases_db_connection
def note_overdue_marac_actions(timestamp: int | None = None) -> int:
    """Hourly: overdue multi-agency actions go on their case's timeline and to whoever must act."""
    from sanad.multiagency.services import note_overdue_actions

    return note_overdue_actions()
