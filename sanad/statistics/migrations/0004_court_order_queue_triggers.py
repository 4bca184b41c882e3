"""Triggers that queue a court order for the fact refresh whenever it, one of its visitation sessions,
one of its breaches or one of the fund's payments on it changes (same design as 0002)."""

from django.db import migrations

# table, the column holding the court order's id
SOURCES = [
    ("courts_courtorder", "id"),
    ("courts_visitsession", "order_id"),
    ("courts_orderbreach", "order_id"),
    ("courts_payment", "order_id"),
]


def _sql() -> tuple[str, str]:
    forward = []
    backward = []
    for table, column in SOURCES:
        for event, rows in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            name = f"statistics_queue_{table}_{event.lower()}"
            forward.append(
                f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO statistics_queuedchange (kind, source_id, queued_at)
  SELECT DISTINCT 'court_order', {column}, now() FROM {rows}_rows WHERE {column} IS NOT NULL
  ON CONFLICT (kind, source_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {rows.upper()} TABLE AS {rows}_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""  # noqa: S608 - fixed names
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();")
    return "\n".join(forward), "\n".join(backward)


FORWARD, BACKWARD = _sql()


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0003_court_order_facts"),
        ("courts", "0001_court_orders_sessions_payments_breaches"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
