"""An agreement between two organisations is written once and never changed or removed: the database refuses it,
whatever code or person tries (decision 0030)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION exchange_agreement_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'An agreement between organisations cannot be changed or removed (%)', OLD.number
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER exchange_agreement_immutable BEFORE UPDATE OR DELETE ON exchange_agreement
    FOR EACH ROW EXECUTE FUNCTION exchange_agreement_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS exchange_agreement_immutable ON exchange_agreement;
DROP FUNCTION IF EXISTS exchange_agreement_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_deals_between_organisations")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
