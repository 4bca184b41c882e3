from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.cases.synthetic import generate_cases
from sanad.cases.synthetic_bulk import generate_cases_bulk

# Up to this many, the services write every row (validated and audited one by one, as real work);
# beyond it, the bulk path (COPY) — a million through the services would take days.
SERVICES_UP_TO = 500


class Command(BaseCommand):
    help = "Generate realistic synthetic reports, persons, incidents, cases and risk assessments (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="how many cases (reports, through the services)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--country", default="bh")
        parser.add_argument("--years", type=int, default=3, help="spread the reports over this many past years")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes for the bulk path (default: CPUs)"
        )
        parser.add_argument(
            "--method",
            choices=("auto", "services", "bulk"),
            default="auto",
            help=f"services (every row through the services) or bulk (COPY); auto: services up to {SERVICES_UP_TO}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        method = options["method"]
        if method == "auto":
            method = "services" if options["cases"] <= SERVICES_UP_TO else "bulk"
        try:
            if method == "bulk":
                bulk = generate_cases_bulk(
                    country_code=options["country"],
                    cases=options["cases"],
                    seed=options["seed"],
                    years=options["years"],
                    workers=max(1, options["workers"]),
                    progress=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
                )
                self.stdout.write(
                    f"{bulk.reports} reports, {bulk.cases} cases, {bulk.persons} persons, {bulk.assessments} "
                    f"assessments, {bulk.services} services, {bulk.closed} closed, {bulk.timeline} timeline "
                    f"entries in {bulk.seconds} s ("
                    + ", ".join(f"{name} {seconds} s" for name, seconds in bulk.phases.items())
                    + ")"
                )
                return
            summary = generate_cases(
                country_code=options["country"], cases=options["cases"], seed=options["seed"], years=options["years"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.reports} reports, {summary.cases} cases, {summary.assessments} assessments, "
            f"{summary.closed} closed"
        )
