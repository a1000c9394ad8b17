"""Offers searched as catalog searches listings (decision 0028): a generated Swedish search vector with a GIN
index, the title words' endings, and an index for newest first. Offers published before this get their endings
here (publication writes them from now on)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from catalog import selectors as catalog


def fill_suffixes(apps, schema_editor):
    Offer = apps.get_model("exchange", "Offer")
    for offer in Offer.objects.only("pk", "title").iterator():
        Offer.objects.filter(pk=offer.pk).update(search_suffixes=catalog.title_endings(title=offer.title))


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0001_networks_and_offers'),
        ('tenants', '0006_btree_gist'),
    ]

    operations = [
        migrations.AddField(
            model_name='offer',
            name='search_suffixes',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='offer',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='swedish', weight='A'), '||', django.contrib.postgres.search.SearchVector('excerpt', config='swedish', weight='B'), django.contrib.postgres.search.SearchConfig('swedish')), '||', django.contrib.postgres.search.SearchVector('search_suffixes', config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('swedish')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='offer',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='offer_search_vector'),
        ),
        migrations.AddIndex(
            model_name='offer',
            index=models.Index(fields=['-published_at', '-id'], name='offer_published'),
        ),
        migrations.RunPython(fill_suffixes, migrations.RunPython.noop),
    ]
