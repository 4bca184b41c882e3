"""Triggers that mark a month's aggregates stale whenever facts of that month are written, in the
writing transaction, so a dashboard never reads an aggregate older than its facts (it reads the
facts for a stale month). Statement-level with transition tables, as the change queue's.

Existing facts: every month they cover is marked stale here (one pass per fact table, no rewrite);
the refresh job or ``rebuild_statistics --aggregates`` then computes the aggregates."""

from django.db import migrations

# table, the month columns whose aggregates a row feeds
TABLES = [
    ("statistics_reportfact", ("month",)),
    ("statistics_incidentfact", ("month",)),
    ("statistics_survivormonthfact", ("month",)),
    ("statistics_casefact", ("month", "closed_month")),
    ("statistics_servicefact", ("month",)),
    ("statistics_referralfact", ("month",)),
    ("statistics_appealfact", ("month",)),
]


def _mark(rows: str, columns: tuple[str, ...], conflict: str = "DO NOTHING") -> str:
    selects = " UNION ".join(
        f"SELECT country_id, {c} FROM {rows} WHERE {c} IS NOT NULL" for c in columns  # noqa: S608 - fixed names
    )
    return (
        f"INSERT INTO statistics_stalemonth (country_id, month) SELECT DISTINCT * FROM ({selects}) m "  # noqa: S608
        f"ON CONFLICT {conflict};"
    )


def _sql(conflict: str = "DO NOTHING") -> tuple[str, str]:
    forward = []
    backward = []
    for table, columns in TABLES:
        for event, tables in (("INSERT", ("new",)), ("UPDATE", ("old", "new")), ("DELETE", ("old",))):
            name = f"{table}_stale_{event.lower()}"
            body = "\n  ".join(_mark(f"{t}_rows", columns, conflict) for t in tables)
            referencing = " ".join(f"{t.upper()} TABLE AS {t}_rows" for t in tables)
            forward.append(
                f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {body}
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();")
        forward.append(_mark(table, columns))
    return "\n".join(forward), "\n".join(backward)


FORWARD, BACKWARD = _sql()


class Migration(migrations.Migration):
    dependencies = [("statistics", "0003_aggregates")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
