"""The platform's category tree (taxonomy.tree), written by key. Running it again changes nothing; a later change of
the tree adds a migration that runs the same synchronisation."""

from django.db import migrations


def sync(apps, schema_editor):
    from taxonomy.services import sync_platform_categories

    sync_platform_categories(model=apps.get_model("taxonomy", "PlatformCategory"))


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_platform_categories")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
