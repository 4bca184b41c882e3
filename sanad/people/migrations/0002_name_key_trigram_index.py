"""Substring search on the normalised name keys, cheap at millions of persons. Built concurrently
so a live registry keeps taking writes while the index is made."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("people", "0001_persons_and_documents")]
    operations = [
        TrigramExtension(),
        AddIndexConcurrently(
            "person", GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="person_name_key_trgm")
        ),
    ]
