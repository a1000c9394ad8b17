from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("test_schema_change", "0001_listing_note")]
    operations = [
        migrations.RunSQL(
            "ALTER TABLE catalog_listing ADD CONSTRAINT test_note_not_blank CHECK (test_note <> '');",
            reverse_sql="ALTER TABLE catalog_listing DROP CONSTRAINT test_note_not_blank;",
        )
    ]
