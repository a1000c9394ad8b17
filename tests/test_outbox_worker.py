"""The outbox with a real broker and a real worker: the broker stopped, and a worker killed in the middle of a batch.

The broker is a redis-server of the test's own on a free port, stopped and started by the test (the machine's Redis
is shared). A worker and the pages need data they can all see, so these tests commit what they make in Ystad's schema
and delete it in a ``finally`` (see tests/conftest.py). Mail delivery is faked at its boundary: the worker writes
e-mail to files (Django's file backend; ``tests.mail_backends.SlowFileBackend`` pauses before each).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from accounts.models import Invitation, User
from bookings.models import Booking, BookingEvent
from catalog.models import Listing, ListingPhoto, SearchWord
from outbox import tasks
from outbox.models import OutboxMessage
from outbox.services import enqueue_email

from .catalog_factories import make_listing
from .conftest import client_for, demo_email
from .outbox_support import (
    RedisServer,
    celery_broker,
    send_task_to,
    sent_mail,
    start_worker,
    stop_worker,
    wait_until,
)

pytestmark = pytest.mark.worker

SCHEMA = "org_ystad"
TITLE = "Overheadprojektor outboxprov"
INVITED = "inbjuden.outboxprov@ystad.example"


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.fixture
def ystad_committed(django_db_setup, django_db_blocker):
    """Ystad's schema, with what the test commits there removed afterwards."""
    from tenants.models import Organisation

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        organisation = Organisation.objects.get(slug="ystad")
        with schema_context(SCHEMA):
            words_before = set(SearchWord.objects.values_list("pk", flat=True))
        try:
            yield organisation
        finally:
            connection.set_schema_to_public()
            with schema_context(SCHEMA):
                from django.core.files.storage import default_storage

                listings = Listing.objects.filter(title=TITLE)
                reservations = Booking.objects.filter(listing__in=listings).values_list("uuid", flat=True)
                invitations = Invitation.objects.filter(email=INVITED).values_list("pk", flat=True)
                keys = [f"booking:{uuid}:" for uuid in reservations] + [f"invitation:{pk}" for pk in invitations]
                for key in keys:
                    OutboxMessage.objects.filter(key__startswith=key).delete()
                OutboxMessage.objects.filter(key__startswith="test:worker-").delete()
                for photo in ListingPhoto.objects.filter(listing__in=listings):
                    for name in (photo.image.name, photo.thumbnail.name):
                        if name:
                            default_storage.delete(name)
                BookingEvent.objects.filter(booking__listing__in=listings).delete()
                Booking.objects.filter(listing__in=listings).delete()
                ListingPhoto.objects.filter(listing__in=listings).delete()
                listings.delete()
                Invitation.objects.filter(email=INVITED).delete()
                SearchWord.objects.exclude(pk__in=words_before).delete()
            connection.set_schema_to_public()


def _person(local: str) -> User:
    with schema_context(SCHEMA):
        return User.objects.select_related("department").get(email=demo_email("ystad", local))


def _messages(**filters) -> list[OutboxMessage]:
    with schema_context(SCHEMA):
        return list(OutboxMessage.objects.filter(**filters).order_by("id"))


def test_with_the_broker_stopped_actions_succeed_and_their_emails_go_out_once_when_it_is_back(
    broker: RedisServer, ystad_committed, django_db_blocker, tmp_path: Path
):
    mail_dir = tmp_path / "mail"
    with django_db_blocker.unblock():
        # given a listing in Ystad, and the broker the site sends tasks to stopped
        owner, colleague, admin = _person("personal"), _person("chef"), _person("admin")
        with schema_context(SCHEMA):
            listing = make_listing(author=owner, title=TITLE, quantity=2)
            department_id = owner.department_id
        with celery_broker(broker.url):
            broker.stop()

            # when a colleague reserves it, and the admin invites someone, through the pages
            reserved = client_for(ystad_committed, colleague).post(
                f"/annonser/{listing.uuid}/reservera/", {"quantity": 1, "message": "Hämtar i morgon"}
            )
            invited = client_for(ystad_committed, admin).post(
                "/kollegor/", {"email": INVITED, "role": "member", "department": department_id}
            )

        # then both actions succeed, and their e-mails wait in Ystad's outbox
        assert (reserved.status_code, invited.status_code) == (302, 302)
        with schema_context(SCHEMA):
            reservation = Booking.objects.get(listing=listing)
            event = reservation.events.get(step="reserved")
            invitation = Invitation.objects.get(email=INVITED)
        keys = [f"booking:{reservation.uuid}:{event.pk}:reserved", f"invitation:{invitation.pk}"]
        assert [m.state for m in _messages(key__in=keys)] == ["pending", "pending"]

        # when the broker is back, a worker runs, and beat's sweep arrives
        broker.start()
        worker = start_worker(broker.url, mail_dir)
        try:
            send_task_to(broker.url, tasks.sweep)

            # then both e-mails are sent
            assert wait_until(lambda: all(m.delivered_at for m in _messages(key__in=keys)))

            # when the sweep comes again
            send_task_to(broker.url, tasks.sweep)
            time.sleep(2)
        finally:
            output = stop_worker(worker)
        print(output)

        # then each went out exactly once, with the Message-ID of its key, from Ystad
        mails = sent_mail(mail_dir)
        assert mails.count(f"To: {owner.email}") == 1
        assert mails.count(f"To: {INVITED}") == 1
        assert "Hämtar i morgon" in mails and "Ystads kommun" in mails
        for message in _messages(key__in=keys):
            assert mails.count(f"Message-ID: {message.payload['message_id']}") == 1
        with schema_context(SCHEMA):
            assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_a_worker_killed_in_the_middle_of_a_batch_and_run_again_sends_nothing_twice(
    broker: RedisServer, ystad_committed, django_db_blocker, tmp_path: Path
):
    mail_dir = tmp_path / "mail"
    count = 6
    with django_db_blocker.unblock():
        # given six e-mails written in one transaction, whose relay waits in the broker
        with celery_broker(broker.url), schema_context(SCHEMA), transaction.atomic():
            for n in range(count):
                enqueue_email(key=f"test:worker-{n}", to=[f"mottagare{n}@ystad.example"], subject=f"Nr {n}", body="")

        # when a worker whose mail server takes a second per e-mail is killed (SIGKILL) after two have gone out
        worker = start_worker(broker.url, mail_dir, EMAIL_BACKEND="tests.mail_backends.SlowFileBackend",
                              TEST_MAIL_DELAY="1.5")
        try:
            assert wait_until(lambda: len(list(mail_dir.glob("*.log"))) >= 2, seconds=90)
            time.sleep(0.5)  # well inside the pause before the third e-mail, after the second was recorded
            worker.kill()
            worker.wait(timeout=10)
        finally:
            print(stop_worker(worker))

        # then what went out is recorded as sent, and the rest waits: the one in hand when it died was rolled back
        sent_before = sent_mail(mail_dir).count("Message-ID:")
        delivered = [m for m in _messages(key__startswith="test:worker-") if m.delivered_at]
        assert 2 <= len(delivered) == sent_before < count

        # when a new worker runs and the sweep comes
        worker = start_worker(broker.url, mail_dir)
        try:
            send_task_to(broker.url, tasks.sweep)
            assert wait_until(lambda: all(m.delivered_at for m in _messages(key__startswith="test:worker-")))
        finally:
            print(stop_worker(worker))

        # then every e-mail went out exactly once
        mails = sent_mail(mail_dir)
        ids = re.findall(r"^Message-ID: (.+)$", mails, flags=re.MULTILINE)
        assert len(ids) == len(set(ids)) == count
        assert sorted(re.findall(r"^To: (.+)$", mails, flags=re.MULTILINE)) == sorted(
            f"mottagare{n}@ystad.example" for n in range(count)
        )
