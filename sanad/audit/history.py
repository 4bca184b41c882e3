"""A record's past states from its row history (pghistory): when, who, and what each change did.

The caller has already checked that the actor may read the record; past values are shown to those
who may see the present ones, and encrypted fields are decrypted the same way as on the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from sanad.accounts.models import User


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    username: str
    created: bool
    changes: list[FieldChange]


def row_history(obj: Model, *, fields: Sequence[str], limit: int = 50) -> list[HistoryEntry]:
    """Newest first. Only ``fields`` are compared: search keys and bookkeeping are not history."""
    events = list(obj.events.select_related("pgh_context").order_by("pgh_id"))  # type: ignore[attr-defined]
    user_ids = {(e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context_id}
    names: dict[Any, str] = dict(User.objects.filter(pk__in={u for u in user_ids if u}).values_list("pk", "username"))
    meta = type(obj)._meta
    entries = []
    previous = None
    for event in events:
        changes = [
            FieldChange(
                label=str(getattr(meta.get_field(name), "verbose_name", name)),
                before=_shown(previous, name) if previous else None,
                after=_shown(event, name),
            )
            for name in fields
            if previous is None or getattr(previous, name) != getattr(event, name)
        ]
        if previous is None or changes:
            user_id = (event.pgh_context.metadata or {}).get("user") if event.pgh_context_id else None
            entries.append(
                HistoryEntry(
                    at=event.pgh_created_at,
                    username=names.get(user_id, ""),
                    created=previous is None,
                    changes=[c for c in changes if c.after not in ("", None)] if previous is None else changes,
                )
            )
        previous = event
    return entries[::-1][:limit]


def _shown(event: Any, name: str) -> Any:
    display = getattr(event, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(event, name)
    return "" if value is None else str(value)


def history_context(actor: Any) -> Any:
    """Stamp row-history events written inside this block with the acting user and membership, so
    changes made through the API or a job say who made them as page requests do (the middleware)."""
    import pghistory

    user_id = actor.user.pk if actor.user is not None else None
    membership_id = actor.membership.pk if actor.membership is not None else None
    return pghistory.context(user=user_id, membership=membership_id)
