"""The sign-up's pages on the public host and the first-run pages on the new organisation's host, in Swedish and
English, with their query counts and who may see them (decision 0051)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from onboarding import services
from onboarding.models import SignUp, SignUpStatus

from .conftest import client_for, user_in
from .onboarding_support import (
    EMAIL,
    last_verification_token,
    password_path_from_welcome,
    ready_signup,
    sjobo_details,
    verified_signup,
)

pytestmark = pytest.mark.django_db

SJOBO = "sjobo.localhost"


def public(language: str = "sv") -> Client:
    client = Client()
    client.cookies["delbar_language"] = language
    return client


def _warm_queries(client: Client, path: str, **extra) -> int:
    """The queries of a request made a second time (the first sets the connection's schema and warms caches)."""
    client.get(path, **extra)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **extra)
    return len(queries)


def _verified_client(language: str = "sv") -> tuple[Client, SignUp]:
    client = public(language)
    assert client.post("/anslut/", {"email": EMAIL}).status_code == 302
    token = last_verification_token()
    response = client.post(f"/anslut/bekrafta/{token}/")
    assert response.status_code == 302 and response["Location"] == "/anslut/uppgifter/"
    return client, SignUp.objects.get(email=EMAIL)


def _form(**changes) -> dict:
    data = {key: value for key, value in vars(sjobo_details()).items()}
    data.update(changes)
    return data


@pytest.mark.parametrize(("language", "heading", "button"), [
    ("sv", "Anslut er organisation", "Skicka länken till mig"), ("en", "Sign up your organisation", "Send me the link"),
])
def test_the_start_page_in_swedish_and_english(language, heading, button):
    response = public(language).get("/anslut/")
    assert response.status_code == 200
    assert heading in response.content.decode() and button in response.content.decode()


def test_the_e_mail_page_says_where_the_link_went_and_a_bad_address_is_named():
    client = public()
    response = client.post("/anslut/", {"email": EMAIL}, follow=True)
    assert "Titta i din e-post" in response.content.decode() and EMAIL in response.content.decode()
    response = client.post("/anslut/", {"email": "nej"})
    assert response.status_code == 400 and "error-summary" in response.content.decode()


def test_the_link_asks_for_one_click_and_an_expired_or_unknown_link_says_so():
    client = public("en")
    client.post("/anslut/", {"email": EMAIL})
    token = last_verification_token()
    # a mail program that opens the link to scan it verifies nothing
    response = client.get(f"/anslut/bekrafta/{token}/")
    assert response.status_code == 200 and "Confirm and go on" in response.content.decode()
    assert SignUp.objects.get(email=EMAIL).status == SignUpStatus.AWAITING_VERIFICATION
    assert client.get("/anslut/bekrafta/nonsense/").status_code == 404
    SignUp.objects.filter(email=EMAIL).update(verification_sent_at=timezone.now() - timedelta(hours=49))
    response = client.get(f"/anslut/bekrafta/{token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [
    ("sv", ["Organisationens uppgifter", "Sjöbo (1265)", "Fakturaadress", "Peppol-id", "Adress på Delbar"]),
    ("en", ["The organisation's details", "Sjöbo (1265)", "Invoice address", "Peppol id", "Address on Delbar"]),
])
def test_the_details_page_in_swedish_and_english(language, words):
    client, _ = _verified_client(language)
    response = client.get("/anslut/uppgifter/")
    text = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in text
    assert len(re.findall(r'<option value="\d{4}"', text)) == 290
    assert 'hx-get="/anslut/adress/"' in text
    # the plan, the size and the payment method (decision 0057): invoice only, and no word of cards without Stripe
    assert 'name="plan_code" value="delbar"' in text and 'name="band" value="medium"' in text
    assert 'name="payment_method" value="invoice"' in text and 'value="card"' not in text
    assert "Stripe" not in text and "kort" not in text.lower().replace("kortnamn", "")
    assert "24\u00a0000 kr, 48\u00a0000 kr, 96\u00a0000 kr" in text


def test_the_details_page_offers_card_payment_when_stripe_is_configured(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    client, _ = _verified_client()
    text = client.get("/anslut/uppgifter/").content.decode()
    assert 'name="payment_method" value="card"' in text and "Med kort via Stripe" in text


def test_a_missing_size_is_shown_beside_its_field_and_in_the_summary():
    client, signup = _verified_client()
    response = client.post("/anslut/uppgifter/", _form(band=""))
    text = response.content.decode()
    assert response.status_code == 400 and 'href="#id_band">Er organisations storlek:' in text
    assert 'id="id_band_error"' in text
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.VERIFIED


def test_the_details_page_without_a_verified_address_sends_to_the_start():
    assert public().get("/anslut/uppgifter/")["Location"] == "/anslut/"


def test_a_wrong_check_digit_is_shown_beside_the_field_in_swedish():
    client, _ = _verified_client()
    response = client.post("/anslut/uppgifter/", _form(organisation_number="212000-1158"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "fel kontrollsiffra" in text and 'href="#id_organisation_number"' in text


def test_an_organisation_already_on_delbar_offers_to_e_mail_its_admins(ystad):
    client, signup = _verified_client("en")
    response = client.post("/anslut/uppgifter/", _form(organisation_number="212000-1165", slug="nytt"))
    text = response.content.decode()
    assert response.status_code == 400 and "Ystads kommun" in text and "E-mail its administrators" in text
    assert "admin@ystad.example" not in text
    response = client.post("/anslut/be-om-inbjudan/")
    assert response.status_code == 200 and "administrators have been e-mailed" in response.content.decode()
    assert public().post("/anslut/be-om-inbjudan/").status_code == 404  # another browser


@pytest.mark.parametrize(("slug", "expected"), [
    ("sjobo", "sjobo är ledig."), ("ystad", "Adressen ystad är upptagen"), ("admin", "reserverad"),
    ("-x", "gemena bokstäver"),
])
def test_the_address_availability_as_one_types(slug, expected):
    response = public().get("/anslut/adress/", {"slug": slug})
    assert response.status_code == 200 and expected in response.content.decode()


def test_the_address_check_costs_the_same_queries_whatever_the_number_of_organisations():
    client = public()
    few = _warm_queries(client, "/anslut/adress/?slug=sjobo")
    ready_signup(slug="annan")
    connection.set_schema_to_public()
    assert few == _warm_queries(client, "/anslut/adress/?slug=sjobo") <= 3


def test_a_slug_taken_between_typing_and_submitting_gets_a_clear_message():
    client, _ = _verified_client("en")
    # given the address free as the applicant typed
    assert "sjobo is free" in client.get("/anslut/adress/", {"slug": "sjobo"}).content.decode()
    # when another sign-up takes it before they submit
    services.submit_details(signup=verified_signup("bo@sjobo.se"), details=sjobo_details(
        organisation_number="212000-1173"))
    response = client.post("/anslut/uppgifter/", _form())
    # then the form says so beside the address
    assert response.status_code == 400
    assert "The address sjobo is taken. Choose another." in response.content.decode()


def test_the_progress_page_polls_until_ready_then_offers_the_password_link(django_capture_on_commit_callbacks):
    client, signup = _verified_client("en")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/anslut/uppgifter/", _form())
    assert response["Location"] == "/anslut/status/" and len(callbacks) == 1
    page = client.get("/anslut/status/").content.decode()
    assert "is being set up" in page and 'hx-trigger="every 2s"' in page
    # a double-submitted form lands on the same progress
    assert client.post("/anslut/uppgifter/", _form())["Location"] == "/anslut/status/"
    services.run_provisioning(signup_id=signup.pk)
    fragment = client.get("/anslut/status/", HTTP_HX_REQUEST="true").content.decode()
    assert "Sjöbo kommun is ready" in fragment and "hx-trigger" not in fragment
    assert "http://sjobo.localhost:8000/kom-igang/losenord/" in fragment
    assert "<html" not in fragment
    # another browser has no sign-up here
    assert public().get("/anslut/status/").status_code == 404


def test_the_progress_page_in_swedish():
    client, signup = _verified_client("sv")
    client.post("/anslut/uppgifter/", _form())
    services.run_provisioning(signup_id=signup.pk)
    page = client.get("/anslut/status/").content.decode()
    assert "Sjöbo kommun är klar" in page and "Välj ditt lösenord" in page


def test_the_progress_page_costs_the_same_queries_whatever_the_data():
    client, signup = _verified_client("sv")
    client.post("/anslut/uppgifter/", _form())
    services.run_provisioning(signup_id=signup.pk)
    before = _warm_queries(client, "/anslut/status/")
    with schema_context("org_sjobo"):
        from accounts.services import ensure_departments

        ensure_departments(tree={f"Förvaltning {n}": [f"Enhet {n}"] for n in range(20)})
    connection.set_schema_to_public()
    assert _warm_queries(client, "/anslut/status/") == before


def _password_client(language: str = "sv") -> tuple[Client, str]:
    ready_signup()
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=SJOBO)
    client.cookies["delbar_language"] = language
    return client, password_path_from_welcome()


@pytest.mark.parametrize(("language", "heading"), [("sv", "Välj ditt lösenord"), ("en", "Set your password")])
def test_the_password_page_in_swedish_and_english(language, heading):
    client, path = _password_client(language)
    response = client.get(path)
    assert response.status_code == 200 and heading in response.content.decode()


def test_the_one_time_link_sets_the_password_logs_in_and_lands_on_the_checklist():
    client, path = _password_client("en")
    response = client.post(path, {"password1": "kort", "password2": "kort"})
    assert response.status_code == 400
    response = client.post(path, {"password1": "Sjöbo-delar-2026", "password2": "Sjöbo-delar-2026"})
    assert response.status_code == 302 and response["Location"] == "/kom-igang/"
    page = client.get("/kom-igang/")
    assert page.status_code == 200 and "Getting started" in page.content.decode()
    # once: the link no longer works
    assert client.get(path).status_code == 410
    from accounts.models import User

    with schema_context("org_sjobo"):
        assert User.objects.get(email=EMAIL).check_password("Sjöbo-delar-2026")


def _sjobo_admin_client(language: str = "sv") -> Client:
    ready_signup()
    from accounts.models import User

    with schema_context("org_sjobo"):
        admin = User.objects.get(email=EMAIL)
        client = Client(HTTP_HOST=SJOBO)
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["delbar_language"] = language
    return client


@pytest.mark.parametrize(("language", "words"), [
    ("sv", ["Kom igång", "1 av 5 steg klart", "Bygg upp era förvaltningar och enheter", "Inte än",
            "Betala mot faktura", "Den första fakturan kommer när provperioden är slut"]),
    ("en", ["Getting started", "1 of 5 steps done", "Build your departments", "Not yet", "Pay by invoice"]),
])
def test_the_checklist_in_swedish_and_english(language, words):
    text = _sjobo_admin_client(language).get("/kom-igang/").content.decode()
    for word in words:
        assert word in text
    for link in ("/administrera/enheter/", "/administrera/personer/bjud-in/", "/natverk/", "/annonser/ny/",
                 "/administrera/abonnemang/"):
        assert f'href="{link}"' in text


def test_the_checklist_costs_the_same_queries_with_more_data():
    client = _sjobo_admin_client()
    before = _warm_queries(client, "/kom-igang/")
    with schema_context("org_sjobo"):
        from accounts.services import ensure_departments

        ensure_departments(tree={f"Förvaltning {n}": [f"Enhet {n}"] for n in range(20)})
        from catalog.models import Listing

        assert not Listing.objects.exists()
    assert _warm_queries(client, "/kom-igang/") == before
    assert "2 av 5 steg klara" in client.get("/kom-igang/").content.decode()


def test_another_organisations_people_do_not_see_the_checklist(ystad):
    _sjobo_admin_client()
    # Ystad's admin's session is Ystad's: at Sjöbo's host they are nobody
    response = client_for(ystad, user_in(ystad, "admin")).get("/kom-igang/", HTTP_HOST=SJOBO)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    # and Ystad's own staff who are not admins get 404 at Ystad's
    assert client_for(ystad, user_in(ystad, "personal")).get("/kom-igang/").status_code == 404


def test_the_console_approves_an_organisation_waiting_for_approval(settings):
    settings.SIGNUP_REQUIRES_APPROVAL = True
    signup = ready_signup()
    assert signup.status == SignUpStatus.AWAITING_APPROVAL
    from accounts.models import User

    connection.set_schema_to_public()
    platform_admin = User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(platform_admin, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/konsol/onboarding/signup/?status__exact=awaiting_approval")
    assert listing.status_code == 200 and "Sjöbo kommun" in listing.content.decode()
    response = client.post("/konsol/onboarding/signup/", {"action": "approve", "_selected_action": [signup.pk]})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.READY and signup.organisation.status == "active"


@pytest.mark.parametrize("path", ["/anslut/", "/anslut/skickat/", "/anslut/uppgifter/"])
def test_the_sign_up_pages_cost_the_same_queries_whatever_the_number_of_organisations(path):
    client, _ = _verified_client()
    before = _warm_queries(client, path)
    services.run_provisioning(signup_id=services.submit_details(
        signup=verified_signup("bo@skane.example"),
        details=sjobo_details(organisation_number="212000-1173", slug="annan")).pk)
    connection.set_schema_to_public()
    assert _warm_queries(client, path) == before


def test_a_sign_up_sent_back_by_a_taken_address_says_why_on_its_pages():
    client, signup = _verified_client("en")
    client.post("/anslut/uppgifter/", _form())
    SignUp.objects.filter(pk=signup.pk).update(
        status=SignUpStatus.VERIFIED, last_error="The address sjobo is taken by another organisation.")
    assert "Choose again" in client.get("/anslut/status/").content.decode()
    assert "taken by another organisation" in client.get("/anslut/uppgifter/").content.decode()
