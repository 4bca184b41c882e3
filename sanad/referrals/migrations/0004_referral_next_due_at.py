import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_open_inbox_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="next_due_at",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Least(
                    models.Case(models.When(acknowledged_at__isnull=True, then=models.F("acknowledge_due"))),
                    models.Case(models.When(first_contact_at__isnull=True, then=models.F("first_contact_due"))),
                    models.F("complete_due"),
                ),
                output_field=models.DateTimeField(null=True),
            ),
        ),
    ]
