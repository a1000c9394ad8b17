from django.db import migrations

ADD = ("ALTER TABLE catalog_listing ADD COLUMN test_note varchar(40) NULL; "
       "CREATE INDEX test_listing_note ON catalog_listing (test_note);")
REMOVE = "DROP INDEX test_listing_note; ALTER TABLE catalog_listing DROP COLUMN test_note;"


class Migration(migrations.Migration):
    dependencies = [("catalog", "0018_history_of_expiry_fields")]
    operations = [migrations.RunSQL(ADD, reverse_sql=REMOVE)]
