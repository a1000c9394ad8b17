from django.db import migrations


class Migration(migrations.Migration):
    """btree_gist in the public schema, where every organisation's search path finds it: bookings' exclusion
    constraint compares the listing (an integer, by btree_gist) and the period (a range) in one GiST index."""

    dependencies = [("tenants", "0005_organisation_time_zone_and_periodic_runs")]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public", migrations.RunSQL.noop),
    ]
