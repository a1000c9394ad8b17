from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0018_history_of_expiry_fields")]

    operations = [
        # A nullable column without default: PostgreSQL changes only the catalogue, not the rows. The index is built
        # in the same transaction (an organisation's catalog_listing is small); ACCESS EXCLUSIVE for that long.
        migrations.RunSQL(
            "ALTER TABLE catalog_listing ADD COLUMN bench_note varchar(40) NULL; "
            "CREATE INDEX bench_listing_note ON catalog_listing (bench_note);",
            reverse_sql="DROP INDEX bench_listing_note; ALTER TABLE catalog_listing DROP COLUMN bench_note;",
        ),
    ]
