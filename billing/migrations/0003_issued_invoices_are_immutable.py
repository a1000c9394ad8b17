"""An issued invoice and its lines are written once and never changed or removed: the database refuses it, whatever
code or person tries (decision 0050). A mistake is undone by a credit note. Bookkeeping law keeps invoices for seven
years; removing older ones one day is a deliberate migration or a superuser's job, not the application's."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION billing_invoice_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'An issued invoice cannot be changed or removed (%)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_immutable BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable();
CREATE TRIGGER billing_invoiceline_immutable BEFORE UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS billing_invoiceline_immutable ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_immutable ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_series_and_first_plan")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
