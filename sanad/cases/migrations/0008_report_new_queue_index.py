from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: the reports table of a running country is large and takes writes all day.
    atomic = False

    dependencies = [
        ("cases", "0007_timeline_kinds_of_referrals_and_multiagency"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(
                condition=models.Q(("status", "new")),
                fields=["owner_unit", "-urgent", "received_at", "id"],
                name="report_new_queue",
            ),
        ),
    ]
