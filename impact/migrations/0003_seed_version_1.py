"""Version 1 of the factor table, from published sources (impact/factors_v1.py), published and in force for
everything that changed hands before it. Running it again changes nothing."""

from django.db import migrations


def seed(apps, schema_editor):
    from impact.services import seed_first_version

    seed_first_version(version_model=apps.get_model("impact", "FactorVersion"),
                       factor_model=apps.get_model("impact", "Factor"))


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_published_versions_are_immutable"), ("taxonomy", "0002_seed_platform_tree")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
