from django.db import migrations, models


class Migration(migrations.Migration):
    """A department can be wound up or merged into another and stays, inactive, for the history that names it."""

    dependencies = [("accounts", "0002_user_uuid")]

    operations = [
        migrations.AddField(
            model_name="department", name="is_active", field=models.BooleanField(db_default=True, default=True, verbose_name="active"),
        ),
    ]
