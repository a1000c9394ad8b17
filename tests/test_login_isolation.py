"""A Ystad account, session or cookie is worth nothing at Skurup's host."""

import pytest
from django.conf import settings
from django.test import Client

from .admin_support import PLATFORM_STAFF_ONLY, SENT_TO_ADMINISTRERA, assert_sent_to_administrera, platform_staff_in
from .conftest import PASSWORD, client_for, demo_email, host_of, user_in

pytestmark = pytest.mark.django_db


def _log_in(client: Client, email: str):
    return client.post("/konto/login/", {"login": email, "password": PASSWORD})


def test_a_ystad_user_logs_in_at_ystad(ystad):
    client = client_for(ystad)
    response = _log_in(client, demo_email("ystad", "personal"))
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_ystad_user_cannot_log_in_at_skurup(skurup):
    client = client_for(skurup)
    response = _log_in(client, demo_email("ystad", "personal"))
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_a_ystad_session_cookie_is_not_accepted_at_skurup(ystad, skurup):
    # given a logged-in Ystad session
    ystad_client = client_for(ystad)
    assert _log_in(ystad_client, demo_email("ystad", "admin")).status_code == 302
    cookie = ystad_client.cookies[settings.SESSION_COOKIE_NAME].value

    # when someone replays that cookie at Skurup's host
    replay = Client(HTTP_HOST=host_of(skurup))
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie

    # then Skurup does not know the session
    for path in ["/", "/kollegor/", "/administrera/", "/admin/"]:
        response = replay.get(path)
        assert response.status_code == 302, path
        assert "/login/" in response["Location"]


def test_the_session_cookie_is_bound_to_its_host(ystad):
    client = client_for(ystad)
    _log_in(client, demo_email("ystad", "personal"))
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["domain"] == ""  # no Domain attribute: browsers send it back to this host only
    assert morsel["httponly"]


def test_a_platform_admin_cannot_log_in_at_an_organisation(ystad):
    from demo.world import PLATFORM_ADMIN_EMAIL

    client = client_for(ystad)
    _log_in(client, PLATFORM_ADMIN_EMAIL)
    assert "_auth_user_id" not in client.session


def test_the_platform_console_lists_organisations_for_a_platform_admin(ystad):
    from accounts.models import User
    from demo.world import PLATFORM_ADMIN_EMAIL

    client = Client(HTTP_HOST="localhost")
    assert client.get("/konsol/").status_code == 302  # login first
    client.force_login(User.objects.get(email=PLATFORM_ADMIN_EMAIL))
    response = client.get("/konsol/tenants/organisation/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ystads kommun" in body and "Skurups kommun" in body
    assert "tenant_template" not in body


def test_an_organisation_admin_is_not_a_platform_admin(ystad):
    # Ystad's admin has no account in the public schema at all.
    client = Client(HTTP_HOST="localhost")
    client.post("/konto/login/", {"login": demo_email("ystad", "admin"), "password": PASSWORD})
    assert client.get("/konsol/").status_code == 302


def test_organisation_admin_pages_are_for_organisation_admins_only(ystad):
    assert client_for(ystad, user_in(ystad, "admin")).get("/administrera/").status_code == 200
    assert client_for(ystad, user_in(ystad, "personal")).get("/administrera/").status_code == 403


def test_django_admin_at_an_organisation_is_for_platform_staff_only(ystad):
    # given the organisation's admin, a member, and platform staff (a superuser of Ystad's schema)
    admin = client_for(ystad, user_in(ystad, "admin"))
    member = client_for(ystad, user_in(ystad, "personal"))
    staff = client_for(ystad, platform_staff_in(ystad))

    # then only platform staff get Django admin
    assert staff.get("/admin/").status_code == 200
    # the organisation's admin is sent to Delbar's own page for the same thing, and told why
    assert_sent_to_administrera(admin.get("/admin/"))
    assert_sent_to_administrera(admin.get("/admin/login/?next=/admin/"))
    assert_sent_to_administrera(admin.get("/admin/catalog/category/"), "/administrera/kategorier/")
    assert_sent_to_administrera(admin.get("/admin/outbox/outboxmessage/"), "/administrera/e-post/")
    assert_sent_to_administrera(admin.get("/admin/accounts/user/"), "/administrera/personer/")
    told = admin.get("/admin/", follow=True)
    assert told.redirect_chain == [("/administrera/", 302)]
    assert SENT_TO_ADMINISTRERA in told.content.decode()
    # a member gets a 403 page saying who it is for, not Django admin's login form
    for path in ("/admin/", "/admin/login/?next=/admin/"):
        refused = member.get(path)
        assert refused.status_code == 403, path
        assert PLATFORM_STAFF_ONLY in refused.content.decode() and 'name="password"' not in refused.content.decode()


def test_ystads_invitation_link_is_worthless_at_skurup(ystad, skurup):
    from django_tenants.utils import schema_context

    from accounts.models import Department, Role, User
    from accounts.services import invite_colleague

    with schema_context(ystad.schema_name):
        _, token = invite_colleague(
            invited_by=User.objects.get(email="admin@ystad.example"), email="hemlig@ystad.example",
            role=Role.MEMBER, department=Department.objects.first(),
        )
    response = client_for(skurup).get(f"/konto/inbjudan/{token}/")
    assert response.status_code == 410
    assert "hemlig@ystad.example" not in response.content.decode()
    assert client_for(ystad).get(f"/konto/inbjudan/{token}/").status_code == 200


def test_an_organisation_admin_sees_only_their_own_people(ystad, skurup):
    body = client_for(skurup, user_in(skurup, "admin")).get("/administrera/personer/").content.decode()
    assert "admin@skurup.example" in body
    assert "@ystad.example" not in body
    ystad_person = user_in(ystad, "personal")
    response = client_for(skurup, user_in(skurup, "admin")).get(f"/administrera/personer/{ystad_person.uuid}/")
    assert response.status_code == 404
    assert "personal@ystad.example" not in response.content.decode()


def test_a_platform_admin_logs_in_to_the_console_at_the_root_domain(ystad):
    from demo.world import PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_TOTP_SECRET

    from .security.auth_support import totp_code

    client = Client(HTTP_HOST="localhost")
    # through allauth's login (the console's own login page sends there), which comes back to the console
    response = client.post("/konto/login/?next=/konsol/", {"login": PLATFORM_ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    # with the code from the platform admin's authenticator app (decision 0054)
    response = client.post("/konto/2fa/authenticate/", {"code": totp_code(PLATFORM_ADMIN_TOTP_SECRET)})
    assert response.status_code == 302 and response["Location"] == "/konsol/"
    assert "Ystads kommun" in client.get("/konsol/tenants/organisation/").content.decode()
    # and that login means nothing at an organisation's host
    assert client_for(ystad).get("/admin/").status_code == 302
