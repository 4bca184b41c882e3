"""`link_registry`: the national linkage run over every person in the registry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanad.access.actor import Actor
from sanad.people.linkage import LinkageSettings
from sanad.people.linking import link_registry


class Command(BaseCommand):
    help = "Link every person in the registry: identities, review candidates, and the model for new persons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="queue the run for the worker instead")
        parser.add_argument("--max-block-size", type=int, default=LinkageSettings().max_block_size)

    def handle(self, *args: Any, queue: bool, max_block_size: int, **options: Any) -> None:
        if queue:
            from sanad.people.tasks import link_registry_job

            job_id = link_registry_job.defer()
            self.stdout.write(f"queued job {job_id}")
            return
        run = link_registry(
            actor=Actor.for_system("link_registry"), settings=LinkageSettings(max_block_size=max_block_size)
        )
        self.stdout.write(
            f"run {run.pk}: records {run.records}, identities {run.identities}, "
            f"review candidates {run.candidates}, seconds {sum(run.seconds.values()):.1f}"
        )
