"""Exact-word search on the name keys (short phonetic keys cannot use the trigram index). Built
concurrently so a live registry keeps taking writes while the index is made."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("people", "0003_linkagerun_personidentity_personmerge_linkcandidate")]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(
                    models.F("name_key"),
                    models.Value(" "),
                    function="string_to_array",
                    output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                name="person_name_words",
            ),
        ),
    ]
