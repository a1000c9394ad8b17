"""The organisation admin's single sign-on page, /administrera/inloggning/ (decision 0056): the discovery document
is fetched from the real test provider on save; a bad address is refused with the reason and nothing is saved; the
secret is never shown again; admins only, each organisation its own, in a fixed number of queries. Also: which
claims name a person (the Entra ID rule) and the root domain's login page, which never offers nor queries a
provider."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import Department, Role
from sso import services
from sso.errors import SsoError
from sso.models import IdentityProvider
from tests.conftest import client_for, user_in
from tests.oidc_support import CLIENT_SECRET, free_port, running_provider
from tests.security.auth_support import fresh_rate_limits, root_client  # noqa: F401
from tests.sso_support import CALLBACK, configure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

PAGE = "/administrera/inloggning/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc"), clients=[
        {"client_id": "delbar-ystad", "redirect_uris": [f"http://ystad.localhost{CALLBACK}"]}], users=[]) as running:
        yield running


def _form(provider, department, **changes) -> dict:
    data = {"enabled": "on", "server_url": provider.issuer, "client_id": "delbar-ystad",
            "client_secret": CLIENT_SECRET, "button_label": "Ystads kommun", "email_domains": "ystad.example",
            "default_department": department.pk, "default_role": Role.MEMBER}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _department(organisation) -> Department:
    with schema_context(organisation.schema_name):
        return Department.objects.filter(is_active=True).order_by("pk").first()


def test_the_admin_saves_the_configuration_and_the_secret_is_never_shown_again(ystad, provider):
    client = client_for(ystad, user_in(ystad, "admin"))

    # when the admin fills in the page with the provider's issuer
    saved = client.post(PAGE, _form(provider, _department(ystad)))

    # then it is saved with the issuer the discovery document gives, and the page says only that a secret is set
    assert saved.status_code == 302
    with schema_context(ystad.schema_name):
        config = IdentityProvider.objects.get()
        assert (config.enabled, config.issuer, config.client_secret) == (True, provider.issuer, CLIENT_SECRET)
        assert config.email_domains == ["ystad.example"]
    page = client.get(PAGE).content.decode()
    assert CLIENT_SECRET not in page
    assert "Angiven (senast bytt" in page
    assert "http://ystad.localhost:8000/konto/oidc/sso/login/callback/" in page

    # when it is saved again with the secret left empty, the stored secret is kept
    assert client.post(PAGE, _form(provider, _department(ystad), client_secret="", button_label="Ystad")).status_code \
        == 302
    with schema_context(ystad.schema_name):
        config = IdentityProvider.objects.get()
        assert (config.button_label, config.client_secret) == ("Ystad", CLIENT_SECRET)
        # and the history records the change, never the secret
        event = config.events.order_by("-pgh_id").first()
        assert event.button_label == "Ystad" and not hasattr(event, "client_secret")


@pytest.mark.parametrize(("server_url", "says"), [
    ("/nothing-here", "HTTP-status 404"),
    ("unreachable", "kunde inte hämta"),
])
def test_an_address_without_a_discovery_document_is_refused_with_the_reason_and_nothing_is_saved(
        ystad, provider, server_url, says):
    url = provider.base + server_url if server_url.startswith("/") else f"http://127.0.0.1:{free_port()}/o"
    client = client_for(ystad, user_in(ystad, "admin"))

    refused = client.post(PAGE, _form(provider, _department(ystad), server_url=url))

    assert refused.status_code == 400
    body = refused.content.decode()
    assert says in body and 'class="error-summary"' in body
    with schema_context(ystad.schema_name):
        assert not IdentityProvider.objects.exists()


def test_bad_input_is_refused_beside_its_field_in_swedish(ystad, provider):
    client = client_for(ystad, user_in(ystad, "admin"))
    refused = client.post(PAGE, _form(provider, _department(ystad), client_secret=None, email_domains="inte en domän",
                                      default_role=Role.ORG_ADMIN))
    assert refused.status_code == 400
    form = refused.context["form"]
    assert set(form.errors) >= {"client_secret", "default_role"}
    with schema_context(ystad.schema_name):
        assert not IdentityProvider.objects.exists()
    refused = client.post(PAGE, _form(provider, _department(ystad), email_domains="inte_en_domän!"))
    assert refused.status_code == 400 and "är ingen e-postdomän" in refused.content.decode()


@pytest.mark.parametrize("local", ["personal", "chef", "operator"])
def test_staff_who_are_not_admins_get_403(ystad, provider, local):
    client = client_for(ystad, user_in(ystad, local))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _form(provider, _department(ystad))).status_code == 403
    with schema_context(ystad.schema_name):
        assert not IdentityProvider.objects.exists()
    assert client_for(ystad).get(PAGE).status_code == 302  # anonymous: to the login page


def test_each_organisation_sees_only_its_own_configuration(ystad, skurup, provider):
    # given Ystad has single sign-on
    configure(ystad, provider)

    # then Skurup's admin, at Skurup's host, sees none of it
    page = client_for(skurup, user_in(skurup, "admin")).get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert "delbar-ystad" not in body and "Inte inställd" in body
    # and Skurup's login page offers no button
    assert "oidc/sso" not in client_for(skurup).get("/konto/login/").content.decode()
    # and a Skurup session is not valid at Ystad's host (sessions live in each schema): sent to log in there
    skurup_admin = client_for(skurup, user_in(skurup, "admin"))
    skurup_admin.defaults["HTTP_HOST"] = "ystad.localhost"
    assert skurup_admin.get(PAGE).status_code == 302


def test_the_page_reads_a_fixed_number_of_queries(ystad, provider):
    client = client_for(ystad, user_in(ystad, "admin"))
    client.get(PAGE)
    with CaptureQueriesContext(connection) as before:
        assert client.get(PAGE).status_code == 200
    configure(ystad, provider)
    for n in range(5):
        with schema_context(ystad.schema_name):
            Department.objects.create(name=f"Extra enhet {n}")
    client.get(PAGE)
    with CaptureQueriesContext(connection) as after:
        assert client.get(PAGE).status_code == 200
    print(f"\nsingle sign-on page: {len(before)} queries unconfigured, {len(after)} configured with 5 more departments")
    assert len(after) <= len(before) + 1, [query["sql"] for query in after.captured_queries]
    assert len(after) <= 14, [query["sql"] for query in after.captured_queries]


def test_the_root_domains_login_page_offers_no_provider_and_reads_no_sso_table():
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        page = root_client().get("/konto/login/")
    assert page.status_code == 200
    assert "oidc/sso" not in page.content.decode()
    assert not [query for query in queries.captured_queries if "sso_" in query["sql"] or "socialapp" in query["sql"]]


# ---------------------------------------------------------------------------------------------- which address


def _config(issuer: str, domains: list[str]) -> IdentityProvider:
    return IdentityProvider(issuer=issuer, email_domains=domains)


ENTRA = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"


@pytest.mark.parametrize(("issuer", "domains", "claims", "address"), [
    # a provider that vouches for the address
    ("https://idp.example", [], {"email": "A@Kommun.se", "email_verified": True}, "a@kommun.se"),
    ("https://idp.example", [], {"email": "a@kommun.se", "email_verified": "true"}, "a@kommun.se"),
    # Entra ID, one tenant: the user principal name, within the configured domains
    (ENTRA, ["ystad.se"], {"email": "x@gmail.com", "preferred_username": "Anna@Ystad.se"}, "anna@ystad.se"),
    # refused: no email_verified and not Entra; Entra outside the domains; Entra without domains; Entra's shared
    # endpoint (any tenant); an unverified address
    ("https://idp.example", [], {"email": "a@kommun.se", "preferred_username": "a@kommun.se"}, None),
    (ENTRA, ["ystad.se"], {"preferred_username": "anna@skurup.se"}, None),
    (ENTRA, [], {"preferred_username": "anna@ystad.se"}, None),
    ("https://login.microsoftonline.com/common/v2.0", ["ystad.se"], {"preferred_username": "anna@ystad.se"}, None),
    ("https://idp.example", [], {"email": "a@kommun.se", "email_verified": False}, None),
    # a verified address outside the configured domains
    ("https://idp.example", ["ystad.se"], {"email": "a@kommun.se", "email_verified": True}, None),
])
def test_which_claims_name_a_person(issuer, domains, claims, address):
    config = _config(issuer, domains)
    if address is None:
        with pytest.raises(SsoError):
            services.verified_address(config=config, claims=claims)
    else:
        assert services.verified_address(config=config, claims=claims) == address


def test_the_organisations_history_export_lists_the_configuration_without_its_secret(ystad, provider):
    from datetime import date

    from history import selectors as history

    department = configure(ystad, provider)
    with schema_context(ystad.schema_name):
        entries = [entry for entry in history.organisation_events(organisation=ystad, since=date(2000, 1, 1),
                                                                  until=date(2100, 1, 1))
                   if entry.kind == "Inställning för enkel inloggning"]
    assert len(entries) == 1
    changes = {change.field: change.new for change in entries[0].changes}
    assert CLIENT_SECRET not in str(changes)
    assert department.name in changes.values()
