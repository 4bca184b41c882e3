from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanad.audit.verification import chain_heads, verify_all


class Command(BaseCommand):
    help = "Verify every audit chain. Exit 0 when intact, 1 naming the first broken row of each broken chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export-heads", metavar="FILE", help="also write the chain heads (JSON) to FILE")

    def handle(self, *args: Any, export_heads: str | None = None, **options: Any) -> None:
        checked, breaks = verify_all()
        if export_heads:
            with open(export_heads, "w", encoding="utf-8") as out:
                json.dump(chain_heads(), out, indent=2)
        if breaks:
            for broken in breaks:
                self.stderr.write(f"BROKEN: {broken}")
            sys.exit(1)
        self.stdout.write(f"audit trail intact: {checked} rows verified")
