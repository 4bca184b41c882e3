"""Model fields that store encrypted text."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from sanad.crypto.cipher import Secret, decrypt, encrypt


class EncryptedTextField(models.BinaryField):
    """Text encrypted with the primary key on every save; decrypted on load.

    It cannot be filtered, ordered or searched by the database: that is the point. Exact lookups
    go through a blind index; name search uses separate normalised keys that are not the value.
    """

    description = "Encrypted text"
    empty_values = [None, ""]

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        # ``purpose`` is bound into every ciphertext as associated data. It is a fixed name, not the
        # model's label, so history tables (pghistory copies the bytes) and renamed models still
        # decrypt, while a value moved into a column of another purpose does not.
        self.purpose = purpose
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def context(self) -> str:
        return self.purpose

    def from_db_value(self, value: Any, expression: Expression, connection: BaseDatabaseWrapper) -> Secret | None:
        if value is None:
            return None
        return decrypt(bytes(value), context=self.context())

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return decrypt(bytes(value), context=self.context())

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, memoryview | bytes):
            return bytes(value)
        return encrypt(str(value), context=self.context())

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata, fixtures) must not write plaintext.
        return "«encrypted»"

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {"form_class": forms.CharField, "widget": forms.Textarea}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
