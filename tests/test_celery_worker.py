"""A real Celery worker, against real Redis, runs a task in the schema of the organisation that queued it: the
outbox relay delivers an organisation's invitation e-mail from that organisation's schema.

Mail delivery is faked at its boundary: the worker uses Django's file-based e-mail backend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Department, Invitation, Role
from accounts.services import queue_invitation_email
from outbox.models import OutboxMessage
from outbox.tasks import relay

from .conftest import subprocess_env
from .outbox_support import celery_broker, free_port, send_task_to

pytestmark = pytest.mark.worker

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
SHARED_PK = 900_001  # the same invitation number in both organisations


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def committed_invitations(django_db_setup, django_db_blocker):
    """An open invitation with the same number in Ystad and in Skurup, its e-mail waiting in the organisation's
    outbox, committed so the worker sees them."""
    from tenants.models import Organisation

    with django_db_blocker.unblock():
        organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=["ystad", "skurup"])}
        # No relay is queued on commit (nothing listens at this broker address): the test sends them itself.
        with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
            for organisation in organisations.values():
                with schema_context(organisation.schema_name), transaction.atomic():
                    _remove_invitation()
                    invitation = Invitation.objects.create(
                        pk=SHARED_PK, email=f"arbetare@{organisation.slug}.example", role=Role.MEMBER,
                        department=Department.objects.order_by("pk").first(),
                        token_hash=f"worker-test-{organisation.slug}", expires_at=timezone.now() + timedelta(days=1),
                    )
                    queue_invitation_email(invitation=invitation, accept_url=f"http://example/{organisation.slug}/")
        yield organisations
        for organisation in organisations.values():
            with schema_context(organisation.schema_name):
                _remove_invitation()
        connection.set_schema_to_public()


def _remove_invitation() -> None:
    OutboxMessage.objects.filter(key=f"invitation:{SHARED_PK}").delete()
    Invitation.objects.filter(pk=SHARED_PK).delete()


@pytest.fixture
def worker(tmp_path, django_db_setup):
    if not _redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it, or set REDIS_TEST_URL")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    mail_dir = tmp_path / "mail"
    env = subprocess_env(
        REDIS_URL=REDIS_URL,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield mail_dir
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


def _send_to_broker(schema_name: str) -> None:
    """Queue the outbox relay for the organisation's schema, as a commit there would, to the real broker."""
    send_task_to(REDIS_URL, relay, schema_name, schema_name=schema_name)


def _sent_at(schema_name: str):
    with schema_context(schema_name):
        return Invitation.objects.get(pk=SHARED_PK).sent_at


def _wait_until(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_task_reads_and_writes_in_the_schema_of_the_organisation_that_queued_it(
    committed_invitations, worker: Path, django_db_blocker
):
    ystad, skurup = committed_invitations["ystad"], committed_invitations["skurup"]
    with django_db_blocker.unblock():
        # when Ystad's relay is queued, with the e-mail for its invitation number SHARED_PK waiting
        _send_to_broker(ystad.schema_name)

        # then the worker marks Ystad's invitation sent and leaves Skurup's (same number) alone
        assert _wait_until(lambda: _sent_at(ystad.schema_name) is not None)
        assert _sent_at(skurup.schema_name) is None
        mails = [path.read_text() for path in worker.glob("*.log")]
        assert len(mails) == 1
        assert "arbetare@ystad.example" in mails[0] and "Ystads kommun" in mails[0]

        # when Skurup's relay is queued, and Ystad's a second time
        _send_to_broker(skurup.schema_name)
        _send_to_broker(ystad.schema_name)

        # then Skurup's is sent once, and the repeat for Ystad sends nothing (a delivered message is done with)
        assert _wait_until(lambda: _sent_at(skurup.schema_name) is not None)
        time.sleep(1.0)
        mails = sorted(path.read_text() for path in worker.glob("*.log"))
        combined = "\n".join(mails)
        assert combined.count("To: arbetare@ystad.example") == 1
        assert combined.count("To: arbetare@skurup.example") == 1
        assert "Skurups kommun" in combined
