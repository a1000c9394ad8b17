import uuid

from django.db import migrations, models


def give_every_user_a_uuid(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    people = list(User.objects.only("pk"))
    for person in people:
        person.uuid = uuid.uuid4()
    User.objects.bulk_update(people, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    """A stable UUID for every member of staff: added empty, filled one by one (a default would give every
    existing row the same value), then made unique and required."""

    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(model_name="user", name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(give_every_user_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user", name="uuid", field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        ),
    ]
