from django.db import migrations


class Migration(migrations.Migration):
    """btree_gist in the public schema, where every organisation's search path finds it: bookings' exclusion
    constraint compares the listing (an integer, by btree_gist) and the period (a range) in one GiST index."""

    dependencies = [("tenants", "0003_pg_trgm")]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public", migrations.RunSQL.noop),
    ]
