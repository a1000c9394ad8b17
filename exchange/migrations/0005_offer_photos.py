"""The photos of offers, copied to the exchange's own folder at publication (decision 0029). Offers published before
this get theirs at their organisation's next reconciliation (exchange.publication.reconcile sees the drift)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0004_agreements_are_immutable'),
    ]

    operations = [
        migrations.CreateModel(
            name='OfferPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=64)),
                ('image', models.FileField(max_length=255, upload_to='')),
                ('thumbnail', models.FileField(max_length=255, upload_to='')),
                ('width', models.PositiveIntegerField(default=0)),
                ('height', models.PositiveIntegerField(default=0)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('offer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='photos', to='exchange.offer', verbose_name='offer')),
            ],
            options={
                'verbose_name': 'photo',
                'verbose_name_plural': 'photos',
                'ordering': ['position', 'id'],
                'constraints': [models.UniqueConstraint(fields=('offer', 'source'), name='offer_photo_once')],
            },
        ),
    ]
