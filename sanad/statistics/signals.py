"""Defer the refresh job when a transaction that changed a source row commits.

The triggers queue the change itself in the same transaction; this only wakes the worker sooner than
the periodic run. ``queueing_lock`` keeps at most one refresh waiting, however many saves."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from procrastinate.exceptions import AlreadyEnqueued

SOURCE_MODELS = (
    "cases.Report",
    "cases.Incident",
    "cases.ReportPerson",
    "cases.Case",
    "cases.ServiceDelivered",
    "cases.Appeal",
    "cases.AppealLogEntry",
    "referrals.Referral",
    "courts.CourtOrder",
    "courts.VisitSession",
    "courts.OrderBreach",
    "courts.Payment",
)
# Persons and linked identities are queued by their triggers too, but do not defer a job on their
# own: a registration already defers linkage, and the periodic run (every minute) picks them up.


def _defer() -> None:
    from sanad.statistics.tasks import refresh_statistics

    with contextlib.suppress(AlreadyEnqueued):
        # A named argument keeps these apart from the periodic runs (which pass a timestamp).
        refresh_statistics.defer(reason="change")


def queue_refresh(**_kwargs: Any) -> None:
    transaction.on_commit(_defer)


def connect() -> None:
    from django.apps import apps

    for label in SOURCE_MODELS:
        model = apps.get_model(label)
        post_save.connect(queue_refresh, sender=model, dispatch_uid=f"statistics-{label}-save")
        post_delete.connect(queue_refresh, sender=model, dispatch_uid=f"statistics-{label}-delete")
