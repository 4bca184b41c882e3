"""Joins the court-order facts and the aggregates, built side by side: the court panels are
aggregated like every other panel, so writes to the court fact tables must mark their months stale
too, or a dashboard would read a court count older than its facts. Same triggers as 0004/0005."""

import importlib

from django.db import migrations

_triggers = importlib.import_module("sanad.statistics.migrations.0004_stale_month_triggers")
RAISE = "(country_id, month) DO UPDATE SET version = statistics_stalemonth.version + 1"
TABLES = [("statistics_courtorderfact", ("month",)), ("statistics_courteventfact", ("month",))]


def _sql() -> tuple[str, str]:
    forward, backward = [], []
    for table, columns in TABLES:
        for event, tables in (("INSERT", ("new",)), ("UPDATE", ("old", "new")), ("DELETE", ("old",))):
            name = f"{table}_stale_{event.lower()}"
            body = "\n  ".join(_triggers._mark(f"{t}_rows", columns, RAISE) for t in tables)
            referencing = " ".join(f"{t.upper()} TABLE AS {t}_rows" for t in tables)
            forward.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n  {body}\n  RETURN NULL;\nEND $$;\n"
                f"CREATE TRIGGER {name} AFTER {event} ON {table}\n"
                f"  REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();")
        forward.append(_triggers._mark(table, columns))
    return "\n".join(forward), "\n".join(backward)


FORWARD, BACKWARD = _sql()


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0005_referral_breach_queue_trigger"),
        ("statistics", "0005_stale_month_version"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
