"""A referral's missed deadline changes its facts without changing the referral row: the periodic
deadline scan records a ``referrals_breach`` row, and only then is "not acknowledged within the
standard" true. Queue the referral when one of its breaches is written, so the share within the
standard (read by the national strategy too) does not wait for the referral's next change."""

from django.db import migrations

FORWARD = []
BACKWARD = []
for event, rows in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
    name = f"statistics_queue_referrals_breach_{event.lower()}"
    FORWARD.append(
        f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO statistics_queuedchange (kind, source_id, queued_at)
  SELECT DISTINCT 'referral', referral_id, now() FROM {rows}_rows WHERE referral_id IS NOT NULL
  ON CONFLICT (kind, source_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON referrals_breach
  REFERENCING {rows.upper()} TABLE AS {rows}_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""  # noqa: S608 - fixed names
    )
    BACKWARD.append(f"DROP TRIGGER IF EXISTS {name} ON referrals_breach; DROP FUNCTION IF EXISTS {name}();")


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0004_court_order_queue_triggers"),
        ("referrals", "0005_due_indexes"),
    ]

    operations = [migrations.RunSQL("\n".join(FORWARD), "\n".join(BACKWARD))]
