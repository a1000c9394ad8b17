"""The search vector reads at most the description's limit (5,000 characters), so that no description — not even
one stored before the limit — can exceed PostgreSQL's 1 MB tsvector limit and fail the write (decision 0018).

A generated column's expression cannot be altered in place: it is dropped and added again, with its index.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.core.validators
from django.db import migrations, models
from django.db.models.functions import Left


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_category_tree_depth'),
    ]

    operations = [
        migrations.AlterField(
            model_name='listing',
            name='description',
            field=models.TextField(
                blank=True, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='description'
            ),
        ),
        migrations.RemoveIndex(model_name='listing', name='listing_search_vector'),
        migrations.RemoveField(model_name='listing', name='search_vector'),
        migrations.AddField(
            model_name='listing',
            name='search_vector',
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector('title', config='swedish', weight='A'),
                        '||',
                        django.contrib.postgres.search.SearchVector(
                            Left('description', 5000), config='swedish', weight='B'
                        ),
                        django.contrib.postgres.search.SearchConfig('swedish'),
                    ),
                    '||',
                    django.contrib.postgres.search.SearchVector('search_suffixes', config='simple', weight='C'),
                    django.contrib.postgres.search.SearchConfig('swedish'),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name='listing',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='listing_search_vector'),
        ),
    ]
