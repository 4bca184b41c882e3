"""Load the country's starter strategy (``sanad/strategy/data/<country>-*.yaml``) or a given file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanad.access.actor import Actor
from sanad.institutions.models import Country
from sanad.strategy.services import starter_files, strategy_load_file


class Command(BaseCommand):
    help = "Load a national strategy written as data (the country's starter strategy by default). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("country", help="country code of a loaded pack, e.g. bh")
        parser.add_argument("--file", help="a strategy YAML file instead of the shipped starter strategy")

    def handle(self, *args: Any, **options: Any) -> None:
        country = Country.objects.filter(code=options["country"]).first()
        if country is None:
            raise CommandError(f"country {options['country']!r} is not loaded; run load_country_pack first")
        files = [Path(options["file"])] if options["file"] else starter_files(country.code)
        if not files:
            raise CommandError(f"no starter strategy for {country.code!r}")
        actor = Actor.for_system("load_strategy")
        for path in files:
            try:
                strategy = strategy_load_file(actor=actor, country=country, path=path)
            except (ValidationError, KeyError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(f"{strategy.code}: {strategy.indicators.count()} indicators")
