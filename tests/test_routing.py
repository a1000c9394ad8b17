import pytest
from django.db import connection
from django.test import Client

from tenants.models import OrganisationStatus
from tenants.routing import directory
from tenants.services import set_status

from .conftest import client_for, host_of

pytestmark = pytest.mark.django_db


def test_an_organisation_host_shows_its_swedish_login_page_whatever_the_browser_language(ystad):
    response = client_for(ystad).get("/konto/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "sv"
    assert "Ystads kommun" in response.content.decode()


def test_the_root_domain_serves_the_public_site(ystad):
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    assert "Ystads kommun" not in response.content.decode()  # no list of organisations: a search (decision 0055)
    found = Client(HTTP_HOST="localhost").get("/hitta-organisation/", {"q": "ystad"})
    assert "Ystads kommun" in found.content.decode()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_unknown_host_gets_a_friendly_404_page(language):
    client = Client(HTTP_HOST="finnsinte.localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["delbar_language"] = language
    response = client.get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body
    expected = "Det finns ingen organisation" if language == "sv" else "There is no organisation"
    assert expected in body


def test_a_host_outside_the_platform_domain_is_refused():
    response = Client(HTTP_HOST="evil.example.org").get("/")
    assert response.status_code in (400, 404)


def test_a_suspended_organisation_gets_a_page_that_says_so(skurup):
    # when
    set_status(organisation=skurup, status=OrganisationStatus.SUSPENDED)

    # then the very next request sees it (the host cache was dropped by the change)
    response = client_for(skurup).get("/konto/login/")
    assert response.status_code == 403
    assert "tillfälligt stängd" in response.content.decode()

    set_status(organisation=skurup, status=OrganisationStatus.ACTIVE)
    assert client_for(skurup).get("/konto/login/").status_code == 200


def test_an_organisation_being_set_up_asks_to_come_back(trelleborg):
    trelleborg.status = OrganisationStatus.PROVISIONING
    trelleborg.save()
    response = client_for(trelleborg).get("/")
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_change_in_another_process_is_seen_after_the_recheck_interval(ystad, settings):
    # given a warm cache
    settings.TENANT_ROUTING_RECHECK_SECONDS = 0
    assert directory.organisation_for_host(host_of(ystad)).status == OrganisationStatus.ACTIVE

    # when another process suspends Ystad (simulated: the row and the version change, our cache is not told)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_organisation SET status = 'suspended' WHERE id = %s", [ystad.pk])
        cursor.execute("UPDATE tenants_routingversion SET version = version + 1")

    # then
    assert directory.organisation_for_host(host_of(ystad)).status == OrganisationStatus.SUSPENDED


def test_routing_a_warm_host_costs_no_query(ystad, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from platform_.middleware import OrganisationMiddleware

    middleware = OrganisationMiddleware(lambda request: request)
    request = RequestFactory().get("/", HTTP_HOST=host_of(ystad))
    request.user = AnonymousUser()
    middleware(request)  # warm the cache and the search path
    with django_assert_num_queries(0):
        routed = middleware(RequestFactory().get("/", HTTP_HOST=host_of(ystad)))
    assert routed.tenant.slug == "ystad"
