from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm in the public schema, where every organisation's search path finds it (catalog search)."""

    dependencies = [("tenants", "0002_routing_version_row")]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public", migrations.RunSQL.noop),
    ]
