from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_listing SET test_note = 'ifylld'")


class Migration(migrations.Migration):
    dependencies = [("test_schema_change", "0001_listing_note")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
