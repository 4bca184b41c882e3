"""The worklists' default order as an index, built concurrently (a million cases stay writable)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0010_case_survivor_words"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(fields=["-created_at", "id"], name="case_newest"),
        ),
    ]
