"""The survivor's name words kept on each case, for the worklist's name search: the column, the
triggers that keep it (a new case, a change of survivor, an edit of the person's names), a backfill
in batches (one short transaction each, so a million cases never hold a long lock), then the word
index built concurrently."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

BATCH = 20000

KEEP_WORDS_SQL = """
CREATE FUNCTION sanad_case_survivor_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.survivor_words := coalesce(
        (SELECT string_to_array(name_key, ' ') FROM people_person WHERE id = NEW.survivor_id), '{}'
    );
    RETURN NEW;
END $$;
CREATE TRIGGER sanad_case_survivor_words BEFORE INSERT OR UPDATE OF survivor_id ON cases_case
    FOR EACH ROW EXECUTE FUNCTION sanad_case_survivor_words();
CREATE FUNCTION sanad_person_words_to_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases_case SET survivor_words = string_to_array(NEW.name_key, ' ')
        WHERE survivor_id = NEW.id AND survivor_words IS DISTINCT FROM string_to_array(NEW.name_key, ' ');
    RETURN NULL;
END $$;
CREATE TRIGGER sanad_person_words_to_cases AFTER UPDATE OF name_key ON people_person
    FOR EACH ROW WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key)
    EXECUTE FUNCTION sanad_person_words_to_cases();
"""

DROP_WORDS_SQL = """
DROP TRIGGER IF EXISTS sanad_person_words_to_cases ON people_person;
DROP FUNCTION IF EXISTS sanad_person_words_to_cases();
DROP TRIGGER IF EXISTS sanad_case_survivor_words ON cases_case;
DROP FUNCTION IF EXISTS sanad_case_survivor_words();
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM cases_case")
        low, high = cursor.fetchone()
    for start in range(low, high + 1, BATCH):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case c SET survivor_words = string_to_array(p.name_key, ' ') FROM people_person p "
                "WHERE p.id = c.survivor_id AND c.id >= %s AND c.id < %s "
                "AND c.survivor_words IS DISTINCT FROM string_to_array(p.name_key, ' ')",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0009_report_row_version"),
        ("institutions", "0004_national_coordinator_and_refer_without_consent"),
        ("people", "0005_name_word_vocabulary"),
        ("taxonomy", "0002_published_versions_are_immutable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="case",
            name="update_update",
        ),
        migrations.AddField(
            model_name="case",
            name="survivor_words",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."assigned_to_id" IS DISTINCT FROM (NEW."assigned_to_id") OR OLD."closed_at" IS DISTINCT FROM (NEW."closed_at") OR OLD."closure_reason_code" IS DISTINCT FROM (NEW."closure_reason_code") OR OLD."confidentiality" IS DISTINCT FROM (NEW."confidentiality") OR OLD."country_id" IS DISTINCT FROM (NEW."country_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."definitions_version_id" IS DISTINCT FROM (NEW."definitions_version_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."multi_agency_review" IS DISTINCT FROM (NEW."multi_agency_review") OR OLD."number" IS DISTINCT FROM (NEW."number") OR OLD."owner_unit_id" IS DISTINCT FROM (NEW."owner_unit_id") OR OLD."risk_level" IS DISTINCT FROM (NEW."risk_level") OR OLD."row_version" IS DISTINCT FROM (NEW."row_version") OR OLD."sequence" IS DISTINCT FROM (NEW."sequence") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."survivor_id" IS DISTINCT FROM (NEW."survivor_id") OR OLD."year" IS DISTINCT FROM (NEW."year"))',
                    func='INSERT INTO "cases_caseevent" ("assigned_to_id", "closed_at", "closure_reason_code", "confidentiality", "country_id", "created_at", "created_by_id", "definitions_version_id", "id", "multi_agency_review", "number", "owner_unit_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "risk_level", "row_version", "sequence", "status", "survivor_id", "year") VALUES (NEW."assigned_to_id", NEW."closed_at", NEW."closure_reason_code", NEW."confidentiality", NEW."country_id", NEW."created_at", NEW."created_by_id", NEW."definitions_version_id", NEW."id", NEW."multi_agency_review", NEW."number", NEW."owner_unit_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."risk_level", NEW."row_version", NEW."sequence", NEW."status", NEW."survivor_id", NEW."year"); RETURN NULL;',
                    hash="a20294fd445882128e82cd47c352fb9acec70d6d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_f5146",
                    table="cases_case",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(KEEP_WORDS_SQL, reverse_sql=DROP_WORDS_SQL),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrently(
            model_name="case",
            index=django.contrib.postgres.indexes.GinIndex(fields=["survivor_words"], name="case_survivor_words"),
        ),
    ]
