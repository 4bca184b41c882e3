from __future__ import annotations

from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection


@app.periodic(cron="40 2 * * *", periodic_id="strategy-refresh")
@app.task(queue="housekeeping", queueing_lock="strategy_refresh", pass_context=False)
@releases_db_connection
def refresh_strategy_indicators(timestamp: int | None = None) -> int:
    """Nightly: today's snapshot of every computed indicator for the periods of the open rounds."""
    from sanad.strategy.services import refresh_computed

    return refresh_computed()


@app.task(queue="housekeeping", pass_context=False)
@releases_db_connection
def refresh_round_indicators(round_id: int) -> int:
    """When a round opens: its computed indicators at once, not at night."""
    from sanad.strategy.services import refresh_computed

    return refresh_computed(round_id=round_id)


@app.periodic(cron="10 6 * * *", periodic_id="strategy-reminders")
@app.task(queue="housekeeping", queueing_lock="strategy_reminders", pass_context=False)
@releases_db_connection
def strategy_reminders(timestamp: int | None = None) -> list[int]:
    """Daily: reminders a week before forms are due, and overdue forms to their institution and the council."""
    from sanad.strategy.services import send_reminders

    reminded, overdue = send_reminders()
    return [reminded, overdue]
