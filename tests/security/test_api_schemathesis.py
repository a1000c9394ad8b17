"""Finding 14 of issue 13: the API answers as its OpenAPI document says, checked by Schemathesis in every test run.

A bounded, derandomized run against ``/api/schema/`` with a real API key: generated requests for every operation,
each answer checked for server errors and against the document (status code, content type, headers, body). It runs
in-process through Django's WSGI handler inside the test's transaction, so everything it writes is rolled back.

``SCHEMATHESIS_EXAMPLES`` raises the number of cases per operation for a long local run (e.g. 300, about 4,000
cases); the suite's default keeps the run to a few hundred cases.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.api_support import new_token
from tests.conftest import host_of, user_in

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    *filter(None, os.environ.get("SCHEMATHESIS_EXTRA_CHECKS", "").split(",")),  # for a local run
]


@contextmanager
def _connection_kept():
    # Django closes "old" connections at each request's start and end; inside the test's transaction that would
    # close the transaction itself. Django's own test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class InTestTransaction:
    """Django's WSGI application, answering inside the test's transaction."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        with _connection_kept():
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()


def _failures(error: BaseException) -> list[str]:
    failures = getattr(error, "exceptions", None) or [error]
    return [f"{getattr(f, 'title', type(f).__name__)}: {getattr(f, 'message', str(f))}".strip() for f in failures]


def _real_path_parameters(organisation, partner) -> dict[str, dict]:
    """A listing with an open reservation and a photo, in the organisation's demo data; an offer of ``partner``
    (a member of its network) and a deal in which the organisation asks for it."""
    from bookings.models import Booking
    from catalog.models import ListingPhoto
    from tests.deal_support import ask, shared_listing

    with schema_context(organisation.schema_name):
        reservation = Booking.objects.select_related("listing").filter(status="reserved").order_by("pk").first()
        photo = reservation.listing.photos.order_by("pk").first() or ListingPhoto.objects.order_by("pk").first()
        found = {
            "listing": {"uuid": str(reservation.listing.uuid)},
            "reservation": {"uuid": str(reservation.uuid)},
            "photo": {"id": photo.pk},
        }
    _, offer = shared_listing(partner, quantity=50)
    deal = ask(organisation, offer, quantity=1, local="admin")
    return {**found, "offer": {"id": offer.pk}, "deal": {"uuid": str(deal.uuid)}}


def test_the_api_answers_as_its_schema_says(ystad, skurup, settings):
    """Generated valid and invalid requests for every operation, each answer checked against the document.

    (Schemathesis's own pytest integration, ``schemathesis.pytest.from_fixture``, does not work with pytest 9.2,
    which dropped the node attribute it renames; so the operations are run with Hypothesis directly.)
    """
    # given Ystad's schema and an organisation admin's key (most rights), without throttling (its own tests)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    key = new_token(ystad, user_in(ystad, "admin"))
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", InTestTransaction(), headers={"Host": host_of(ystad)}
    )
    checks = [getattr(schemathesis.checks, name) for name in CHECKS]
    call = {"base_url": f"http://{host_of(ystad)}", "headers": {"Authorization": f"Token {key}"}}
    operations = [result.ok() for result in schema.get_all_operations()]
    found: dict[str, set[str]] = {}
    cases = []

    def run_operation(operation, mode: GenerationMode, path_parameters: dict | None = None) -> None:
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        @hypothesis_settings(
            max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
        )
        def run(case):
            cases.append(operation.label)
            try:
                case.call_and_validate(**call, checks=checks)
            except (AssertionError, BaseExceptionGroup) as error:
                # Keep going: one run reports every kind of mismatch, not only the first.
                label = f"{operation.label} ({mode.value}{', real ids' if path_parameters else ''})"
                for failure in _failures(error):
                    found.setdefault(label, set()).add(" | ".join(failure.splitlines()[:4]))

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in this operation's input can be made invalid

    # when each operation gets its valid and invalid requests, those with a listing, reservation or photo in the
    # path also with real ones (random ids would only ever meet 404 and leave the successful answers unchecked)
    real = _real_path_parameters(ystad, skurup)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode)
            names = {parameter.name for parameter in operation.path_parameters}
            if names and mode is GenerationMode.POSITIVE:
                key = (
                    "photo" if "size" in names
                    else "reservation" if "/reservations/" in operation.path
                    else "offer" if "/exchange/offers/" in operation.path
                    else "deal" if "/exchange/deals/" in operation.path
                    else "listing"
                )
                run_operation(operation, mode, real[key])

    # then no answer was a server error or differed from the document
    report = "\n".join(f"{label}: {failure}" for label, failures in sorted(found.items()) for failure in failures)
    print(f"schemathesis: {len(operations)} operations, {len(cases)} cases")
    assert not found, f"{len(found)} operations answered otherwise than documented:\n{report}"
