from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_referrals_consent_standards_breaches"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="urgency_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(then=models.Value(0), urgency="immediate"),
                    models.When(then=models.Value(1), urgency="urgent"),
                    models.When(then=models.Value(2), urgency="routine"),
                    default=models.Value(3),
                ),
                output_field=models.SmallIntegerField(),
            ),
        ),
    ]
