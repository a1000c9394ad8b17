"""A real provisioning worker killed half way, and the next one finishing the sign-up (decision 0051).

The worker provisions Sjöbo — its row, schema, first admin and welcome e-mail — and is then held at the sign-up's
last step by a row lock the test keeps (FOR KEY SHARE: the worker's count of attempts passes, its FOR UPDATE waits),
killed there with SIGKILL, and the sign-up queued again as its progress page does after a minute. A second worker
finishes it, with one admin and one welcome e-mail. Its own Redis (tests/outbox_support.py), committed rows.
"""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from onboarding import services
from onboarding.models import SignUp, SignUpStatus

from .onboarding_support import EMAIL, sjobo_details, verified_signup
from .outbox_support import RedisServer, celery_broker, start_worker, stop_worker, wait_until

pytestmark = pytest.mark.worker


def _remove_sjobo() -> None:
    from billing.models import InvoiceDetails, Subscription
    from outbox.models import OutboxMessage
    from tenants.models import Organisation
    from tenants.services import delete_organisation

    connection.set_schema_to_public()
    for organisation in Organisation.objects.filter(slug="sjobo"):
        Subscription.objects.filter(organisation_id=organisation.pk).delete()
        InvoiceDetails.objects.filter(organisation_id=organisation.pk).delete()
        delete_organisation(organisation=organisation)
    SignUp.objects.filter(email=EMAIL).delete()
    OutboxMessage.objects.filter(key__startswith="onboarding:").delete()


def _organisation_active() -> bool:
    from tenants.models import Organisation

    return Organisation.objects.filter(slug="sjobo", status="active").exists()


def test_a_killed_provisioning_worker_is_finished_by_the_next(tmp_path, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _remove_sjobo()
        server = RedisServer(tmp_path / "redis")
        server.start()
        first = second = None
        try:
            with celery_broker(server.url):
                # given the details sent: the provisioning waits in the queue for a worker
                signup = services.submit_details(signup=verified_signup(), details=sjobo_details())
                with transaction.atomic():
                    # and the worker held at the sign-up's last step by the test's lock on its row
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT 1 FROM onboarding_signup WHERE id = %s FOR KEY SHARE", [signup.pk])
                    first = start_worker(server.url, tmp_path / "mail")
                    assert wait_until(_organisation_active, 90), stop_worker(first)
                    assert wait_until(lambda: SignUp.objects.get(pk=signup.pk).attempts == 1, 30)
                    # when it is killed there, half way: organisation made, sign-up not finished
                    first.send_signal(signal.SIGKILL)
                    first.wait(timeout=20)
                signup.refresh_from_db()
                assert signup.status == SignUpStatus.PROVISIONING and schema_exists("org_sjobo")
                # and the progress page, a minute later, queues it again for the next worker
                second = start_worker(server.url, tmp_path / "mail")
                SignUp.objects.filter(pk=signup.pk).update(queued_at=timezone.now() - timedelta(minutes=2))
                signup.refresh_from_db()
                with transaction.atomic():
                    assert services.requeue_if_stalled(signup=signup)
            # then the next worker finishes it, once
            assert wait_until(lambda: SignUp.objects.get(pk=signup.pk).status == SignUpStatus.READY, 90), \
                stop_worker(second)
            signup.refresh_from_db()
            assert signup.attempts == 2 and signup.organisation.slug == "sjobo"
            from accounts.models import User
            from outbox.models import OutboxMessage

            with schema_context("org_sjobo"):
                assert User.objects.filter(email=EMAIL, role="org_admin").count() == 1
                assert OutboxMessage.objects.filter(kind="onboarding.welcome").count() == 1
            # and one trial, with invoice payment and its details handed to billing (decision 0057)
            from billing.models import InvoiceDetails, Subscription

            connection.set_schema_to_public()
            (subscription,) = Subscription.objects.filter(organisation_id=signup.organisation_id)
            assert (subscription.status, subscription.payment_method) == ("trialing", "invoice")
            assert InvoiceDetails.objects.filter(organisation_id=signup.organisation_id).count() == 1
        finally:
            for worker in (first, second):
                if worker is not None:
                    stop_worker(worker)
            server.stop()
            _remove_sjobo()
