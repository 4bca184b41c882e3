from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanad.accounts.models import User
from sanad.api.services import api_token_create
from sanad.institutions.models import Membership


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--membership", type=int, help="id of the membership the system acts for")

    def handle(self, *args: Any, username: str, name: str, membership: int | None, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        chosen = None
        if membership is not None:
            chosen = Membership.objects.filter(pk=membership, user=user).first()
            if chosen is None:
                raise CommandError(f"user {username!r} has no membership {membership}")
        _, raw = api_token_create(user=user, name=name, membership=chosen)
        self.stdout.write(raw)
