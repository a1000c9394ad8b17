"""Single sign-on per organisation with OpenID Connect (decision 0056), end to end: allauth's real views at the
organisation's host and a real OpenID Connect provider (django-oauth-toolkit) started on localhost by the test
(tests/oidc_support.py) — nothing of allauth or the provider is mocked. Accounts are made in the organisation's
schema with the default department and role, linked by the provider's identity afterwards; another organisation's
host, a forged state, a switched-off configuration, an unverified address and a platform admin are refused."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django_tenants.utils import schema_context

from accounts.models import Role, User
from tenants.services import update_settings
from tests.conftest import PASSWORD, client_for, user_in
from tests.oidc_support import running_provider
from tests.security.auth_support import fresh_rate_limits  # noqa: F401
from tests.sso_support import (
    CALLBACK,
    LOGIN,
    at_provider,
    client_id,
    configure,
    local,
    log_in,
    logged_in_user,
    redirect_uri,
    start,
    with_state,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

NEW = "anna.nyberg@ystad.example"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    from tests.conftest import _organisation  # noqa: F401  (the organisations exist in the demo world)

    users = [
        {"username": "anna", "email": NEW, "name": "Anna Nyberg"},
        {"username": "personal", "email": "personal@ystad.example", "name": "Ystads personal"},
        {"username": "overifierad", "email": "overifierad@ystad.example", "name": "O", "verified": False},
        {"username": "utanfor", "email": "someone@elsewhere.example", "name": "Utanför"},
        {"username": "plattform", "email": "plattform.sso@ystad.example", "name": "Plattform"},
        {"username": "skurupanna", "email": "anna@skurup.example", "name": "Anna i Skurup"},
    ]
    clients = [{"client_id": f"delbar-{slug}", "redirect_uris": [f"http://{slug}.localhost{CALLBACK}"]}
               for slug in ("ystad", "skurup")]
    with running_provider(tmp_path_factory.mktemp("oidc"), clients=clients, users=users) as running:
        yield running


def test_first_login_creates_the_account_in_the_organisations_schema_and_the_second_reuses_it(ystad, skurup,
                                                                                              provider):
    # given Ystad logs in through its provider, new accounts as operators in a default department
    department = configure(ystad, provider)
    client = client_for(ystad)

    # then the login page offers it
    page = client.get("/konto/login/")
    assert "Logga in med Ystads kommun AD" in page.content.decode()
    # and its CSP lets that form lead to the provider (form-action applies to the redirect), and no further
    policy = page["Content-Security-Policy"]
    assert f"form-action 'self' {provider.base}" in policy
    assert provider.base not in client.get("/").get("Content-Security-Policy", "")

    # when Anna, who has no account, logs in with it
    answer = log_in(client, provider, username="anna")

    # then she is logged in to a new account in Ystad's schema, with the default department and role, her
    # address verified from the provider's claim
    assert answer.status_code == 302
    user = logged_in_user(client, ystad)
    assert (user.email, user.full_name, user.role, user.department_id) == (NEW, "Anna Nyberg", Role.OPERATOR,
                                                                           department.pk)
    assert not user.has_usable_password()
    with schema_context(ystad.schema_name):
        assert user.emailaddress_set.get().verified
        assert SocialAccount.objects.filter(user=user).count() == 1
        created = User.objects.count()
    with schema_context(skurup.schema_name):
        assert not User.objects.filter(email=NEW).exists()
    assert client.get("/").status_code == 200

    # when she logs out and in again
    client.post("/konto/logout/")
    assert logged_in_user(client, ystad) is None
    log_in(client, provider, username="anna")

    # then the same account is used, and nothing new is made
    assert logged_in_user(client, ystad).pk == user.pk
    with schema_context(ystad.schema_name):
        assert User.objects.count() == created
        assert SocialAccount.objects.filter(user=user).count() == 1


def test_an_existing_account_with_the_same_verified_address_is_linked_not_duplicated(ystad, provider):
    # given Ystad's member "personal" has an account made by invitation
    configure(ystad, provider)
    personal = user_in(ystad, "personal")

    # when they log in through the provider with the same address
    client = client_for(ystad)
    log_in(client, provider, username="personal")

    # then they are in their own account, role and department unchanged, now linked to the provider's identity
    user = logged_in_user(client, ystad)
    assert (user.pk, user.role, user.department_id) == (personal.pk, personal.role, personal.department_id)
    with schema_context(ystad.schema_name):
        assert SocialAccount.objects.filter(user=personal).exists()


def test_a_forged_state_is_refused_and_nothing_is_made(ystad, provider):
    configure(ystad, provider)
    client = client_for(ystad)
    back = at_provider(provider, start(client), username="anna")

    # when the callback comes back with another state than the one this session started
    answer = client.get(with_state(back, "forged-state"))

    # then no one is logged in and no account is made
    assert answer.status_code == 401
    assert logged_in_user(client, ystad) is None
    with schema_context(ystad.schema_name):
        assert not User.objects.filter(email=NEW).exists()


def test_another_organisations_host_never_accepts_the_login(ystad, skurup, provider):
    # given both organisations log in through single sign-on
    configure(ystad, provider)
    configure(skurup, provider)

    # when a login started at Ystad's host is brought back to Skurup's host
    ystad_client = client_for(ystad)
    back = at_provider(provider, start(ystad_client), username="anna")
    skurup_client = client_for(skurup)
    answer = skurup_client.get(local(back))

    # then Skurup's host refuses it (its session started no such login), and no account is made anywhere
    assert answer.status_code == 401
    assert logged_in_user(skurup_client, skurup) is None
    with schema_context(skurup.schema_name):
        assert not User.objects.filter(email=NEW).exists()
    with schema_context(ystad.schema_name):
        assert not User.objects.filter(email=NEW).exists()
    # and the redirect URI each organisation registers is on its own host
    assert start(client_for(skurup)).count(redirect_uri(skurup).replace(":", "%3A").replace("/", "%2F")) == 1


def test_a_switched_off_configuration_refuses_to_start_and_to_finish(ystad, provider):
    configure(ystad, provider)
    client = client_for(ystad)
    back = at_provider(provider, start(client), username="anna")

    # when the admin switches single sign-on off half-way through a login
    configure(ystad, provider, enabled=False)

    # then the callback is refused, no button is offered, and no new login starts
    assert client.get(local(back)).status_code == 404
    assert logged_in_user(client, ystad) is None
    assert "oidc/sso" not in client.get("/konto/login/").content.decode()
    assert client.post(LOGIN).status_code == 404
    with schema_context(ystad.schema_name):
        assert not User.objects.filter(email=NEW).exists()


@pytest.mark.parametrize(("username", "says"), [
    ("overifierad", "verifierad"),  # the provider does not vouch for the address
    ("utanfor", "elsewhere.example"),  # an address outside the configured domains
])
def test_an_address_the_provider_does_not_vouch_for_or_outside_the_domains_is_refused(ystad, provider, username,
                                                                                       says):
    configure(ystad, provider)
    client = client_for(ystad)
    before = _count(ystad)

    answer = log_in(client, provider, username=username)

    assert answer.status_code == 403
    assert says in answer.content.decode()
    assert logged_in_user(client, ystad) is None
    assert _count(ystad) == before


def test_platform_staff_never_log_in_through_an_organisations_provider(ystad, provider):
    # given a platform admin's account in Ystad's schema with the address the provider names
    configure(ystad, provider)
    with schema_context(ystad.schema_name):
        User.objects.create_superuser("plattform.sso@ystad.example", PASSWORD)

    answer = log_in(client_for(ystad), provider, username="plattform")

    assert answer.status_code == 403
    with schema_context(ystad.schema_name):
        assert not SocialAccount.objects.filter(user__email="plattform.sso@ystad.example").exists()


def test_only_single_sign_on_refuses_members_passwords_but_not_the_admins(ystad, provider):
    # given Ystad logs in only through its provider
    configure(ystad, provider, sso_only=True)

    # when a member logs in with the right password
    refused = client_for(ystad).post("/konto/login/", {"login": "personal@ystad.example", "password": PASSWORD})

    # then it is refused with a message naming the button; the admin still logs in with a password
    assert refused.status_code == 200
    assert "Logga in med Ystads kommun AD" in refused.content.decode()
    assert refused.wsgi_request.user.is_anonymous
    admin = client_for(ystad).post("/konto/login/", {"login": "admin@ystad.example", "password": PASSWORD})
    assert admin.status_code == 302


def test_the_provider_answers_for_the_second_factor_of_a_single_sign_on_login(ystad, provider):
    # given Ystad requires everyone to have a second factor
    configure(ystad, provider)
    update_settings(organisation=ystad, mfa_required="everyone")

    # when Anna logs in through the provider
    client = client_for(ystad)
    log_in(client, provider, username="anna")

    # then she is not sent to set up an authenticator app: the provider's MFA applies
    assert client.get("/").status_code == 200
    # while a password login is, as before
    member = client_for(ystad, user_in(ystad, "personal"))
    assert member.get("/")["Location"] == "/konto/2fa/totp/activate/"


def test_the_provider_is_asked_with_pkce_and_the_client_id_of_the_organisation(ystad, provider):
    configure(ystad, provider)
    authorize = start(client_for(ystad))
    assert authorize.startswith(provider.issuer + "/authorize/")
    assert f"client_id={client_id(ystad)}" in authorize and "code_challenge=" in authorize


def _count(organisation) -> int:
    with schema_context(organisation.schema_name):
        return User.objects.count()


def test_someone_with_an_authenticator_app_is_not_asked_for_its_code_at_a_single_sign_on_login(ystad, provider):
    # given "personal" has set up an authenticator app in Delbar
    from accounts.services import set_up_totp

    configure(ystad, provider)
    with schema_context(ystad.schema_name):
        set_up_totp(user=User.objects.get(email="personal@ystad.example"), secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    # when they log in through the provider, they are in at once (the provider's MFA applies)
    client = client_for(ystad)
    answer = log_in(client, provider, username="personal")
    assert answer.status_code == 302 and "/2fa/" not in answer["Location"]
    assert logged_in_user(client, ystad).email == "personal@ystad.example"

    # while with their password they are asked for the code, as before
    password = client_for(ystad).post("/konto/login/", {"login": "personal@ystad.example", "password": PASSWORD})
    assert password.status_code == 302 and password["Location"] == "/konto/2fa/authenticate/"


def test_no_account_is_made_in_a_department_wound_up_since_the_configuration_was_saved(ystad, provider):
    department = configure(ystad, provider)
    with schema_context(ystad.schema_name):
        type(department).objects.filter(pk=department.pk).update(is_active=False)
    refused = log_in(client_for(ystad), provider, username="anna")
    assert refused.status_code == 409 and "avvecklats" in refused.content.decode()
    with schema_context(ystad.schema_name):
        assert not User.objects.filter(email=NEW).exists()


def test_a_deactivated_person_and_an_account_linked_to_another_identity_are_refused(ystad, provider):
    configure(ystad, provider)
    # given Anna logged in once, and was then deactivated
    client = client_for(ystad)
    log_in(client, provider, username="anna")
    with schema_context(ystad.schema_name):
        User.objects.filter(email=NEW).update(is_active=False)
    refused = log_in(client_for(ystad), provider, username="anna")
    assert refused.status_code == 403 and "inaktiverats" in refused.content.decode()

    # given "personal"'s account is linked to another identity at the provider
    with schema_context(ystad.schema_name):
        personal = User.objects.get(email="personal@ystad.example")
        SocialAccount.objects.create(user=personal, provider="sso", uid="another-identity", extra_data={})
    refused = log_in(client_for(ystad), provider, username="personal")
    assert refused.status_code == 409 and "redan kopplat" in refused.content.decode()
    with schema_context(ystad.schema_name):
        assert list(SocialAccount.objects.filter(user=personal).values_list("uid", flat=True)) == ["another-identity"]


def test_the_export_of_the_organisation_leaves_out_the_client_secret(ystad, provider, media, tmp_path):
    import zipfile

    from console.exporting import write_zip
    from tests.oidc_support import CLIENT_SECRET

    configure(ystad, provider)
    write_zip(organisation=ystad, target=tmp_path / "ystad.zip")
    with zipfile.ZipFile(tmp_path / "ystad.zip") as archive:
        names = [name for name in archive.namelist() if "sso_identityprovider" in name]
        assert names
        for name in archive.namelist():
            if name.endswith((".json", ".csv")):
                assert CLIENT_SECRET.encode() not in archive.read(name), name


def test_an_identity_is_never_connected_by_hand_to_whoever_is_logged_in(ystad, provider):
    # given "personal" logged in with a password
    configure(ystad, provider)
    client = client_for(ystad, user_in(ystad, "personal"))

    # when they try allauth's "connect" with Anna's identity at the provider
    answer = client.post(LOGIN, {"process": "connect"})
    back = at_provider(provider, answer["Location"], username="anna")
    refused = client.get(local(back))

    # then it is refused, nothing is linked and no account is made
    assert refused.status_code == 403 and "inte från den här sidan" in refused.content.decode()
    with schema_context(ystad.schema_name):
        assert not SocialAccount.objects.exists()
        assert not User.objects.filter(email=NEW).exists()
