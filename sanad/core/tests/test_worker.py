"""The real path: a job deferred in a transaction is picked up by a real procrastinate worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from sanad.core.tasks import purge_expired_sessions


@pytest.mark.django_db(transaction=True)
def test_deferred_job_runs_in_the_worker_and_a_rolled_back_one_never_exists() -> None:
    Session.objects.create(session_key="y" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(RuntimeError), transaction.atomic():
        purge_expired_sessions.configure(queueing_lock=None).defer()
        raise RuntimeError("the change failed")
    with transaction.atomic():
        job_id = purge_expired_sessions.defer()
    # As `manage.py procrastinate worker` does: the worker gets its own psycopg connector.
    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        worker_app.run_worker(queues=["housekeeping"], wait=False, install_signal_handlers=False, listen_notify=False)
    assert not Session.objects.exists()
    from procrastinate.contrib.django.models import ProcrastinateJob

    # The worker may also have queued the periodic run of the same task; only ours is asserted here,
    # and no job was left from the rolled-back transaction.
    assert ProcrastinateJob.objects.get(pk=job_id).status == "succeeded"
    assert not ProcrastinateJob.objects.exclude(pk=job_id).filter(args={}).exists()


def test_the_purge_is_registered_as_periodic() -> None:
    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert "sanad.core.tasks.purge_expired_sessions" in periodic
