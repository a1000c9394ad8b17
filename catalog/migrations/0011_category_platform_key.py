"""Each category maps to a platform category by key (decision 0025). The categories every organisation was seeded
with get their keys here, matched by their path of Swedish names; any other category stays unmapped until an admin
maps it. Runs in every organisation's schema.
"""

from django.db import migrations, models

# The seeded tree's paths and keys when this migration was written (catalog.defaults.PLATFORM_KEYS then).
SEEDED_KEYS = {
    ('Möbler',): 'furniture',
    ('Möbler', 'Kontorsstolar'): 'furniture.office_chairs',
    ('Möbler', 'Skrivbord'): 'furniture.desks',
    ('Möbler', 'Förvaring'): 'furniture.storage',
    ('Möbler', 'Bord'): 'furniture.tables',
    ('Möbler', 'Stolar'): 'furniture.chairs',
    ('Möbler', 'Soffor och fåtöljer'): 'furniture.sofas_armchairs',
    ('Möbler', 'Hyllor'): 'furniture.shelves',
    ('Möbler', 'Skärmväggar'): 'furniture.screens_partitions',
    ('Möbler', 'Belysning'): 'furniture.lighting',
    ('Möbler', 'Övriga möbler'): 'furniture.other',
    ('IT och teknik',): 'it',
    ('IT och teknik', 'Datorer'): 'it.computers',
    ('IT och teknik', 'Skärmar'): 'it.monitors',
    ('IT och teknik', 'Mobiler och surfplattor'): 'it.phones_tablets',
    ('IT och teknik', 'Skrivare'): 'it.printers',
    ('IT och teknik', 'Tillbehör'): 'it.accessories',
    ('IT och teknik', 'Ljud och bild'): 'it.audio_video',
    ('Kök och hushåll',): 'kitchen',
    ('Kök och hushåll', 'Köksutrustning'): 'kitchen.equipment',
    ('Kök och hushåll', 'Vitvaror'): 'kitchen.appliances',
    ('Skola och förskola',): 'school',
    ('Skola och förskola', 'Läromedel'): 'school.teaching_materials',
    ('Skola och förskola', 'Lek och idrott'): 'school.play_sport',
    ('Övrigt',): 'other',
}


def map_seeded_categories(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    names = {row.pk: (row.name, row.parent_id) for row in Category.objects.all()}
    for pk, (name, parent_id) in names.items():
        path = (name,) if parent_id is None else (names[parent_id][0], name)
        if path in SEEDED_KEYS and (parent_id is None or names[parent_id][1] is None):
            Category.objects.filter(pk=pk, platform_key="").update(platform_key=SEEDED_KEYS[path])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0010_reservations_are_bookings'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='platform_key',
            field=models.CharField(blank=True, max_length=100, verbose_name='platform category'),
        ),
        migrations.RunPython(map_seeded_categories, migrations.RunPython.noop),
    ]
