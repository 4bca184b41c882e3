"""Re-encrypting every value that is not under the primary key, in batches, without downtime:
old keys stay readable until rotation is done, so readers never see a gap."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

import pgtrigger
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model

from sanad.crypto.cipher import decrypt, encrypt, key_id_of
from sanad.crypto.fields import EncryptedTextField, encrypted_fields
from sanad.crypto.keys import key_ring


def _history_triggers(model: type[Model]) -> list[str]:
    """pghistory triggers on the table: a rotation is not a change of the record and must not add
    history rows (which would also copy every ciphertext once more)."""
    return [f"{model._meta.label}:{t.name}" for t in getattr(model._meta, "triggers", [])]


def rotate_field(model: type[Model], field: EncryptedTextField, *, batch_size: int = 500) -> int:
    primary = key_ring().primary_id
    table, pk, column = model._meta.db_table, str(model._meta.pk.column), str(field.column)
    quote = connection.ops.quote_name
    select = (
        f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608 - identifiers from model meta
        f"WHERE {quote(column)} IS NOT NULL AND {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s"
    )
    update = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s"  # noqa: S608
    last: int | str | None = None
    changed = 0
    while True:
        with transaction.atomic(), ExitStack() as stack:
            for uri in _history_triggers(model):
                stack.enter_context(pgtrigger.ignore(uri))
            with connection.cursor() as cursor:
                cursor.execute(select, [last if last is not None else _minimum(model), batch_size])
                rows = cursor.fetchall()
                for pk_value, blob in rows:
                    blob = bytes(blob)
                    if key_id_of(blob) != primary:
                        fresh = encrypt(decrypt(blob, context=field.purpose), context=field.purpose)
                        cursor.execute(update, [fresh, pk_value])
                        changed += 1
        if len(rows) < batch_size:
            return changed
        last = rows[-1][0]


def _minimum(model: type[Model]) -> int | str:
    internal = model._meta.pk.get_internal_type()
    return -1 if "Integer" in internal or "Auto" in internal else ""


def rotate_all(*, batch_size: int = 500, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model in apps.get_models():
        for field in encrypted_fields(model):
            label = f"{model._meta.label}.{field.name}"
            counts[label] = rotate_field(model, field, batch_size=batch_size)
            if progress is not None:
                progress(label, counts[label])
    return counts
