"""PostgreSQL itself refuses to change a published version, its codes or its recodes, whoever asks.

The services refuse first with a readable reason; this is for everything that bypasses them
(the shell, a bulk update, a bug). A draft's rows change freely until the draft is published."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION sanad_taxonomy_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'definitions version % is published and immutable: % refused', OLD.number, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE OR REPLACE FUNCTION sanad_taxonomy_content_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY[NEW.version_id];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[OLD.version_id];
    ELSE
        touched := ARRAY[OLD.version_id, NEW.version_id];
    END IF;
    IF EXISTS (SELECT 1 FROM taxonomy_definitionversion v WHERE v.id = ANY(touched) AND v.status = 'published') THEN
        RAISE EXCEPTION 'definitions version is published and immutable: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER taxonomy_version_frozen BEFORE UPDATE OR DELETE ON taxonomy_definitionversion
    FOR EACH ROW EXECUTE FUNCTION sanad_taxonomy_version_frozen();
CREATE TRIGGER taxonomy_code_frozen BEFORE INSERT OR UPDATE OR DELETE ON taxonomy_code
    FOR EACH ROW EXECUTE FUNCTION sanad_taxonomy_content_frozen();
CREATE TRIGGER taxonomy_recode_frozen BEFORE INSERT OR UPDATE OR DELETE ON taxonomy_recode
    FOR EACH ROW EXECUTE FUNCTION sanad_taxonomy_content_frozen();
"""

ALLOW = """
DROP TRIGGER IF EXISTS taxonomy_recode_frozen ON taxonomy_recode;
DROP TRIGGER IF EXISTS taxonomy_code_frozen ON taxonomy_code;
DROP TRIGGER IF EXISTS taxonomy_version_frozen ON taxonomy_definitionversion;
DROP FUNCTION IF EXISTS sanad_taxonomy_content_frozen();
DROP FUNCTION IF EXISTS sanad_taxonomy_version_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_definitions")]
    operations = [migrations.RunSQL(FORBID, ALLOW)]
