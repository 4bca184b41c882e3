"""Triggers that queue every changed source row for the fact refresh, in the changing transaction.

Statement-level with transition tables: a COPY of a million rows (the bulk generator) queues them in
one INSERT ... SELECT, not a million trigger calls. Each (table, event) gets its own trigger because
PostgreSQL allows transition tables only on single-event triggers."""

from django.db import migrations

# table, queue kind, the column holding the source id
SOURCES = [
    ("cases_report", "report", "id"),
    ("cases_incident", "report", "report_id"),
    ("cases_reportperson", "report", "report_id"),
    ("cases_case", "case", "id"),
    ("cases_servicedelivered", "case", "case_id"),
    ("referrals_referral", "referral", "id"),
    ("cases_appeal", "appeal", "id"),
    ("cases_appeallogentry", "appeal", "appeal_id"),
    ("people_person", "person", "id"),
    ("people_personidentity", "person", "person_id"),
]

RECODE = """
CREATE OR REPLACE FUNCTION statistics_recode(m jsonb, version_id bigint, list text, code text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN code IS NULL THEN ''
              WHEN m ? (version_id::text || ':' || list || ':' || code)
                THEN coalesce(m ->> (version_id::text || ':' || list || ':' || code), '')
              ELSE code END
$$;
"""


def _sql() -> tuple[str, str]:
    forward = [RECODE]
    backward = ["DROP FUNCTION IF EXISTS statistics_recode(jsonb, bigint, text, text);"]
    for table, kind, column in SOURCES:
        for event, rows in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            name = f"statistics_queue_{table}_{event.lower()}"
            forward.append(
                f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO statistics_queuedchange (kind, source_id, queued_at)
  SELECT DISTINCT '{kind}', {column}, now() FROM {rows}_rows WHERE {column} IS NOT NULL
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
        ("statistics", "0001_fact_tables"),
        ("cases", "0009_report_row_version"),
        ("people", "0004_name_words_index"),
        ("referrals", "0005_due_indexes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
