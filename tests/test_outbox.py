"""The outbox: a message is written in the transaction of the change that causes it, delivered once by the relay, in
the schema it was written in; failures are retried with backoff, then given up where an admin sees and retries them.

Mail delivery is faked at its boundary: Django's in-memory backend, or ``tests.mail_backends.FlakyBackend``.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts import selectors as accounts_selectors
from bookings import services as booking_services
from outbox import registry, selectors, tasks
from outbox.email import message_id
from outbox.models import MessageState, OutboxMessage
from outbox.services import deliver_due, enqueue, enqueue_email, retry

from .admin_support import assert_sent_to_administrera, platform_staff_in
from .catalog_factories import make_listing
from .conftest import client_for, user_in
from .mail_backends import FlakyBackend


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyBackend"
    FlakyBackend.reset()
    yield FlakyBackend
    FlakyBackend.reset()


def _email(name: str, **options) -> bool:
    return enqueue_email(
        key=f"test:{name}", to=[f"{name}@ystad.example"], subject=f"Ämne {name}", body="Hej!", **options
    )


def _pending(**filters) -> int:
    return selectors.messages(state=MessageState.PENDING).filter(**filters).count()


# ---------------------------------------------------------------------------------------------- writing


@pytest.mark.django_db
def test_a_reservation_writes_its_email_in_its_own_transaction_and_a_rollback_takes_both(ystad):
    chef, personal = user_in(ystad, "chef"), user_in(ystad, "personal")
    with schema_context(ystad.schema_name):
        listing = make_listing(author=personal, title="Ritbord outboxtest", quantity=2)

        # when a reservation is made, and its transaction then fails
        with pytest.raises(RuntimeError), transaction.atomic():
            refused = booking_services.reserve_listing(listing=listing, by=chef)
            assert _pending(key__startswith=f"booking:{refused.uuid}:", key__endswith=":reserved") == 1
            raise RuntimeError("the request failed after reserving")

        # then neither the reservation nor its e-mail is left
        assert not OutboxMessage.objects.filter(key__contains=str(refused.uuid)).exists()

        # when one succeeds
        reservation = booking_services.reserve_listing(listing=listing, by=chef)

        # then its e-mail waits to be sent, to the contact person, and nothing was sent before the commit
        message = OutboxMessage.objects.get(key__startswith=f"booking:{reservation.uuid}:", key__endswith=":reserved")
        assert (message.kind, message.payload["to"], message.state) == ("email", [personal.email], "pending")
        assert "Ritbord outboxtest" in message.payload["subject"]
        assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_key_twice_is_one_message_and_a_transaction_queues_one_relay(
    ystad, django_capture_on_commit_callbacks
):
    with schema_context(ystad.schema_name):
        # when one transaction writes a key twice and another key once
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            first = enqueue(kind="email", key="test:twice", payload={"version": 1})
            second = enqueue(kind="email", key="test:twice", payload={"version": 2})
            other = enqueue(kind="email", key="test:other", payload={})

        # then the first message with the key is kept, and one relay is queued for the schema on commit
        assert (first, second, other) == (True, False, True)
        assert [m.payload for m in OutboxMessage.objects.filter(key="test:twice")] == [{"version": 1}]
        assert len(callbacks) == 1


def test_writing_a_message_outside_a_transaction_is_refused():
    # given no transaction (autocommit): the message could be written without the change, or the change without it
    # when / then (refused before any query)
    with pytest.raises(TransactionManagementError):
        enqueue(kind="email", key="test:no-transaction", payload={})


@pytest.mark.django_db
def test_an_invitation_and_its_email_are_one_transaction(ystad, django_capture_on_commit_callbacks):
    admin = client_for(ystad, user_in(ystad, "admin"))
    with schema_context(ystad.schema_name):
        department = accounts_selectors.departments().first()

    # when the admin invites a colleague through the page
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post("/kollegor/", {"email": "ny.outbox@ystad.example", "role": "member",
                                             "department": department.pk})

    # then the e-mail was written with the invitation, and is sent by the relay queued on commit
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        invitation = accounts_selectors.open_invitations().get(email="ny.outbox@ystad.example")
        message = OutboxMessage.objects.get(key=f"invitation:{invitation.pk}")
        assert (message.kind, message.payload["to"]) == ("accounts.invitation", ["ny.outbox@ystad.example"])
        assert "/konto/inbjudan/" in message.payload["body"]
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["ny.outbox@ystad.example"]]
    with schema_context(ystad.schema_name):
        message.refresh_from_db()
        assert message.delivered_at is not None
        assert "body" not in message.payload  # the secret link is not kept once sent
        assert accounts_selectors.open_invitations().get(email="ny.outbox@ystad.example").sent_at is not None


@pytest.mark.django_db
def test_an_invitation_withdrawn_before_its_email_went_out_is_not_sent(ystad):
    admin_user = user_in(ystad, "admin")
    with schema_context(ystad.schema_name):
        from accounts import services as accounts_services

        # given an invitation whose e-mail waits (the broker was down)
        invitation, _token = accounts_services.invite_colleague(
            invited_by=admin_user, email="angrad@ystad.example", role="member",
            department=accounts_selectors.departments().first(), accept_url_for=lambda token: f"http://x/{token}/",
        )
        # when the admin withdraws it, and then the relay runs
        accounts_services.revoke_invitation(invitation=invitation, revoked_by=admin_user)
        deliver_due()

        # then nothing is sent, and the message is done with
        assert mail.outbox == []
        assert OutboxMessage.objects.get(key=f"invitation:{invitation.pk}").state == MessageState.DELIVERED


# ---------------------------------------------------------------------------------------------- delivering


@pytest.mark.django_db
def test_an_email_is_sent_once_with_a_message_id_derived_from_its_key(ystad):
    with schema_context(ystad.schema_name):
        # given an e-mail whose subject holds characters HTML would escape
        enqueue_email(key="test:once", to=["en@ystad.example"], subject="Stolar & bord\n<2 st>", body="Brödtext")
        message = OutboxMessage.objects.get(key="test:once")

        # when the relay runs, runs again, and someone asks to send it again
        first, again = deliver_due(), deliver_due()
        retried = retry(ids=[message.pk])

        # then it was sent once, as plain text on one line, with a Message-ID that says it is this message
        assert (first.delivered, again.delivered, retried) == (1, 0, 0)
        assert len(mail.outbox) == 1
        sent = mail.outbox[0]
        assert sent.subject == "Stolar & bord <2 st>"
        assert sent.message()["Message-ID"] == message_id(schema_name=ystad.schema_name, key="test:once")
        assert message_id(schema_name=ystad.schema_name, key="test:once") != message_id(
            schema_name="org_skurup", key="test:once"
        )
        message.refresh_from_db()
        assert (message.state, message.attempts) == (MessageState.DELIVERED, 1)


@pytest.mark.django_db
def test_a_failing_email_is_retried_later_then_given_up_where_the_admin_sees_and_retries_it(
    ystad, flaky_mail, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with schema_context(ystad.schema_name):
        # given an e-mail to an address the mail server refuses, and one it takes
        flaky_mail.refused = {"saknas@ystad.example"}
        _email("saknas")
        _email("finns")

        # when the relay runs
        first = deliver_due()

        # then one is sent; the other waits for a later attempt, with the error
        assert (first.delivered, first.failed) == (1, 1)
        failing = OutboxMessage.objects.get(key="test:saknas")
        assert failing.attempts == 1 and "SMTPRecipientsRefused" in failing.last_error
        assert failing.available_at > failing.last_attempt_at
        assert deliver_due().failed == 0  # not due yet

        # when its next two attempts fail too
        for _ in range(2):
            OutboxMessage.objects.filter(pk=failing.pk).update(available_at=timezone.now())
            deliver_due()

        # then it is given up
        failing.refresh_from_db()
        assert (failing.state, failing.attempts) == (MessageState.DEAD, 3)

    # and the organisation admin sees it among the given-up messages
    page = client_for(ystad, user_in(ystad, "admin")).get("/administrera/e-post/?status=dead")
    assert page.status_code == 200
    assert "saknas@ystad.example" in page.content.decode() and "finns@ystad.example" not in page.content.decode()

    # when the address is fixed and an operator retries the given-up messages
    flaky_mail.refused = set()
    out = io.StringIO()
    call_command("outbox", "retry", "--schema", ystad.schema_name, "--dead", stdout=out)
    with schema_context(ystad.schema_name):
        later = deliver_due()

    # then it is sent, once
    assert "1 message(s)" in out.getvalue()
    assert later.delivered == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["finns@ystad.example", "saknas@ystad.example"]


@pytest.mark.django_db
def test_platform_staff_retry_from_the_admin_list_and_other_organisations_never_see_the_messages(ystad, skurup):
    with schema_context(ystad.schema_name):
        _email("admin-retry")
        message = OutboxMessage.objects.get(key="test:admin-retry")
        OutboxMessage.objects.filter(pk=message.pk).update(dead_at=timezone.now(), attempts=10)
    retry_it = {"action": "retry_now", "_selected_action": [message.pk]}

    # when Ystad's organisation admin tries the retry in Django admin, then they are sent to Administrera's
    # read-only list (Django admin is platform staff's, decision 0039) and nothing is retried
    admin = client_for(ystad, user_in(ystad, "admin"))
    assert_sent_to_administrera(admin.post("/admin/outbox/outboxmessage/", retry_it), "/administrera/e-post/")
    with schema_context(ystad.schema_name):
        message.refresh_from_db()
        assert message.state == MessageState.DEAD

    # when platform staff retry it from the list
    response = client_for(ystad, platform_staff_in(ystad)).post("/admin/outbox/outboxmessage/", retry_it)

    # then it is due again
    assert response.status_code == 302
    with schema_context(ystad.schema_name):
        message.refresh_from_db()
        assert (message.state, message.attempts) == (MessageState.PENDING, 0)

    # and Skurup's admin, at Skurup, finds no such message; a member of Ystad may not look
    skurup_admin = client_for(skurup, user_in(skurup, "admin"))
    for path in ("/administrera/e-post/", f"/admin/outbox/outboxmessage/{message.pk}/change/"):
        answer = skurup_admin.get(path, follow=True)
        assert answer.status_code == 200, path
        assert "admin-retry@ystad.example" not in answer.content.decode()
    member = client_for(ystad, user_in(ystad, "personal"))
    for path in ("/administrera/e-post/", "/admin/outbox/outboxmessage/"):
        refused = member.get(path)
        assert refused.status_code == 403, path
        assert "admin-retry@ystad.example" not in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "path"), [("admin", "/administrera/e-post/"),
                                           ("platform staff", "/admin/outbox/outboxmessage/")])
def test_the_list_of_messages_costs_the_same_queries_for_5_and_50(ystad, who, path):
    admin = client_for(ystad, platform_staff_in(ystad) if who == "platform staff" else user_in(ystad, who))

    def counted() -> int:
        admin.get(path)  # warm caches (host routing, content types)
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(path).status_code == 200
        return len(queries)

    with schema_context(ystad.schema_name):
        for n in range(5):
            _email(f"list-{n}")
    few = counted()
    with schema_context(ystad.schema_name):
        for n in range(5, 50):
            _email(f"list-{n}")
    assert counted() == few
    assert "list-49@ystad.example" in admin.get(path).content.decode()


@pytest.mark.django_db
def test_a_relay_that_dies_mid_batch_and_runs_again_sends_nothing_twice(ystad, flaky_mail):
    with schema_context(ystad.schema_name):
        # given five e-mails waiting
        for n in range(1, 6):
            _email(f"batch-{n}")

        # when the process dies while handing the third to the mail server
        flaky_mail.die_at = 3
        with pytest.raises(SystemExit):
            deliver_due()

        # then two went out, and the third is untouched (its transaction never committed)
        assert len(mail.outbox) == 2
        third = OutboxMessage.objects.get(key="test:batch-3")
        assert (third.state, third.attempts) == (MessageState.PENDING, 0)

        # when the relay runs again
        flaky_mail.die_at = None
        deliver_due()

        # then every e-mail has gone out exactly once
        assert sorted(m.to[0] for m in mail.outbox) == [f"batch-{n}@ystad.example" for n in range(1, 6)]
        assert _pending(key__startswith="test:batch-") == 0


@pytest.mark.django_db
def test_the_relays_queries_do_not_grow_with_the_backlog(ystad, settings):
    settings.OUTBOX_BATCH_SIZE = 5
    with schema_context(ystad.schema_name):

        def relay_counted() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as queries:
                delivery = deliver_due()
            return delivery.delivered, len(queries)

        # given 5 e-mails waiting, then 50
        for n in range(5):
            _email(f"few-{n}")
        few = relay_counted()
        for n in range(50):
            _email(f"many-{n}")
        many = relay_counted()

        # then a relay delivers one batch at the same cost; the rest waits for the next relay
        assert few == many == (5, many[1])
        assert _pending(key__startswith="test:many-") == 45


@pytest.mark.django_db
def test_the_sweep_finds_due_schemas_in_queries_that_do_not_grow_with_the_backlog(ystad, skurup):
    def found_counted() -> tuple[list[str], int]:
        selectors.schemas_with_due_messages()  # after a schema switch, the first query sets the search path
        with CaptureQueriesContext(connection) as queries:
            found = selectors.schemas_with_due_messages()
        return found, len(queries)

    connection.set_schema_to_public()
    nothing = found_counted()
    with schema_context(ystad.schema_name):
        for n in range(5):
            _email(f"sweep-{n}")
    connection.set_schema_to_public()
    few = found_counted()
    with schema_context(ystad.schema_name):
        for n in range(5, 50):
            _email(f"sweep-{n}")
        # and one not due yet, in Skurup: not a reason to relay there
    with schema_context(skurup.schema_name):
        enqueue_email(key="test:later", to=["x@skurup.example"], subject="Senare", body="",
                      available_at=timezone.now() + timedelta(hours=1))
    connection.set_schema_to_public()
    many = found_counted()

    # (committed leftovers of other tests would show in all three: compare with what was there)
    assert ystad.schema_name in few[0] and set(few[0]) - set(nothing[0]) == {ystad.schema_name}
    assert many[0] == few[0]
    assert nothing[1] == few[1] == many[1] == 3  # organisations, which have the table, one UNION


@pytest.mark.django_db
def test_a_message_is_delivered_in_the_schema_it_was_written_in(ystad, skurup):
    # given a kind whose handler reads the organisation's own data (a department, by number)
    seen: list[tuple[str, str]] = []

    def note_department(message):
        department = accounts_selectors.department(pk=message.payload["department"])
        seen.append((connection.schema_name, department.name))

    registry.register("test.department", note_department)
    try:
        with schema_context(ystad.schema_name):
            ystad_names = {d.pk: d.name for d in accounts_selectors.departments()}
        with schema_context(skurup.schema_name):
            skurup_names = {d.pk: d.name for d in accounts_selectors.departments()}
        shared = next(pk for pk in ystad_names if pk in skurup_names and ystad_names[pk] != skurup_names[pk])
        # and the same key and department number written in Ystad only
        with schema_context(ystad.schema_name):
            enqueue(kind="test.department", key="test:isolation", payload={"department": shared})

        # when the sweep runs (tasks run in this process here; their schema comes from the _schema_name header)
        connection.set_schema_to_public()
        swept = tasks.sweep.apply().get()

        # then the handler ran once, in Ystad's schema, and saw Ystad's department
        assert ystad.schema_name in swept
        assert seen == [(ystad.schema_name, ystad_names[shared])]

        # when Skurup writes the same key, and the sweep runs again
        with schema_context(skurup.schema_name):
            enqueue(kind="test.department", key="test:isolation", payload={"department": shared})
        connection.set_schema_to_public()
        tasks.sweep.apply().get()

        # then Skurup's is delivered in Skurup's schema, and Ystad's is not delivered again
        assert seen == [(ystad.schema_name, ystad_names[shared]), (skurup.schema_name, skurup_names[shared])]
    finally:
        registry.unregister("test.department")


@pytest.mark.django_db
def test_a_message_of_a_kind_nobody_handles_waits_instead_of_being_lost(ystad):
    with schema_context(ystad.schema_name):
        enqueue(kind="exchange.publication", key="test:unknown-kind", payload={})
        assert deliver_due().failed == 1
        message = OutboxMessage.objects.get(key="test:unknown-kind")
        assert message.state == MessageState.PENDING and "No outbox handler" in message.last_error


@pytest.mark.django_db
def test_the_command_lists_what_waits_in_every_schema(ystad):
    def ystad_counts() -> list[int]:
        out = io.StringIO()
        call_command("outbox", "status", stdout=out)
        line = next(line for line in out.getvalue().splitlines() if line.startswith(ystad.schema_name))
        return [int(number) for number in line.split()[1:]]

    before = ystad_counts()
    with schema_context(ystad.schema_name):
        _email("status")
    # one more waiting, due now; none more given up
    assert [after - was for after, was in zip(ystad_counts(), before, strict=True)] == [1, 1, 0]
    out = io.StringIO()
    call_command("outbox", "list", "--schema", ystad.schema_name, "--state", "pending", stdout=out)
    assert "test:status" in out.getvalue()


# ---------------------------------------------------------------------------------------------- the broker away


def test_queueing_the_relay_with_the_broker_away_logs_a_warning_instead_of_failing(caplog):
    from .outbox_support import celery_broker, free_port

    # given a broker that is not running
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
        # when a transaction has committed and the relay is queued
        queued = tasks.request_relay(schema_name="org_ystad")

    # then nothing is raised: a warning says the sweep will deliver
    assert queued is False
    assert "the periodic sweep will deliver" in caplog.text
