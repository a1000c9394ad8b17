"""/.well-known/security.txt (RFC 9116) and the reporting page answer on the root domain and every organisation."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from ..conftest import host_of

pytestmark = pytest.mark.django_db


def _fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.strip().splitlines())


@pytest.mark.parametrize("org", [None, "ystad", "skurup"])
def test_security_txt_names_a_contact_and_a_future_expiry(org, ystad, skurup, settings):
    # given the root domain or an organisation's host, anonymous
    host = {"ystad": host_of(ystad), "skurup": host_of(skurup)}.get(org, "localhost")
    settings.SECURITY_CONTACT_EMAIL = "security@delbar.example"

    # when
    response = Client(HTTP_HOST=host).get("/.well-known/security.txt")

    # then it is plain text with the required fields, canonical on the root domain whatever the host said
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = _fields(response.content.decode())
    assert fields["Contact"] == "mailto:security@delbar.example"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)
    assert fields["Canonical"] == "http://localhost:8000/.well-known/security.txt"
    assert fields["Policy"] == "http://localhost:8000/sakerhet/"


def test_security_txt_ignores_a_spoofed_host_port(ystad):
    response = Client(HTTP_HOST=f"{host_of(ystad)}:6666").get("/.well-known/security.txt")
    assert ":6666" not in response.content.decode()


@pytest.mark.parametrize(
    "language, heading", [("sv", "Rapportera ett säkerhetsproblem"), ("en", "Reporting a security problem")]
)
def test_the_reporting_page_is_in_the_visitors_language(ystad, language, heading):
    client = Client(HTTP_HOST=host_of(ystad))
    client.cookies["delbar_language"] = language
    response = client.get("/sakerhet/")
    assert response.status_code == 200
    assert heading in response.content.decode()
