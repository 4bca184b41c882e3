"""`link_persons`: link a standalone CSV of person records, without touching the database."""

from __future__ import annotations

import csv
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.people.linkage import LinkageSettings, link_records
from sanad.people.person_file import PersonFileRefused, read_person_file


class Command(BaseCommand):
    help = "Link person records in a CSV file into persons; writes record_id,cluster_id. Needs no database."
    requires_system_checks: list[str] = []  # the checks would open a DB connection
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="UTF-8 CSV with a record_id column")
        parser.add_argument("--output", required=True, type=Path, help="where to write record_id,cluster_id")
        parser.add_argument("--max-block-size", type=int, default=LinkageSettings().max_block_size)

    def handle(self, *args: Any, input: Path, output: Path, max_block_size: int, **options: Any) -> None:
        started = time.perf_counter()
        interactive = sys.stdout.isatty() and getattr(self.stdout, "_out", sys.stdout) is sys.stdout

        def progress(message: str) -> None:
            if interactive:
                self.stdout.write(f"… {message} ({time.perf_counter() - started:.1f}s)")

        if not input.is_file():
            raise CommandError(f"{input}: no such file")
        progress(f"reading {input}")
        # A million small records and no reference cycles: the cyclic collector would only rescan them.
        gc.disable()
        try:
            person_file = read_person_file(input)
            result = link_records(
                person_file.records, settings=LinkageSettings(max_block_size=max_block_size), progress=progress
            )
        except PersonFileRefused as refused:
            raise CommandError(f"{input}: refused at line {refused.line}: {refused.reason}; nothing written") from None
        finally:
            gc.enable()
        progress(f"writing {output}")
        self._write_atomically(
            output, [(r.record_id, int(c)) for r, c in zip(person_file.records, result.labels.tolist(), strict=True)]
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"records: {len(person_file.records)}, clusters: {result.n_clusters}, "
            f"malformed dates read as missing: {len(person_file.malformed_dates)}, seconds: {seconds:.1f}"
        )

    @staticmethod
    def _write_atomically(output: Path, rows: list[tuple[str, int]]) -> None:
        """Write beside the target and rename, so a failure never leaves a partial output."""
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            "w", encoding="utf-8", newline="", dir=output.parent or Path("."), prefix=f".{output.name}.", delete=False
        )
        try:
            with handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id", "cluster_id"])
                writer.writerows(rows)
            os.replace(handle.name, output)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
