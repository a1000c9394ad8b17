"""E-mails about bookings: the contact person hears of a new reservation or loan and of an extension asked for, the
borrower of the answer, the other side of a cancellation, the first on the waiting list that the item is back.

Mail delivery is Django's locmem backend (the test outbox): the product's boundary, not our code.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from bookings import services as booking_services
from catalog import services
from outbox import services as outbox
from outbox.models import OutboxMessage

from .catalog_factories import make_listing
from .conftest import user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(ystad):
    return {name: user_in(ystad, name) for name in ("personal", "chef", "operator")}


def test_the_contact_person_is_told_of_a_new_reservation_in_swedish(ystad, people, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a listing posted by a member of staff
        listing = make_listing(author=people["personal"], title="Whiteboard på hjul notistest")

        # when a colleague reserves it
        with django_capture_on_commit_callbacks(execute=True):
            reservation = booking_services.reserve_listing(
                listing=listing, by=people["chef"], message="Hämtar på fredag"
            )

        # then the contact person gets one e-mail, in Swedish, with a link to confirm the handover at Ystad's host
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [people["personal"].email]
        assert "Whiteboard på hjul notistest" in message.subject
        assert "Hämtar på fredag" in message.body
        assert "http://ystad.localhost:8000/mina-annonser/" in message.body
        event = reservation.events.get(step="reserved")
        sent = OutboxMessage.objects.get(key=f"booking:{reservation.uuid}:{event.pk}:reserved")
        assert sent.delivered_at is not None
        assert message.extra_headers["Message-ID"] == sent.payload["message_id"]


def test_a_notice_is_sent_only_once_even_if_the_relay_runs_again(ystad, people, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a reservation whose notice was sent
        listing = make_listing(author=people["personal"], title="Bokhylla ek notistest")
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.reserve_listing(listing=listing, by=people["chef"])
        assert len(mail.outbox) == 1

        # when the relay runs again (a second trigger, the sweep)
        again = outbox.deliver_due()

        # then nothing more is sent
        assert again.delivered == 0
        assert len(mail.outbox) == 1


@pytest.mark.parametrize(("canceller", "told"), [("chef", "personal"), ("personal", "chef")])
def test_a_cancellation_is_told_to_the_other_side(ystad, people, canceller, told, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a reservation
        listing = make_listing(author=people["personal"], title="Konferensbord notistest")
        reservation = booking_services.reserve_listing(listing=listing, by=people["chef"], notify=False)

        # when one side cancels
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.cancel_booking(booking=reservation, by=people[canceller], reason="Behövs inte längre")

        # then the other side hears of it, with the reason
        assert [m.to for m in mail.outbox] == [[people[told].email]]
        assert "Behövs inte längre" in mail.outbox[0].body


def test_withdrawing_tells_everyone_whose_reservation_was_cancelled(ystad, people, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given two reservations of one listing
        listing = make_listing(author=people["personal"], title="Kontorsstolar notistest", quantity=3)
        booking_services.reserve_listing(listing=listing, by=people["chef"], notify=False)
        booking_services.reserve_listing(listing=listing, by=people["operator"], notify=False)

        # when the owner withdraws the listing
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw_listing(listing=listing, by=people["personal"], reason="Trasiga")

        # then both who reserved are told
        assert sorted(m.to[0] for m in mail.outbox) == sorted([people["chef"].email, people["operator"].email])


def test_nothing_is_sent_when_the_reservation_rolls_back(ystad, people, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        listing = make_listing(author=people["personal"], title="Skärm notistest", quantity=1)
        # when a reservation is refused (more than there is)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.CatalogError):
            booking_services.reserve_listing(listing=listing, by=people["chef"], quantity=5)
        # then no e-mail
        assert mail.outbox == []


def test_when_an_operator_cancels_both_sides_are_told(ystad, people, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        # given a reservation between two colleagues
        listing = make_listing(author=people["personal"], title="Soffgrupp notistest")
        reservation = booking_services.reserve_listing(listing=listing, by=people["chef"], notify=False)

        # when the labour-market unit's operator cancels it
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.cancel_booking(booking=reservation, by=people["operator"], reason="Transporten uteblev")

        # then the one who reserved and the contact person both hear of it, once each
        assert sorted(m.to[0] for m in mail.outbox) == sorted([people["chef"].email, people["personal"].email])
        assert all("Transporten uteblev" in m.body for m in mail.outbox)
