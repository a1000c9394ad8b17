"""A published factor version, and every factor in it, is never changed or removed: figures already reported name
it and must stay recomputable (decision 0032). The database refuses it, whatever code or person tries; a draft
(published_at null) may be edited, and publishing it is the last change it takes."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION impact_version_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'Factor version % is published and cannot be changed or removed', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER impact_version_immutable BEFORE UPDATE OR DELETE ON impact_factorversion
    FOR EACH ROW EXECUTE FUNCTION impact_version_immutable();

CREATE OR REPLACE FUNCTION impact_factor_immutable() RETURNS trigger AS $$
DECLARE
    published timestamptz;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT published_at INTO published FROM impact_factorversion WHERE id = OLD.version_id;
        IF published IS NOT NULL THEN
            RAISE EXCEPTION 'A factor of a published version cannot be changed or removed (%)', OLD.category_key
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT published_at INTO published FROM impact_factorversion WHERE id = NEW.version_id;
        IF published IS NOT NULL THEN
            RAISE EXCEPTION 'A published version takes no new factors (%)', NEW.category_key
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER impact_factor_immutable BEFORE INSERT OR UPDATE OR DELETE ON impact_factor
    FOR EACH ROW EXECUTE FUNCTION impact_factor_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS impact_factor_immutable ON impact_factor;
DROP FUNCTION IF EXISTS impact_factor_immutable();
DROP TRIGGER IF EXISTS impact_version_immutable ON impact_factorversion;
DROP FUNCTION IF EXISTS impact_version_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_factor_versions")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
