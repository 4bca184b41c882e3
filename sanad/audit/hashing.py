"""How an audit row is hashed. Changing this breaks every existing chain: never edit, only version."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "chain",
    "seq",
    "occurred_at",
    "user_id",
    "username",
    "membership_id",
    "unit_id",
    "institution_id",
    "role",
    "system",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "ip",
    "user_agent",
    "details",
    "prev_hash",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def row_hash(values: dict[str, Any]) -> str:
    payload = {name: _canonical(values.get(name)) for name in HASHED_FIELDS}
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
