import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_user_uuid'),
        ('catalog', '0009_search_vector_cut_description'),
    ]

    operations = [
        # Normally created in the public schema by tenants 0004 already; found there through the search path.
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public", migrations.RunSQL.noop),
        migrations.CreateModel(
            name='Booking',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('reservation', 'Reservation'), ('loan', 'Loan')], max_length=20, verbose_name='kind')),
                ('quantity', models.PositiveIntegerField(default=1, verbose_name='quantity')),
                ('status', models.CharField(choices=[('reserved', 'Reserved'), ('handed_over', 'Handed over'), ('out', 'Picked up'), ('returned', 'Returned'), ('cancelled', 'Cancelled'), ('lapsed', 'Lapsed')], default='reserved', max_length=20, verbose_name='status')),
                ('period', django.contrib.postgres.fields.ranges.DateTimeRangeField(verbose_name='period')),
                ('exclusive', models.BooleanField(default=False, verbose_name='one of a kind')),
                ('borrower_org', models.IntegerField(help_text='organisation id', verbose_name='borrower')),
                ('borrower_uuid', models.UUIDField(help_text="the person's UUID", verbose_name='borrower')),
                ('borrower_name', models.CharField(blank=True, help_text='name when recorded', max_length=200, verbose_name='borrower')),
                ('borrower_email', models.EmailField(blank=True, help_text='e-mail when recorded', max_length=254, verbose_name='borrower')),
                ('contact_org', models.IntegerField(help_text='organisation id', verbose_name='contact person')),
                ('contact_uuid', models.UUIDField(help_text="the person's UUID", verbose_name='contact person')),
                ('contact_name', models.CharField(blank=True, help_text='name when recorded', max_length=200, verbose_name='contact person')),
                ('contact_email', models.EmailField(blank=True, help_text='e-mail when recorded', max_length=254, verbose_name='contact person')),
                ('cost_centre', models.CharField(blank=True, max_length=200, verbose_name='cost centre')),
                ('message', models.CharField(blank=True, max_length=500, verbose_name='message')),
                ('reserved_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='booked')),
                ('handed_over_at', models.DateTimeField(blank=True, null=True, verbose_name='handed over')),
                ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='returned')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled')),
                ('cancel_reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('extension_until', models.DateTimeField(blank=True, null=True, verbose_name='extension asked until')),
                ('fee_unit_price', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='price per unit (SEK)')),
                ('fee_unit', models.CharField(blank=True, choices=[('day', 'day'), ('week', 'week'), ('month', 'month')], max_length=10, verbose_name='unit')),
                ('fee_units', models.PositiveIntegerField(blank=True, null=True, verbose_name='units')),
                ('fee_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='fee (SEK)')),
                ('giving_department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='giving department')),
                ('listing', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='catalog.listing', verbose_name='listing')),
                ('receiving_department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='receiving department')),
            ],
            options={
                'verbose_name': 'booking',
                'verbose_name_plural': 'bookings',
                'ordering': ['-reserved_at'],
            },
        ),
        migrations.CreateModel(
            name='BookingEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(max_length=40, verbose_name='step')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('actor_org', models.IntegerField(blank=True, help_text='organisation id', null=True, verbose_name='by')),
                ('actor_uuid', models.UUIDField(blank=True, help_text="the person's UUID", null=True, verbose_name='by')),
                ('actor_name', models.CharField(blank=True, help_text='name when recorded', max_length=200, verbose_name='by')),
                ('actor_email', models.EmailField(blank=True, help_text='e-mail when recorded', max_length=254, verbose_name='by')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('until', models.DateTimeField(blank=True, null=True, verbose_name='until')),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='bookings.booking')),
            ],
            options={
                'verbose_name': 'booking event',
                'verbose_name_plural': 'booking events',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='WaitlistEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_org', models.IntegerField(help_text='organisation id', verbose_name='person')),
                ('person_uuid', models.UUIDField(help_text="the person's UUID", verbose_name='person')),
                ('person_name', models.CharField(blank=True, help_text='name when recorded', max_length=200, verbose_name='person')),
                ('person_email', models.EmailField(blank=True, help_text='e-mail when recorded', max_length=254, verbose_name='person')),
                ('joined_at', models.DateTimeField(auto_now_add=True, verbose_name='joined')),
                ('told_at', models.DateTimeField(blank=True, null=True, verbose_name='told')),
                ('listing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='waitlist', to='catalog.listing', verbose_name='listing')),
            ],
            options={
                'verbose_name': 'waiting list entry',
                'verbose_name_plural': 'waiting list entries',
                'ordering': ['joined_at', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='booking',
            index=django.contrib.postgres.indexes.GistIndex(condition=models.Q(('status', 'reserved'), ('status', 'handed_over'), ('status', 'out'), _connector='OR'), fields=['listing', 'period'], name='booking_holding_period'),
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['listing', 'status'], name='booking_listing_status'),
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['status', 'handed_over_at'], name='booking_handed_over'),
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['borrower_org', 'borrower_uuid', '-reserved_at'], name='booking_by_borrower'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='booking_quantity_positive'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('period__isempty', False), ('period__lower_inf', False), models.Q(('kind', 'reservation'), ('period__upper_inf', False), _connector='OR')), name='booking_period_bounded'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['handed_over', 'out', 'returned']), _negated=True), ('handed_over_at__isnull', False), _connector='OR'), name='booking_handover_has_time'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'returned'), _negated=True), ('returned_at__isnull', False), _connector='OR'), name='booking_return_has_time'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(condition=models.Q(('exclusive', True), models.Q(('status', 'reserved'), ('status', 'handed_over'), ('status', 'out'), _connector='OR')), expressions=[('listing', '='), ('period', '&&')], name='booking_one_of_a_kind_no_overlap'),
        ),
        migrations.AddIndex(
            model_name='bookingevent',
            index=models.Index(fields=['booking', 'step'], name='booking_event_step'),
        ),
        migrations.AddConstraint(
            model_name='waitlistentry',
            constraint=models.UniqueConstraint(models.F('listing'), models.F('person_org'), models.F('person_uuid'), condition=models.Q(('told_at__isnull', True)), name='waitlist_once_per_person'),
        ),
    ]
