from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

OPEN = models.Q(("status__in", ["sent", "received", "accepted", "in_progress"]))


class Migration(migrations.Migration):
    # Built concurrently: referrals keep arriving while a country's table grows.
    atomic = False

    dependencies = [
        ("referrals", "0004_referral_next_due_at"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(condition=OPEN, fields=["to_unit", "next_due_at"], name="referral_inbox_due"),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(condition=OPEN, fields=["from_unit", "next_due_at"], name="referral_outbox_due"),
        ),
    ]
