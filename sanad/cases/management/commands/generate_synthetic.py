from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.cases.synthetic import generate_cases


class Command(BaseCommand):
    help = "Generate realistic synthetic reports, persons, incidents, cases and risk assessments (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="how many reports to generate")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--country", default="bh")
        parser.add_argument("--years", type=int, default=3, help="spread the reports over this many past years")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        try:
            summary = generate_cases(
                country_code=options["country"], cases=options["cases"], seed=options["seed"], years=options["years"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.reports} reports, {summary.cases} cases, {summary.assessments} assessments, "
            f"{summary.closed} closed"
        )
