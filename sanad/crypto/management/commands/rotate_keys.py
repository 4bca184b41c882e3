from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanad.crypto.keys import key_ring
from sanad.crypto.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the primary key (the first of SANAD_ENCRYPTION_KEYS), "
        "in batches; old keys may be removed once this reports nothing left to move."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        primary = key_ring().primary_id
        self.stdout.write(f"primary key: {primary}")
        counts = rotate_all(batch_size=batch_size, progress=lambda label, n: self.stdout.write(f"{label}: {n}"))
        self.stdout.write(f"re-encrypted {sum(counts.values())} value(s)")
