from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.accounts.demo import load_demo_users


class Command(BaseCommand):
    help = "Create one demo user per role for the country (demo mode only) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("country", nargs="?", default="bh")

    def handle(self, *args: Any, country: str, **options: Any) -> None:
        if not settings.SANAD_DEMO_MODE:
            raise CommandError("demo users are loaded only with SANAD_DEMO_MODE=1")
        rows, password = load_demo_users(country)
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for row in rows:
            self.stdout.write(f"  {row['username']:<14} {row['role']:<24} {row['unit']}")
