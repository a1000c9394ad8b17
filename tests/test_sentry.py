"""Errors reach Sentry tagged with the organisation. Sentry's servers are faked at the transport boundary."""

import pytest
import sentry_sdk
import sentry_sdk.transport
from django.urls import path

from platform_.observability import init_sentry, tag_organisation

from .conftest import client_for, user_in

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise ValueError("kaputt")


urlpatterns = [path("trasig/", broken_view)]


@pytest.fixture
def sentry_events(settings):
    events = []

    class CapturingTransport(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            events.append(envelope)

    init_sentry(dsn="https://public@sentry.invalid/1", environment="test", transport=CapturingTransport)
    yield events
    sentry_sdk.init()  # no DSN: turn Sentry off again


def _tags(events):
    tags = []
    for item in events:
        event = item.get_event() if hasattr(item, "get_event") else item
        if event:
            tags.append(event.get("tags", {}))
    return tags


def test_an_error_in_a_request_is_tagged_with_its_organisation(ystad, sentry_events, settings, monkeypatch):
    # given a view that fails, served at Ystad's host, with the request tagging middleware active
    settings.ROOT_URLCONF = "tests.test_sentry"
    monkeypatch.setattr("platform_.middleware.tag_organisation", tag_organisation)
    client = client_for(ystad, user_in(ystad, "personal"))
    client.raise_request_exception = False

    # when
    response = client.get("/trasig/")

    # then
    assert response.status_code == 500
    sentry_sdk.flush()
    assert {"organisation": "ystad", "schema": "org_ystad"}.items() <= _tags(sentry_events)[-1].items()


def test_an_error_in_a_task_is_tagged_with_the_organisation_that_queued_it(skurup, sentry_events):
    from celery import shared_task

    @shared_task(name="tests.failing_task")
    def failing_task():
        raise ValueError("trasig uppgift")

    # when a task queued from Skurup fails
    with pytest.raises(ValueError):
        failing_task.apply(headers={"_schema_name": skurup.schema_name})

    # then the event names Skurup
    sentry_sdk.flush()
    assert {"organisation": "skurup", "schema": "org_skurup"}.items() <= _tags(sentry_events)[-1].items()
