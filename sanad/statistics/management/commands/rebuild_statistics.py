from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanad.statistics.facts import drain, rebuild_all, refresh_aggregates


class Command(BaseCommand):
    help = "Rebuild every statistics fact from the source records (after a bulk load or a new definitions version)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queued", action="store_true", help="only drain the queue of changed rows")
        parser.add_argument(
            "--aggregates",
            action="store_true",
            help="only recompute the dashboards' pre-aggregated counts from the facts as they are",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["aggregates"]:
            refresh_aggregates(everything=True)
            self.stdout.write("aggregates rebuilt from the facts")
            return
        if options["queued"]:
            total = 0
            while taken := drain():
                total += taken
            refresh_aggregates()
            self.stdout.write(f"{total} queued changes refreshed")
            return
        counts = rebuild_all()
        self.stdout.write(", ".join(f"{n} {kind} facts" for kind, n in counts.items()))
