"""Load the country's starter strategy (``sanad/strategy/data/<country>-*.yaml``) or a given file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.institutions.models import Country, Membership
from sanad.institutions.roles import Role
from sanad.strategy.models import Strategy, StrategyStatus
from sanad.strategy.services import refresh_computed, round_open, starter_files, strategy_load_file


class Command(BaseCommand):
    help = "Load a national strategy written as data (the country's starter strategy by default). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("country", help="country code of a loaded pack, e.g. bh")
        parser.add_argument("--file", help="a strategy YAML file instead of the shipped starter strategy")
        parser.add_argument(
            "--demo-round",
            action="store_true",
            help="demo mode only: open a round for the current half year as the demo national administrator",
        )

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
        if options["demo_round"]:
            self._demo_round(country)

    def _demo_round(self, country: Country) -> None:
        if not settings.SANAD_DEMO_MODE:
            raise CommandError("a demo round is opened only with SANAD_DEMO_MODE=1")
        council = (
            Membership.objects.current()
            .filter(role=Role.NATIONAL_ADMIN, unit__institution__country=country)
            .select_related("user", "unit__institution")
            .order_by("pk")
            .first()
        )
        strategy = Strategy.objects.filter(country=country, status=StrategyStatus.ACTIVE).first()
        if council is None or strategy is None:
            raise CommandError("load the demo users and a strategy in force first")
        today = timezone.localdate()
        first_half = today.month <= 6
        start = dt.date(today.year, 1 if first_half else 7, 1)
        end = dt.date(today.year, 6, 30) if first_half else dt.date(today.year, 12, 31)
        if strategy.rounds.filter(period_start=start, period_end=end).exists():
            return
        name = f"{'النصف الأول' if first_half else 'النصف الثاني'} {today.year}"
        actor = Actor(user=council.user, membership=council, system="load_strategy")
        rnd = round_open(
            actor=actor,
            strategy=strategy,
            name=name,
            period_start=start,
            period_end=end,
            due_on=end + dt.timedelta(days=30),
        )
        refresh_computed(round_id=rnd.pk)
        self.stdout.write(f"demo round {rnd.name}: {rnd.submissions.count()} forms")
