"""Many e-mails at once (outbox.services.enqueue_emails), as the daily jobs write them: one statement however many,
each key once, in the caller's transaction, one relay queued on commit; delivered like any other e-mail.

Mail delivery is faked at its boundary: Django's in-memory backend.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from outbox.email import message_id
from outbox.models import OutboxMessage
from outbox.services import Email, deliver_due, enqueue_email, enqueue_emails


def emails(*names: str) -> list[Email]:
    return [Email(key=f"many:{name}", to=[f"{name}@ystad.example"], subject=f"Ämne\n{name}", body=f"Hej {name}!")
            for name in names]


@pytest.mark.django_db
def test_many_emails_are_one_statement_each_key_once_and_one_relay(ystad, django_capture_on_commit_callbacks):
    with schema_context(ystad.schema_name):
        with django_capture_on_commit_callbacks() as callbacks:
            # given one e-mail already written under its key
            with transaction.atomic():
                enqueue_email(key="many:anna", to=["anna@ystad.example"], subject="Först", body="Först")

            # when a transaction writes it again with twenty others, one of them twice
            names = ["anna", *[f"person{n}" for n in range(20)], "person3"]
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                written = enqueue_emails(emails=emails(*names))

        # then the twenty new ones are written in one statement, the first with each key wins, and one relay is queued
        # for the schema (the test's outer transaction holds both: one callback)
        assert written == 20
        assert sum("INSERT" in query["sql"] for query in queries.captured_queries) == 1
        assert OutboxMessage.objects.get(key="many:anna").payload["subject"] == "Först"
        assert OutboxMessage.objects.filter(key__startswith="many:person").count() == 20
        assert len(callbacks) == 1
        message = OutboxMessage.objects.get(key="many:person7")
        assert message.payload["subject"] == "Ämne person7"  # one line
        assert message.payload["message_id"] == message_id(schema_name=ystad.schema_name, key="many:person7")


@pytest.mark.django_db
def test_many_emails_are_delivered_like_one(ystad):
    with schema_context(ystad.schema_name):
        # given
        with transaction.atomic():
            enqueue_emails(emails=emails("karin", "olle"))

        # when the relay runs
        delivery = deliver_due()

        # then
        assert delivery.delivered >= 2
        sent = {message.to[0]: message for message in mail.outbox}
        assert sent["karin@ystad.example"].body == "Hej karin!"
        assert sent["olle@ystad.example"].subject == "Ämne olle"


@pytest.mark.django_db
def test_nothing_to_write_is_no_query(ystad):
    with schema_context(ystad.schema_name), transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert enqueue_emails(emails=[]) == 0
    assert queries.captured_queries == []


def test_writing_many_outside_a_transaction_is_refused():
    # given no transaction (autocommit)  when / then (refused before any query)
    with pytest.raises(TransactionManagementError):
        enqueue_emails(emails=emails("ingen"))
