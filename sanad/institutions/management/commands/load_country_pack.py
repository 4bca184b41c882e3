from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.institutions.pack_format import PackRefused
from sanad.institutions.packs import load_country_pack


class Command(BaseCommand):
    help = "Load a country pack (bh, jo, ae, or a path to a .yaml file). Idempotent; refuses a bad pack whole."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="country code (bh, jo, ae) or path to a pack file")

    def handle(self, *args: Any, pack: str, **options: Any) -> None:
        try:
            summary = load_country_pack(pack)
        except PackRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"pack refused: {len(refused.problems)} problem(s); nothing was loaded") from None
        for section, counts in summary.items():
            parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.stdout.write(f"{section}: {parts}")
