"""Linkage jobs run by the procrastinate worker."""

from __future__ import annotations

from procrastinate.contrib.django import app

from sanad.access.actor import Actor
from sanad.core.jobs import releases_db_connection


@app.periodic(cron="30 1 * * *", periodic_id="national-linkage")
@app.task(queue="linkage", queueing_lock="link_registry", pass_context=False)
@releases_db_connection
def link_registry_job(timestamp: int | None = None) -> int:
    """The national run over every person, nightly and on demand (one at a time: the queueing lock
    refuses a second). Nightly, because the weights should follow the registry as it grows."""
    from sanad.people.linking import link_registry

    return link_registry(actor=Actor.for_system("link_registry")).pk


@app.task(queue="linkage", pass_context=False, retry=5)
@releases_db_connection
def link_new_person_job(*, person_id: int) -> None:
    """A person was registered: link them against their blocking neighbours with the last model."""
    from sanad.people.linking import link_new_person

    link_new_person(actor=Actor.for_system("link_new_person"), person_id=person_id)
