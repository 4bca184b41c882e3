"""`generate_person_file`: a synthetic, labelled person file for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanad.people.synthetic import generate_records, write_generated_file


class Command(BaseCommand):
    help = "Write a synthetic person CSV (and the true person of each record) for linkage tests."
    requires_system_checks: list[str] = []  # no database needed

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--records", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--truth", type=Path, help="record_id,person_id,script")

    def handle(self, *args: Any, records: int, seed: int, output: Path, truth: Path | None, **options: Any) -> None:
        generated = generate_records(records=records, seed=seed)
        write_generated_file(generated, output=output, truth=truth)
        persons = len({person for _, person, _ in generated.truth})
        self.stdout.write(f"records: {len(generated.rows)}, persons: {persons}")
