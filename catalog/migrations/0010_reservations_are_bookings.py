from django.db import migrations


class Migration(migrations.Migration):

    """Reservations now live in bookings (bookings.0002 copied them); the available quantity
    is derived from the bookings instead of counted."""

    dependencies = [
        ('catalog', '0009_search_vector_cut_description'),
        ('bookings', '0002_reservations_become_bookings'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='reservation',
            name='cancelled_by',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='giving_department',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='handed_over_by',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='listing',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='receiving_department',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='reserved_by',
        ),
        migrations.RemoveConstraint(
            model_name='listing',
            name='listing_available_le_quantity',
        ),
        migrations.RemoveField(
            model_name='listing',
            name='quantity_available',
        ),
        migrations.DeleteModel(
            name='Reservation',
        ),
    ]
