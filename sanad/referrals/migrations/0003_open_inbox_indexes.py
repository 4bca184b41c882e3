from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

OPEN = models.Q(("status__in", ["sent", "received", "accepted", "in_progress"]))


class Migration(migrations.Migration):
    # Built concurrently: referrals keep arriving while a country's table grows.
    atomic = False

    dependencies = [
        ("referrals", "0002_referral_urgency_rank"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                condition=OPEN, fields=["to_unit", "urgency_rank", "sent_at", "id"], name="referral_inbox_open"
            ),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                condition=OPEN, fields=["from_unit", "urgency_rank", "sent_at", "id"], name="referral_outbox_open"
            ),
        ),
    ]
