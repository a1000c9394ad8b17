from django.db import migrations

from tests.schema_change import ADD_NOTE, REMOVE_NOTE


class Migration(migrations.Migration):
    dependencies = [("catalog", "0018_history_of_expiry_fields")]
    operations = [migrations.RunSQL(ADD_NOTE, reverse_sql=REMOVE_NOTE)]
